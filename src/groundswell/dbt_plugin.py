"""A dbt-duckdb plugin: the pseudonymization key, as a SQL function on dbt's connection.

dbt/profiles.yml loads it; the macro ``pseudonymize`` (dbt/macros/pseudonymize.sql) calls
``groundswell_pseudonym_key()``. The key comes from ``GROUNDSWELL_PSEUDONYM_KEY``, which
``Settings.tool_env`` always sets, so it never appears in compiled SQL or dbt's artifacts.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

KEY_ENV = "GROUNDSWELL_PSEUDONYM_KEY"


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        key = os.environ.get(KEY_ENV, "")
        if not key:
            raise RuntimeError(
                f"{KEY_ENV} is not set: run dbt through `groundswell build` (which sets it from the "
                f"environment or $GROUNDSWELL_HOME/secrets/pseudonym.key), or export {KEY_ENV}"
            )
        conn.create_function("groundswell_pseudonym_key", lambda: key, [], "VARCHAR",
                             side_effects=False)
