"""Settings, read once from the environment (prefix ``GROUNDSWELL_``).

Every path the product writes lives under ``GROUNDSWELL_HOME`` so a run can be
inspected, moved or deleted as one folder.  Secrets never come from files in
the repository: only from the environment (or, inside Airflow, connections).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The checkout this package runs from: dags/, dbt/ and expectations/ sit beside src/.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(RuntimeError):
    """A setting or path is wrong; the message says how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GROUNDSWELL_", extra="ignore")

    home: Path = Field(
        default=Path(".groundswell"),
        description="Folder holding everything a run writes (warehouse, snapshots, logs).",
    )
    project_root: Path = Field(default=PROJECT_ROOT, description="The groundswell checkout.")
    dashboard_user: str = Field(default="executive", description="Dashboard login name (an all-units admin).")
    dashboard_password: SecretStr | None = Field(
        default=None, description="That login's password (hashed at startup, never kept in clear)."
    )
    dashboard_users: SecretStr | None = Field(
        default=None, description="Dashboard logins: JSON, or the path of a JSON file outside the "
        "repository, mapping user -> {password_hash, business_units: [..] or '*'} (groundswell.serve.auth).",
    )
    pseudonym_key: SecretStr | None = Field(
        default=None, description="Key of the customer pseudonyms in the marts; by default a random "
        "key generated once into $GROUNDSWELL_HOME/secrets/pseudonym.key (mode 0600).",
    )
    lake: str | None = Field(
        default=None,
        description="Root of the raw Parquet lake: a local folder (default $GROUNDSWELL_HOME/lake) or an "
        "fsspec URI (s3://bucket/prefix, gs://..., abfs://...; with that protocol's fsspec package).",
    )
    duckdb_memory_limit: str = Field(
        default="3GB",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="Memory DuckDB may use in any groundswell process (a landing, a dbt build, the "
        "gate) before it spills to disk: peak memory stays bounded however large the data.",
    )

    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="The engine dbt builds the models on: duckdb (embedded, in the writer) or spark "
        "(dbt/profiles.yml target `spark`: a local Spark by default, a cluster through its Thrift "
        "server; `make spark`). Either way the gate and the dashboards read a DuckDB snapshot.",
    )

    spark_warehouse: str | None = Field(
        default=None,
        description="Where Spark keeps the tables it builds (spark.sql.warehouse.dir): default "
        "$GROUNDSWELL_HOME/spark/warehouse. On a cluster, a location the cluster writes and this "
        "machine reads (the publish step reads the marts' Parquet there).",
    )

    spark_thrift_host: str | None = Field(
        default=None,
        description="With the spark engine: the Spark Thrift server to build on (dbt/profiles.yml target "
        "spark_thrift; docker-compose's spark profile). Unset: a local Spark in the dbt process.",
    )

    earliest_record_date: date = Field(
        default=date(2000, 1, 1),
        description="No record may date from before this day: a timestamp earlier is quarantined as "
        "implausible (a source whose platform launched later uses its launch, docs/sources.md).",
    )

    post_metrics_window_days: int = Field(
        default=28,
        description="Each interval fetch of the X and Facebook readers also re-fetches the brand's own "
        "posts created this many days before the interval, so their likes, shares and impressions "
        "stay current (the latest landing of a post wins); 0: only posts created in the interval.",
    )

    model_min_corrections: int = Field(
        default=200, ge=1,
        description="Analyst corrections an industry needs before `groundswell enrich` trains a model "
        "on them and labels the industry's uncorrected texts with it (below: VADER and the keyword "
        "rules); counted per label (sentiment, topic).",
    )

    snapshots_keep: int = Field(
        default=5, ge=1,
        description="Published snapshots kept under published/snapshots/ (the current one always is): "
        "how far `groundswell rollback` can go back.",
    )

    digest_schedule: str = Field(
        default="0 7 * * 1",
        description="When the groundswell_digest DAG sends the weekly executive digest: a cron "
        "expression in UTC (default Mondays at 07:00).",
    )

    @field_validator("post_metrics_window_days", mode="before")
    @classmethod
    def _whole_days(cls, value: object) -> int:
        text = str(value).strip()
        if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
            raise ValueError(f"GROUNDSWELL_POST_METRICS_WINDOW_DAYS must be a whole number of days, 0 or "
                             f"more (default 28; 0 re-fetches no older posts), not {value!r}")
        return int(text)

    @field_validator("home", "project_root")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    # Paths derived from home: one place names them all.
    @cached_property
    def warehouse_path(self) -> Path:
        """The writer database: only pipeline tasks open it."""
        return self.home / "warehouse.duckdb"

    @cached_property
    def lake_root(self) -> str:
        """The raw lake's root: ``GROUNDSWELL_LAKE``, else ``lake/`` under home."""
        return self.lake or str(self.home / "lake")

    @cached_property
    def raw_lake(self):
        """The raw lake (``groundswell.lake.Lake``): landed batches, quarantine and load audit."""
        from groundswell.lake import Lake

        return Lake(self.lake_root, locks_dir=self.home / "locks", scratch_dir=self.home / "tmp" / "lake")

    @cached_property
    def published_dir(self) -> Path:
        return self.home / "published"

    @cached_property
    def published_path(self) -> Path:
        """The read-only snapshot dashboards and analysts open."""
        return self.published_dir / "warehouse.duckdb"

    @cached_property
    def snapshots_dir(self) -> Path:
        """Every kept snapshot, by id; the published file is a hard link to one of them."""
        return self.published_dir / "snapshots"

    @cached_property
    def landing_dir(self) -> Path:
        return self.home / "landing"

    @cached_property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @cached_property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @cached_property
    def gx_dir(self) -> Path:
        """Great Expectations project: validation results and Data Docs."""
        return self.home / "gx"

    @cached_property
    def pseudonym_key_path(self) -> Path:
        return self.home / "secrets" / "pseudonym.key"

    def pseudonym_key_value(self) -> str:
        """GROUNDSWELL_PSEUDONYM_KEY, else the key file under home, created once (0600) when missing."""
        if self.pseudonym_key is not None and self.pseudonym_key.get_secret_value():
            return self.pseudonym_key.get_secret_value()
        path = self.pseudonym_key_path
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Written whole under a private name, then linked into place: a process killed midway
            # leaves no empty key, and of two first builds racing, one key wins and both use it.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pseudonym.key.")
            try:
                with os.fdopen(fd, "w") as out:
                    out.write(secrets.token_hex(32) + "\n")
                    out.flush()
                    os.fsync(out.fileno())
                os.link(tmp, path)
            except FileExistsError:  # another process made it first: use theirs
                pass
            finally:
                os.unlink(tmp)
        key = path.read_text().strip()
        if not key:
            raise ConfigError(f"{path} is empty: delete it (a new key is generated) or set "
                              "GROUNDSWELL_PSEUDONYM_KEY")
        return key

    @cached_property
    def spark_dir(self) -> Path:
        """Spark's tables (its warehouse) and catalogue (a Derby metastore), local engine only."""
        return self.home / "spark"

    @cached_property
    def spark_warehouse_dir(self) -> str:
        return self.spark_warehouse or str(self.spark_dir / "warehouse")

    @cached_property
    def enrichment_export_dir(self) -> Path:
        """Enrichment's scores as Parquet (``texts.parquet``), which Spark reads as a source."""
        return self.home / "enrichment"

    @cached_property
    def models_dir(self) -> Path:
        """Label models trained on analysts' corrections, one folder per industry and version."""
        return self.home / "models"

    @cached_property
    def dbt_target(self) -> str:
        """The profile target of the engine (dbt/profiles.yml)."""
        if self.engine == "spark":
            return "spark_thrift" if self.spark_thrift_host else "spark"
        return "local"

    @cached_property
    def dbt_project_dir(self) -> Path:
        return self.project_root / "dbt"

    @cached_property
    def dbt_target_dir(self) -> Path:
        """dbt's artifacts; one folder per engine, so switching engines never reuses the other's
        partial parse."""
        return self.home / "dbt" / ("target" if self.engine == "duckdb" else f"target-{self.engine}")

    @cached_property
    def dags_dir(self) -> Path:
        return self.project_root / "dags"

    @cached_property
    def expectations_dir(self) -> Path:
        return self.project_root / "expectations"

    def check_project(self) -> None:
        """Fail early, with a fix, when the checkout is incomplete."""
        for needed in (self.dbt_project_dir / "dbt_project.yml", self.dags_dir):
            if not needed.exists():
                raise ConfigError(
                    f"{needed} is missing: groundswell runs from its source checkout. "
                    "Set GROUNDSWELL_PROJECT_ROOT to the folder holding dbt/ and dags/."
                )

    def tool_env(self) -> dict[str, str]:
        """Environment dbt and Great Expectations read, in this process or a child."""
        return {
            "GROUNDSWELL_HOME": str(self.home),
            "GROUNDSWELL_PROJECT_ROOT": str(self.project_root),
            "GROUNDSWELL_WAREHOUSE_PATH": str(self.warehouse_path),
            # dbt's sources read the lake (dbt_project.yml: sources' external_location). Not
            # GROUNDSWELL_LAKE: exported, a setting would follow this process into every other home.
            "GROUNDSWELL_LAKE_ROOT": self.raw_lake.root,
            # dbt_project.yml's on-run-start sets it on dbt's DuckDB.
            "GROUNDSWELL_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "DBT_PROFILES_DIR": str(self.dbt_project_dir),
            # dbt's target is the engine's (an explicit --target, as `groundswell metrics` gives, wins)
            "DBT_TARGET": self.dbt_target,
            "GROUNDSWELL_ENRICHMENT_EXPORT": str(self.enrichment_export_dir),
            "GROUNDSWELL_SPARK_WAREHOUSE_DIR": self.spark_warehouse_dir,
            "DBT_TARGET_PATH": str(self.dbt_target_dir),
            "DBT_LOG_PATH": str(self.logs_dir / "dbt"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "DO_NOT_TRACK": "1",
            "GX_ANALYTICS_ENABLED": "False",
        } | ({
            # An operator's key, passed on to the dbt plugin (groundswell.transform.dbt_plugin; never in SQL).
            # A key from the home's file is not exported: the plugin reads the file of the home it
            # builds, and an exported key would follow this process into any other home.
            "GROUNDSWELL_PSEUDONYM_KEY": self.pseudonym_key.get_secret_value(),
        } if self.pseudonym_key is not None and self.pseudonym_key.get_secret_value() else {})

    def runtime_env(self) -> dict[str, str]:
        """Environment for Airflow and the task processes it starts (plus ``tool_env``)."""
        return self.tool_env() | {
            "AIRFLOW_HOME": str(self.airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_dir),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            # Two cores here; `airflow standalone` would otherwise start 32 workers.
            "AIRFLOW__CORE__PARALLELISM": "4",
            # An operator's own metadata DB (Postgres) wins over the embedded SQLite file.
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": os.environ.get(
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
                f"sqlite:///{self.airflow_home / 'airflow.db'}",
            ),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.logs_dir / "airflow"),
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "AIRFLOW__COSMOS__CACHE_DIR": str(self.home / "cosmos"),
            "SCARF_ANALYTICS": "false",
        } | ({
            # Cosmos runs dbt in each task process: on Spark, the pseudonyms' key is a setting of
            # the session dbt starts (dbt/profiles.yml), so the tasks of this home carry it.
            "GROUNDSWELL_PSEUDONYM_KEY": self.pseudonym_key_value(),
        } if self.engine == "spark" else {})

    def apply(self) -> Settings:
        """Export ``tool_env`` into this process, for in-process dbt and GX.

        Airflow's variables are left alone: they belong to the Airflow processes
        (``airflow_runner``), and exporting them here would leak one home's
        metadata database into every later child process.
        """
        os.environ.update(self.tool_env())
        return self


def get_settings() -> Settings:
    """Settings from the current environment (cheap: no I/O)."""
    return Settings()
