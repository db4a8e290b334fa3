"""The roi page's queries: the semantic layer's metrics and the rows it shows, for the page's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from dashboards import semantic
from dashboards.data import cached
from dashboards.semantic import Query, Where
from dashboards.shared.queries import has_table

ROI_MART = "marts.fct_social_roi"
ATTRIBUTION_MART = "marts.fct_attribution"

#: The attribution models: dbt/seeds/attribution_models.csv, published with the snapshot.
ATTRIBUTION_MODELS = "seeds.attribution_models"

#: What ROI may be broken down by on the page (identifiers, never from the browser).
ROI_DIMENSIONS = ("department", "channel")

#: Rows the campaign grid shows; rows a CSV export holds at most.
CAMPAIGN_LIMIT = 1000
ROI_EXPORT_LIMIT = 100_000

#: The campaign table's metrics (dbt/models/marts/roi/fct_social_roi.yml), by its column names.
CAMPAIGN_METRICS = {"first_roi_month": "first_month", "last_roi_month": "last_month",
                    "program_cost": "cost", "paid_media_cost": "paid_media_cost",
                    "attributed_revenue": "attributed_revenue", "attributed_pipeline": "attributed_pipeline",
                    "deflected_contacts": "deflected_contacts", "deflection_savings": "deflection_savings",
                    "ideas_adopted": "ideas_adopted", "ideas_value": "ideas_value",
                    "total_value": "total_value", "social_roi": "roi", "roas": "roas"}
CAMPAIGN_SLICE = ("department", "channel", "campaign")

#: What a CSV export of the campaign table holds, in order.
CAMPAIGN_COLUMNS = (*CAMPAIGN_SLICE, "model", *CAMPAIGN_METRICS.values(), "roi_min", "roi_max",
                    "roi_min_model", "roi_max_model")


@dataclass(frozen=True)
class RoiFilters:
    """The page's filters: months (first days of calendar months, inclusive), departments,
    channels. The attribution model is a separate argument: every number is of one model."""

    start: date
    end: date
    departments: list[str] | None = None
    channels: list[str] | None = None


@dataclass(frozen=True)
class RoiOptions:
    has_mart: bool
    months: list[date]
    departments: list[str]
    channels: list[str]
    snapshot_at: object | None


@cached
def roi_options(con: duckdb.DuckDBPyConnection) -> RoiOptions:
    """What the filters offer. ``has_mart`` is false for a snapshot published before the mart;
    ``months`` is empty when the mart is."""
    snap = con.execute("select max(snapshot_at) from meta.snapshot").fetchone()[0]
    if not has_table(con, ROI_MART):
        return RoiOptions(False, [], [], [], snap)

    def distinct(column: str) -> list:
        return [r[0] for r in con.execute(
            f"select distinct {column} from {ROI_MART} where {column} is not null "
            f"order by {column}").fetchall()]

    return RoiOptions(True, distinct("month"), distinct("department"), distinct("channel"), snap)


@cached
def attribution_models(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, label) of every attribution model, in the order the page offers them (the seed's
    sort_order). A snapshot published before the seed: the mart's models, labelled by name."""
    if not has_table(con, ATTRIBUTION_MODELS):
        return [(m, m) for (m,) in con.execute(
            f"select distinct model from {ROI_MART} order by model").fetchall()]
    return [(m, label) for m, label in con.execute(
        f"select attribution_model, label from {ATTRIBUTION_MODELS} "
        "order by sort_order, attribution_model").fetchall()]


@cached
def default_model(con: duckdb.DuckDBPyConnection) -> str | None:
    """The model the page selects first: the seed's is_default one (else the first model)."""
    if has_table(con, ATTRIBUTION_MODELS):
        row = con.execute(f"select attribution_model from {ATTRIBUTION_MODELS} where is_default "
                          "order by sort_order, attribution_model limit 1").fetchone()
        if row:
            return row[0]
    models = attribution_models(con)
    return models[0][0] if models else None


