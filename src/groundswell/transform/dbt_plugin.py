"""A dbt-duckdb plugin: the pseudonymization key, as a SQL function on dbt's connection.

dbt/profiles.yml loads it; the macro ``pseudonymize`` (dbt/macros/pseudonymize.sql) calls
``groundswell_pseudonym_key()``. The key is the one of the home dbt builds
(``Settings.pseudonym_key_value``: ``GROUNDSWELL_PSEUDONYM_KEY``, else the key file under
``GROUNDSWELL_HOME``), so it never appears in compiled SQL or dbt's artifacts.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        from groundswell.config import Settings

        key = Settings().pseudonym_key_value()
        conn.create_function("groundswell_pseudonym_key", lambda: key, [], "VARCHAR",
                             side_effects=False)
