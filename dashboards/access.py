"""Which rows of the published snapshot a dashboard user sees: the one place that decides it.

Every page reads the snapshot through ``dashboards.data.snapshot()``, which calls ``connect``
here with the scope of the current request (set by the login, ``groundswell.serve.web``). A user of
every unit (``"*"``, the single-user admin, ``--demo``) gets the snapshot itself, read-only. A
user of some units gets an in-memory connection where each table the pages read, under its own
name (``marts.fct_post_performance``...), is a view of the snapshot's table keeping only the rows
of the user's units: the query functions need no filter of their own, and a new query or page is
restricted without doing anything. The units travel as a bound parameter (a DuckDB variable),
never spliced into SQL. How each mart's rows belong to units: ``RULES``, and docs/operations.md.

A table without a rule shows a restricted user no rows (fail closed): a new mart needs its rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
from flask import g, has_request_context

from groundswell.serve.auth import ANALYST, EXECUTIVE

#: The catalog the snapshot is attached as, behind the views (queries never name it).
SOURCE = "published"
_UNITS = "getvariable('groundswell_units')::varchar[]"

#: The user's units' own brands (seeds.business_units).
_UNIT_BRANDS = (f"(select brand from {SOURCE}.seeds.business_units "
                f"where list_contains({_UNITS}, business_unit))")
#: Competitors' rows of the listening marts: public market data, every user sees them.
_COMPETITORS = f"(select brand from {SOURCE}.seeds.brands where is_competitor)"


def _account_unit(platform: str) -> str:
    """The row's brand has an account on ``platform`` run by one of the user's units."""
    return (f"exists (select 1 from {SOURCE}.seeds.brand_accounts as a where a.brand = r.brand "
            f"and a.platform = {platform} and list_contains({_UNITS}, a.business_unit))")


#: Care channels -> the platform of the account that received the message.
_CARE_PLATFORM = ("case r.channel when 'x' then 'x' when 'facebook_comment' then 'facebook' "
                  "when 'facebook_messenger' then 'facebook' when 'facebook' then 'facebook' end")
UNIT_COLUMN = f"list_contains({_UNITS}, r.business_unit)"
OWN_BRAND = f"r.brand in {_UNIT_BRANDS}"
LISTENING = f"(r.brand in {_UNIT_BRANDS} or r.brand in {_COMPETITORS})"
ALL_ROWS = "true"
NO_ROWS = "false"

#: table -> which of its rows a restricted user sees (a predicate over the row ``r``).
RULES: dict[str, str] = {
    # rows of an account: the unit running it (dbt/seeds/brand_accounts.csv)
    "marts.fct_post_performance": (
        f"exists (select 1 from {SOURCE}.seeds.brand_accounts as a where a.platform = r.platform "
        f"and a.account_id = r.account_id and list_contains({_UNITS}, a.business_unit))"),
    "marts.agg_content_performance": _account_unit("r.platform"),
    "marts.fct_care_messages": _account_unit(_CARE_PLATFORM),
    "marts.fct_care_conversations": _account_unit(_CARE_PLATFORM),
    "marts.agg_care_daily": _account_unit(_CARE_PLATFORM),
    "marts.agg_care_responsiveness": _account_unit(_CARE_PLATFORM),
    "marts.agg_care_coverage": _account_unit(_CARE_PLATFORM),
    "marts.agg_care_coverage_batches": _account_unit(_CARE_PLATFORM),
    # care rows as the care marts; mention rows as the listening marts
    "marts.agg_label_agreement": (f"(r.domain = 'care' and {_account_unit(_CARE_PLATFORM)}) "
                                  f"or (r.domain = 'mentions' and {LISTENING})"),
    "marts.agg_fan_quality": _account_unit("r.channel"),
    # rows carrying the unit
    "marts.fct_maturity_stage": UNIT_COLUMN,
    "marts.fct_maturity_assessment": UNIT_COLUMN,
    "marts.fct_maturity_signals": UNIT_COLUMN,
    "marts.fct_conversions": UNIT_COLUMN,
    "marts.fct_attribution": (f"r.conversion_id in (select conversion_id from {SOURCE}.marts.fct_conversions "
                              f"where list_contains({_UNITS}, business_unit))"),
    # brand-wide evidence: every unit of the brand
    "marts.fct_feedback_actions": OWN_BRAND,
    "marts.agg_feedback_actions": OWN_BRAND,
    "marts.fct_touchpoints": OWN_BRAND,
    # listening: the brand's units, and everybody for competitors
    "marts.fct_mentions": LISTENING,
    "marts.agg_mentions_hourly": LISTENING,
    "marts.agg_share_of_voice_hourly": LISTENING,
    "marts.agg_crisis_hours": LISTENING,
    "marts.fct_crisis_episodes": LISTENING,
    "marts.fct_crisis_episode_days": LISTENING,
    "marts.dim_influencers": LISTENING,
    # company-wide, not divisible by unit: users of every unit only
    "marts.fct_social_roi": NO_ROWS,
    "marts.dim_social_identities": NO_ROWS,
    # reference data
    "marts.dim_date": ALL_ROWS,
    # operations (the Data health page): how the pipeline ran, no business rows, every user sees
    # it, as the trust in one's own unit's figures depends on it; the alerts quote crisis posts
    # of any brand, so users of every unit only
    "ops.load_audit": ALL_ROWS,
    "ops.quarantine_summary": ALL_ROWS,
    "ops.source_freshness": ALL_ROWS,
    "ops.dbt_results": ALL_ROWS,
    "ops.validation_results": ALL_ROWS,
    "ops.pipeline_runs": ALL_ROWS,
    "ops.label_models": ALL_ROWS,  # per industry: what each model learned from, no brand's rows
    "ops.alerts": NO_ROWS,
}
#: Columns a restricted user's view blanks (rows are theirs, these values are not): the public
#: handles of influential listening authors are for users of every unit, who also see ROI and
#: identities (docs/operations.md, "Who sees what").
MASKED = {
    "marts.fct_mentions": ("public_handle",),
    "marts.dim_influencers": ("public_handle",),
}
#: Schemas whose every table is reference data or about the snapshot itself.
PUBLIC_SCHEMAS = ("seeds", "meta")

_SCOPE = "groundswell_units"
_USER = "groundswell_user"
_ROLE = "groundswell_role"


def set_scope(units: Iterable[str] | None, user: str | None = None, role: str = EXECUTIVE) -> None:
    """The current request's user sees ``units`` (None: every unit), in ``role`` (groundswell.serve.auth:
    executive, read-only, or analyst, who may correct labels). Called by the login."""
    setattr(g, _SCOPE, None if units is None else frozenset(units))
    setattr(g, _USER, user)
    setattr(g, _ROLE, role)


def current_scope() -> frozenset[str] | None:
    """The units of the current request's user; None: every unit. Outside a request (a script, a
    test calling query functions) every unit. In a request nobody scoped: no unit (fail closed)."""
    if not has_request_context():
        return None
    return getattr(g, _SCOPE, frozenset())


def current_user() -> str | None:
    return getattr(g, _USER, None) if has_request_context() else None


def current_role() -> str:
    """The role of the current request's user; executive (read-only) outside a request or when
    the login set none (fail closed)."""
    return getattr(g, _ROLE, EXECUTIVE) if has_request_context() else EXECUTIVE


def may_correct() -> bool:
    """Whether the current request may save a label correction: an analyst with a name to sign it.
    The correction callbacks ask this on the server; hiding the form is not the check."""
    return current_role() == ANALYST and bool(current_user())


def rule(qualified: str) -> str:
    """The predicate of a table (schema.table): RULES, else every row of PUBLIC_SCHEMAS, else none."""
    if qualified in RULES:
        return RULES[qualified]
    return ALL_ROWS if qualified.split(".")[0] in PUBLIC_SCHEMAS else NO_ROWS


def _masked(qualified: str, con: duckdb.DuckDBPyConnection) -> str:
    """`` replace (NULL as c, ...)`` for the MASKED columns the snapshot's table has (an older
    snapshot may lack them)."""
    if qualified not in MASKED:
        return ""
    schema, table = qualified.split(".")
    present = {r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = ? and schema_name = ? "
        "and table_name = ?", [SOURCE, schema, table]).fetchall()}
    columns = [c for c in MASKED[qualified] if c in present]
    return f" replace ({', '.join(f'null::varchar as {c}' for c in columns)})" if columns else ""


def connect(path: Path, units: frozenset[str] | None) -> duckdb.DuckDBPyConnection:
    """A connection to the snapshot at ``path`` showing only the rows of ``units`` (None: all)."""
    from groundswell.warehouse import connect as open_database

    if units is None:
        return open_database(path, read_only=True)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"attach ? as {SOURCE} (read_only)", [str(path)])
        con.execute("set variable groundswell_units = ?::varchar[]", [sorted(units)])
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ? "
            "union all select schema_name, view_name from duckdb_views() "
            "where database_name = ? and not internal", [SOURCE, SOURCE]).fetchall()
        statements = [f'create schema if not exists "{schema}"' for schema in sorted({s for s, _ in tables})]
        statements += [f'create view "{schema}"."{table}" as select r.*{_masked(f"{schema}.{table}", con)} '
                       f'from {SOURCE}."{schema}"."{table}" as r where {rule(f"{schema}.{table}")}'
                       for schema, table in tables]
        con.execute(";\n".join(statements))  # one round trip: a restricted request pays ~tens of ms
    except BaseException:
        con.close()
        raise
    return con