def _model(con: duckdb.DuckDBPyConnection, model: str | None) -> str:
    """``model`` if it is one of the seed's (None: the default model), else ValueError."""
    if model is None:
        model = default_model(con)
    names = [m for m, _ in attribution_models(con)]
    if model not in names:
        raise ValueError(f"model must be one of {', '.join(names)}")
    return model


#: The page's headline metrics (dbt/models/marts/roi/fct_social_roi.yml), by the names the page uses.
ROI_KPIS = {"program_cost": "cost", "paid_media_cost": "paid_media_cost",
            "attributed_revenue": "attributed_revenue", "attributed_pipeline": "attributed_pipeline",
            "deflected_contacts": "deflected_contacts", "deflection_savings": "deflection_savings",
            "ideas_adopted": "ideas_adopted", "ideas_value": "ideas_value", "total_value": "total_value",
            "valued_idea_slices": "valued_rows", "social_roi": "roi", "roas": "roas",
            "net_value": "net_value", "roi_slices": "rows"}


def _roi_filters(f: RoiFilters, model: str) -> tuple[Where, ...]:
    where = [Where("metric_time__month", "between", (f.start, f.end)),
             Where("roi_slice__attribution_model", "=", model)]
    if f.departments:
        where.append(Where("roi_slice__department", "in", [str(v) for v in f.departments]))
    if f.channels:
        where.append(Where("roi_slice__channel", "in", [str(v) for v in f.channels]))
    return tuple(where)


@cached
def roi_kpis(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str | None = None) -> dict:
    """The headline numbers of one model (None: the default) over the filters: the sums, ROI and
    ROAS from them. Sums of an empty slice are 0; ROI and ROAS None where their denominator is 0."""
    model = _model(con, model)
    got = semantic.row(con, Query.of(ROI_KPIS, where=_roi_filters(f, model)))
    out = {ROI_KPIS[name]: value for name, value in got.items()}
    for c in ("deflected_contacts", "ideas_adopted", "rows"):
        out[c] = int(out[c])
    out["ideas_valued"] = out.pop("valued_rows") > 0  # ideas_value NULL: counted, not valued
    out["ideas_value"] = out["ideas_value"] or 0.0  # adds nothing to total_value while not valued
    out["model"] = model
    return out


@cached
def roi_by(con: duckdb.DuckDBPyConnection, f: RoiFilters, dimension: str,
           model: str | None = None) -> pd.DataFrame:
    """ROI per department or channel for ``model``, with the lowest and highest ROI of the same
    slice across the models (each computed from that model's sums, like ``roi``).

    Columns: <dimension>, cost, total_value, attributed_revenue, roi, roi_min, roi_min_model,
    roi_max, roi_max_model, models (how many models have a ROI there)."""
    if dimension not in ROI_DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(ROI_DIMENSIONS)}")
    model = _model(con, model)
    by = f"roi_slice__{dimension}"
    every_model = tuple(w for w in _roi_filters(f, model) if w.dimension != "roi_slice__attribution_model")
    df = semantic.frame(con, Query.of(
        ("program_cost", "total_value", "attributed_revenue", "social_roi"),
        (by, "roi_slice__attribution_model"), every_model)).rename(columns={
            by: dimension, "roi_slice__attribution_model": "model", "program_cost": "cost",
            "social_roi": "roi"})
    columns = [dimension, "cost", "total_value", "attributed_revenue", "roi", "roi_min", "roi_min_model",
               "roi_max", "roi_max_model", "models"]
    out = _with_range_across_models(df, [dimension], model)
    return out[columns].reset_index(drop=True) if len(out) else pd.DataFrame(columns=columns)


def _with_range_across_models(df: pd.DataFrame, keys: list[str], model: str) -> pd.DataFrame:
    """The rows of ``model``, each with the lowest and highest ``roi`` of its slice (``keys``)
    across the models that have one, and which models those are: a choice among the semantic
    layer's values, no arithmetic. Ties (to 1e-9: floating-point noise is not a difference) go to
    the first model by name; ``models`` counts the models with a ROI there."""
    ranked = df.dropna(subset=["roi"]).assign(_r=lambda d: d.roi.astype(float).round(9))
    low = ranked.sort_values(["_r", "model"]).drop_duplicates(keys, keep="first")
    high = ranked.sort_values(["_r", "model"], ascending=[False, True]).drop_duplicates(keys, keep="first")
    counts = ranked.groupby(keys, dropna=False).size().rename("models").reset_index()
    mine = df[df.model == model]
    lowest = low[[*keys, "roi", "model"]].rename(columns={"roi": "roi_min", "model": "roi_min_model"})
    highest = high[[*keys, "roi", "model"]].rename(columns={"roi": "roi_max", "model": "roi_max_model"})
    out = (mine.merge(lowest, on=keys, how="left").merge(highest, on=keys, how="left")
           .merge(counts, on=keys, how="left"))
    out["models"] = out["models"].fillna(0).astype(int)
    return out.sort_values(keys, na_position="last", kind="stable")


@cached
def _campaigns(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str) -> pd.DataFrame:
    every_model = tuple(w for w in _roi_filters(f, model) if w.dimension != "roi_slice__attribution_model")
    by = {f"roi_slice__{c}": c for c in CAMPAIGN_SLICE}
    df = semantic.frame(con, Query.of(tuple(CAMPAIGN_METRICS), (*by, "roi_slice__attribution_model"),
                                      every_model))
    df = df.rename(columns={**by, "roi_slice__attribution_model": "model", **CAMPAIGN_METRICS})
    for column in ("deflected_contacts", "ideas_adopted"):
        df[column] = df[column].astype("int64")
    for column in ("first_month", "last_month"):  # months, as the mart has them (dates)
        df[column] = pd.to_datetime(df[column]).dt.date
    return _with_range_across_models(df, list(CAMPAIGN_SLICE), model)[list(CAMPAIGN_COLUMNS)]


def campaign_count(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str | None = None) -> int:
    return len(_campaigns(con, f, _model(con, model)))


def campaign_roi(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str | None = None,
                 limit: int = CAMPAIGN_LIMIT) -> pd.DataFrame:
    """One row per department × channel × campaign (NULL campaign: value no campaign carries)
    for ``model`` (None: the default): its metrics over the filters (the semantic layer's), and
    the lowest and highest ROI of that row across the models. Ordered by department, channel,
    campaign; at most ``limit`` rows. Columns: CAMPAIGN_COLUMNS."""
    return _campaigns(con, f, _model(con, model)).head(int(limit)).reset_index(drop=True)


def roi_export(con: duckdb.DuckDBPyConnection, f: RoiFilters, model: str | None = None,
               limit: int = ROI_EXPORT_LIMIT) -> pd.DataFrame:
    """The campaign table, every column, at most ``limit`` rows (the CSV export)."""
    return campaign_roi(con, f, model, limit)


FAN_QUALITY_MART = "marts.agg_fan_quality"
FAN_QUALITY_COLUMNS = ("brand", "channel", "engagers", "matched_share", "customer_share",
                       "target_segment_share", "followers", "follower_matched_share",
                       "follower_customer_share", "follower_target_segment_share")


@cached
def fan_quality(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Is your fan a customer? Per brand and channel, as the mart has it (no filter applies:
    the mart is the latest state, not a month). Empty for a snapshot published before the mart."""
    if not has_table(con, FAN_QUALITY_MART):
        return pd.DataFrame(columns=list(FAN_QUALITY_COLUMNS))
    df = semantic.frame(con, Query.of(FAN_QUALITY_COLUMNS[2:],
                                      ("fan_segment__brand", "fan_segment__channel")))
    return df.rename(columns={"fan_segment__brand": "brand", "fan_segment__channel": "channel"})
