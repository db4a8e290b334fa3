"""The dbt semantic layer, read from the manifest and rendered to SQL without MetricFlow.

Every figure the product shows is a metric defined once in the dbt project (a model's
``metrics:``; docs/metrics.md lists them). MetricFlow answers analysts (``groundswell metrics``);
the dashboards and the digest must stay fast, so they render a metric's SQL here, from the same
definitions, as Lightdash does with metrics defined in dbt. The subset rendered is the one the
project uses: simple metrics (sum, count, count_distinct, min, max, average, median, continuous
percentile), ratios of two metrics and derived expressions over metrics, all of one semantic model
per query; group-bys are dimensions and time grains, filters are bound values. A definition
outside that subset is refused when the layer is loaded, not when a page first asks for it.

Names follow MetricFlow's, so a query here is the same query in ``mf``: group by
``<entity>__<dimension>`` or ``metric_time__<grain>``; ``tests/dbt/test_semantic_layer.py``
holds the two equal on the demo.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

#: Time grains a query may group or filter by, coarsest last.
GRAINS = ("hour", "day", "week", "month", "quarter", "year")

#: How a metric's value reads: ``format`` in its ``config.meta`` (docs/metrics.md).
FORMATS = ("count", "number", "percent", "usd", "minutes", "hours", "multiple", "month")

_AGGREGATES = {
    "sum": "sum({})",
    "count": "count({})",
    "count_distinct": "count(distinct {})",
    "min": "min({})",
    "max": "max({})",
    "average": "avg({})",
    "median": "quantile_cont({}, 0.5)",
}

#: Sums and counts over no rows are 0, not NULL (a sum over rows that all lack the value stays
#: NULL: not measured). MetricFlow says NULL over no rows unless the metric sets
#: ``fill_nulls_with: 0``, which dbt 1.12 drops from metrics in the model-level YAML; comparisons
#: with ``mf`` read its NULL as 0 there (tests/dbt/test_semantic_layer.py).

#: A metric filter may only name a dimension this way (MetricFlow's Jinja).
_DIMENSION_REF = re.compile(r"\{\{\s*Dimension\(\s*'([a-z0-9_]+)'\s*\)\s*\}\}")


class SemanticLayerError(ValueError):
    """A definition or a query the semantic layer cannot render (says which, and why)."""


@dataclass(frozen=True)
class Format:
    kind: str = "number"
    decimals: int = 0

    def __call__(self, value: Any) -> str:
        """The value as an executive reads it: separators, units, a dash for no value."""
        if _missing(value):
            return "–"
        if self.kind == "month":  # a date: the month it starts
            return f"{value:%b %Y}"
        v = Decimal(str(value)) * (100 if self.kind == "percent" else 1)
        places = 0 if self.kind == "count" else self.decimals
        # a duration reads in the unit that keeps it short: 45 min, 2.5 h, 3.1 d (of 24 h)
        if self.kind == "minutes" and abs(v) >= 90:
            return Format("hours", 1)(v / 60)
        if self.kind == "hours" and abs(v) >= 48:
            return _rounded(v / 24, 1) + " d"
        # half away from zero, as the marts round money (docs/metrics.md#exact-money)
        unit = {"percent": " %", "minutes": " min", "hours": " h", "multiple": "×"}.get(self.kind, "")
        if self.kind == "usd":
            text = _rounded(abs(v), places)
            return f"{'-' if v < 0 and text.strip('0.,') else ''}${text}"
        return _rounded(v, places) + unit

    def change(self, current: Any, previous: Any, against: str = "previous period") -> str:
        """``current`` against ``previous`` (the period of the same length before), as the KPI
        cards and the digest say it: a share moves in percentage points; a duration or a score
        by its difference (a median of 12 min against 10 reads "+2 min", not "+20 %"; a net
        sentiment can cross zero); a count or an amount by its relative change. The previous
        period's value is not there: "no previous period" ("no figure for the week before")."""
        if _missing(current) or _missing(previous):
            return "no previous period" if against == "previous period" else f"no figure for {against}"
        if self.kind == "month":
            return "no change" if current == previous else f"{self(previous)} {against}"
        now, before = Decimal(str(current)), Decimal(str(previous))
        if now == before:
            return "no change"
        sign = "+" if now > before else ""
        if self.kind == "percent":
            return f"{sign}{_rounded((now - before) * 100, 2)} pp vs {against}"
        if self.kind in ("minutes", "hours", "number"):
            return f"{sign}{self(now - before)} vs {against}"
        if before == 0:
            return f"new vs {against}"
        rel = (now - before) / abs(before) * 100
        return f"{'+' if rel >= 0 else ''}{_rounded(rel, 1)} % vs {against}"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _rounded(v: Decimal, places: int) -> str:
    """``v`` to ``places`` decimals, half away from zero, with thousands separators; never "-0"."""
    v = v.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{v:,.{places}f}" if v != 0 else f"{abs(v):,.{places}f}"


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    description: str
    expr: str
    is_time: bool = False
    granularity: str | None = None


@dataclass(frozen=True)
class SemanticModel:
    name: str
    relation: str
    entity: str
    time_dimension: str | None
    dimensions: Mapping[str, Dimension]
    description: str = ""


@dataclass(frozen=True)
class MetricInput:
    name: str
    alias: str | None = None


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    description: str
    type: str  # simple, ratio, derived
    semantic_model: str
    format: Format
    agg: str | None = None
    expr: str | None = None
    percentile: float | None = None
    filter: str | None = None
    fill_nulls_with: int | None = None
    inputs: tuple[MetricInput, ...] = ()

    @property
    def unit(self) -> str:
        return self.format.kind


@dataclass(frozen=True)
class Where:
    """``dimension op value``; the value travels as a bound parameter.

    ``op``: ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in`` (a list; an empty list matches
    nothing) or ``between`` (a pair, both ends included: for a time grain, whole periods).
    """

    dimension: str
    op: str
    value: Any


@dataclass(frozen=True)
class Query:
    metrics: tuple[str, ...]
    group_by: tuple[str, ...] = ()
    where: tuple[Where, ...] = ()
    order_by: tuple[str, ...] = ()  # names of group-bys or metrics; "-name" descending
    limit: int | None = None

    @classmethod
    def of(cls, metrics: Iterable[str], group_by: Iterable[str] = (), where: Iterable[Where] = (),
           order_by: Iterable[str] = (), limit: int | None = None) -> Query:
        return cls(tuple(metrics), tuple(group_by), tuple(where), tuple(order_by), limit)


@dataclass
class SemanticLayer:
    models: dict[str, SemanticModel] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)

    # --- loading ------------------------------------------------------------------------------

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any] | str) -> SemanticLayer:
        """From dbt's ``manifest.json`` or ``semantic_manifest.json`` (a dict or its JSON text)."""
        doc = json.loads(manifest) if isinstance(manifest, str) else manifest
        layer = cls()
        for sm in _values(doc.get("semantic_models")):
            model = _semantic_model(sm)
            layer.models[model.name] = model
        raw = {m["name"]: m for m in _values(doc.get("metrics"))}
        for name in sorted(raw):
            layer.metrics[name] = _metric(raw[name], raw)
        for metric in layer.metrics.values():
            layer._check(metric)
        return layer

    def to_json(self) -> str:
        """The manifest's semantic part, as ``from_manifest`` reads it back (what a snapshot keeps)."""
        return json.dumps({
            "semantic_models": [_model_doc(m) for m in self.models.values()],
            "metrics": [_metric_doc(m) for m in self.metrics.values()],
        }, sort_keys=True)

    def _check(self, metric: Metric) -> None:
        if metric.semantic_model not in self.models:
            raise SemanticLayerError(
                f"metric {metric.name}: semantic model {metric.semantic_model} not found")
        for i in metric.inputs:
            if i.name not in self.metrics:
                raise SemanticLayerError(f"metric {metric.name}: input metric {i.name} not found")

    # --- lookups ------------------------------------------------------------------------------

    def metric(self, name: str) -> Metric:
        try:
            return self.metrics[name]
        except KeyError:
            raise SemanticLayerError(
                f"no metric named {name!r}: `groundswell metrics list` lists them") from None

    def dimension(self, name: str, model: SemanticModel) -> tuple[str, Dimension | None, str | None]:
        """(SQL expression, dimension, grain) of a group-by name on ``model``."""
        parts = name.split("__")
        if parts[0] == "metric_time":
            grain = parts[1] if len(parts) == 2 else "day"
            if model.time_dimension is None:
                raise SemanticLayerError(f"{model.name} has no time dimension: it cannot group by {name}")
            dim = model.dimensions[model.time_dimension]
            return _truncate(dim, grain), dim, grain
        if parts[0] != model.entity or len(parts) not in (2, 3):
            raise SemanticLayerError(
                f"{name!r} is not a dimension of {model.name}: its dimensions are "
                + ", ".join(f"{model.entity}__{d}" for d in model.dimensions))
        dim = model.dimensions.get(parts[1])
        if dim is None:
            raise SemanticLayerError(
                f"{name!r} is not a dimension of {model.name}: its dimensions are "
                + ", ".join(f"{model.entity}__{d}" for d in model.dimensions))
        if len(parts) == 3:
            if not dim.is_time:
                raise SemanticLayerError(f"{name!r}: only a time dimension takes a grain")
            return _truncate(dim, parts[2]), dim, parts[2]
        return (_truncate(dim, dim.granularity) if dim.is_time else dim.expr), dim, \
            (dim.granularity if dim.is_time else None)

    def label(self, name: str, model: str | None = None) -> str:
        """A metric's or a group-by's label (a time grain: "Week", ...)."""
        if name in self.metrics:
            return self.metrics[name].label
        parts = name.split("__")
        if parts[0] == "metric_time":
            return (parts[1] if len(parts) > 1 else "day").capitalize()
        for m in ([self.models[model]] if model else self.models.values()):
            if parts[0] == m.entity and len(parts) > 1 and parts[1] in m.dimensions:
                return m.dimensions[parts[1]].label
        raise SemanticLayerError(f"no metric or dimension named {name!r}")

    # --- rendering ----------------------------------------------------------------------------

    def sql(self, query: Query) -> tuple[str, list]:
        """The SQL of ``query`` on a published snapshot and its bound parameters."""
        if not query.metrics:
            raise SemanticLayerError("a query names at least one metric")
        requested = [self.metric(n) for n in query.metrics]
        models = {m.semantic_model for m in requested}
        if len(models) != 1:
            raise SemanticLayerError(
                "metrics of one query must share a semantic model; query these apart: "
                + ", ".join(f"{m.name} ({m.semantic_model})" for m in requested))
        model = self.models[models.pop()]
        levels = self._levels(requested)

        dims = [(name, *self.dimension(name, model)) for name in query.group_by]
        dim_cols = [f"{expr} as {name}" for name, expr, _dim, _grain in dims]
        simple = [m for m in levels[0]]
        base_cols = dim_cols + [f"{self._aggregate(m, model)} as {m.name}" for m in simple]
        where, params = self._where(query.where, model)
        sql = f"select {', '.join(base_cols)}\n    from {model.relation}"
        if where:
            sql += f"\n    where {' and '.join(where)}"
        if dims:
            sql += "\n    group by " + ", ".join(str(i) for i in range(1, len(dims) + 1))
        ctes = [("level_0", sql)]
        for depth, metrics in enumerate(levels[1:], start=1):
            cols = ", ".join(f"{self._compose(m)} as {m.name}" for m in metrics)
            ctes.append((f"level_{depth}", f"select *, {cols}\n    from level_{depth - 1}"))
        out = ", ".join([name for name, *_ in dims] + [m.name for m in requested])
        text = "with " + ",\n".join(f"{n} as (\n    {body}\n)" for n, body in ctes)
        text += f"\nselect {out}\nfrom {ctes[-1][0]}"
        order = self._order(query, dims)
        if order:
            text += f"\norder by {order}"
        if query.limit is not None:
            text += "\nlimit ?"
            params.append(int(query.limit))
        return text, params

    def _levels(self, requested: Sequence[Metric]) -> list[list[Metric]]:
        """Every metric the requested ones need, by depth: simple ones at 0, a ratio or derived
        metric one deeper than its deepest input."""
        depth: dict[str, int] = {}

        def visit(metric: Metric, seen: tuple[str, ...] = ()) -> int:
            if metric.name in seen:
                raise SemanticLayerError(f"metric {metric.name} depends on itself")
            if metric.name not in depth:
                if metric.type == "simple":
                    depth[metric.name] = 0
                else:
                    inputs = [self.metric(i.name) for i in metric.inputs]
                    for i in inputs:
                        if i.semantic_model != metric.semantic_model:
                            raise SemanticLayerError(
                                f"metric {metric.name} reads {i.name} of another semantic model")
                    depth[metric.name] = 1 + max(visit(i, (*seen, metric.name)) for i in inputs)
            return depth[metric.name]

        for m in requested:
            visit(m)
        levels: list[list[Metric]] = [[] for _ in range(max(depth.values()) + 1)]
        for name in sorted(depth, key=lambda n: (depth[n], n)):
            levels[depth[name]].append(self.metrics[name])
        return levels

    def _aggregate(self, metric: Metric, model: SemanticModel) -> str:
        expr = metric.expr or metric.name
        if metric.agg == "percentile":
            sql = f"quantile_cont({expr}, {float(metric.percentile)!r})"
        else:
            sql = _AGGREGATES[metric.agg].format(expr)
        if metric.filter:
            sql += f" filter (where {self._render_filter(metric.filter, model)})"
        if metric.fill_nulls_with is not None:
            sql = f"coalesce({sql}, {int(metric.fill_nulls_with)})"
        elif metric.agg == "sum":
            # 0 over no rows; NULL over rows that all lack the value (a count not measured)
            sql = f"case when count(*) = 0 then 0 else {sql} end"
        return sql

    def _render_filter(self, text: str, model: SemanticModel) -> str:
        rendered = _DIMENSION_REF.sub(lambda m: f"({self.dimension(m.group(1), model)[0]})", text)
        if "{{" in rendered or "{%" in rendered:
            raise SemanticLayerError(f"unsupported metric filter {text!r}: use Dimension('...') only")
        return rendered

    def _compose(self, metric: Metric) -> str:
        """A ratio or derived metric over the columns of the level below (MetricFlow's SQL)."""
        if metric.type == "ratio":
            num, den = (i.alias or i.name for i in metric.inputs)
            return f"cast({num} as double) / cast(nullif({den}, 0) as double)"
        expr = metric.expr
        for i in metric.inputs:
            if i.alias:
                expr = re.sub(rf"\b{re.escape(i.alias)}\b", i.name, expr)
        return f"({expr})"

    def _where(self, filters: Iterable[Where], model: SemanticModel) -> tuple[list[str], list]:
        sql: list[str] = []
        params: list = []
        for f in filters:
            expr, dim, grain = self.dimension(f.dimension, model)
            if f.op == "between":
                lo, hi = f.value
                if grain is not None and dim is not None:
                    # whole periods, on the raw column so a sorted column prunes: a <= t < b + 1 grain
                    sql.append(f"{dim.expr} >= ? and {dim.expr} < ?")
                    params += [_start(lo, grain), _next(_start(hi, grain), grain)]
                else:
                    sql.append(f"{expr} between ? and ?")
                    params += [lo, hi]
            elif f.op == "in":
                sql.append(f"list_contains(?, {expr})")
                params.append([v for v in f.value])
            elif f.op in ("=", "!=", "<", "<=", ">", ">="):
                sql.append(f"{expr} {f.op} ?")
                params.append(f.value)
            else:
                raise SemanticLayerError(f"unsupported filter operator {f.op!r}")
        return sql, params

    def _order(self, query: Query, dims: list) -> str:
        names = {name for name, *_ in dims} | set(query.metrics)
        keys = query.order_by or tuple(name for name, *_ in dims)
        out = []
        for key in keys:
            desc = key.startswith("-")
            name = key.lstrip("-")
            if name not in names:
                raise SemanticLayerError(f"order by {name!r}: not a group-by or metric of the query")
            out.append(f"{name} {'desc' if desc else 'asc'} nulls last")
        return ", ".join(out)


# --- reading definitions ------------------------------------------------------------------------


def _values(section: Any) -> list:
    if section is None:
        return []
    return list(section.values()) if isinstance(section, Mapping) else list(section)


def _semantic_model(doc: Mapping[str, Any]) -> SemanticModel:
    name = doc["name"]
    rel = doc.get("node_relation") or {}
    relation = doc.get("relation") or f"marts.{rel.get('alias') or name}"
    entity = doc.get("primary_entity") or next(
        (e["name"] for e in doc.get("entities") or [] if e.get("type") == "primary"), None)
    if not entity:
        raise SemanticLayerError(f"semantic model {name} has no primary entity")
    dims = {}
    for d in doc.get("dimensions") or []:
        is_time = d.get("type") == "time"
        grain = d.get("granularity") or ((d.get("type_params") or {}).get("time_granularity"))
        dims[d["name"]] = Dimension(
            name=d["name"], label=d.get("label") or d["name"].replace("_", " ").capitalize(),
            description=(d.get("description") or "").strip(), expr=d.get("expr") or d["name"],
            is_time=is_time, granularity=grain if is_time else None)
    time_dim = doc.get("time_dimension") or (doc.get("defaults") or {}).get("agg_time_dimension")
    if time_dim is not None and time_dim not in dims:
        raise SemanticLayerError(f"semantic model {name}: time dimension {time_dim} is not a dimension")
    return SemanticModel(name=name, relation=relation, entity=entity, time_dimension=time_dim,
                         dimensions=dims, description=(doc.get("description") or "").strip())


def _format(meta: Mapping[str, Any], name: str) -> Format:
    if "format" not in meta:
        raise SemanticLayerError(
            f"metric {name}: say how it reads: config: {{meta: {{format: F}}}}, "
            f"F one of {', '.join(FORMATS)}")
    kind = meta["format"]
    if kind not in FORMATS:
        raise SemanticLayerError(f"metric {name}: format {kind!r} is not one of {', '.join(FORMATS)}")
    return Format(kind, int(meta.get("decimals", 1 if kind == "percent" else 0)))


def _metric(doc: Mapping[str, Any], raw: Mapping[str, Mapping[str, Any]]) -> Metric:
    name = doc["name"]
    if "semantic_model" in doc and "type_params" not in doc:  # our own stored form
        return Metric(name=name, label=doc["label"], description=doc["description"], type=doc["type"],
                      semantic_model=doc["semantic_model"], format=Format(**doc["format"]),
                      agg=doc.get("agg"), expr=doc.get("expr"), percentile=doc.get("percentile"),
                      filter=doc.get("filter"), fill_nulls_with=doc.get("fill_nulls_with"),
                      inputs=tuple(MetricInput(**i) for i in doc.get("inputs", ())))
    kind = doc["type"]
    params = doc.get("type_params") or {}
    meta = (doc.get("config") or {}).get("meta") or doc.get("meta") or {}
    if not doc.get("label") or not (doc.get("description") or "").strip():
        raise SemanticLayerError(
            f"metric {name}: give it a label and a description (what an executive reads)")
    common = dict(name=name, label=doc["label"], description=(doc.get("description") or "").strip(),
                  type=kind, format=_format(meta, name), fill_nulls_with=params.get("fill_nulls_with"))
    if params.get("window") or params.get("grain_to_date") or params.get("cumulative_type_params") \
            or params.get("conversion_type_params") or params.get("join_to_timespine"):
        raise SemanticLayerError(
            f"metric {name}: cumulative, conversion and time-spine metrics are not rendered")
    filt = _filter(doc.get("filter"), name)
    if kind == "simple":
        agg_params = params.get("metric_aggregation_params") or {}
        agg = agg_params.get("agg")
        pct = (agg_params.get("agg_params") or {})
        if agg_params.get("non_additive_dimension"):
            raise SemanticLayerError(f"metric {name}: non-additive dimensions are not rendered")
        if agg == "percentile" and (pct.get("use_discrete_percentile")
                                    or pct.get("use_approximate_percentile")):
            raise SemanticLayerError(f"metric {name}: only continuous percentiles are rendered")
        if agg not in _AGGREGATES and agg != "percentile":
            raise SemanticLayerError(f"metric {name}: aggregation {agg!r} is not rendered")
        return Metric(**common, semantic_model=agg_params["semantic_model"], agg=agg,
                      expr=params.get("expr") or name, percentile=pct.get("percentile"), filter=filt)
    if kind == "ratio":
        inputs = tuple(_input(params[k], name) for k in ("numerator", "denominator"))
    elif kind == "derived":
        inputs = tuple(_input(i, name) for i in params.get("metrics") or [])
    else:
        raise SemanticLayerError(f"metric {name}: type {kind!r} is not rendered")
    if filt:
        raise SemanticLayerError(f"metric {name}: put the filter on its input metrics")
    first = raw[inputs[0].name]
    model = _home_model(first, raw)
    return Metric(**common, semantic_model=model, expr=params.get("expr"), inputs=inputs)


def _home_model(doc: Mapping[str, Any], raw: Mapping[str, Mapping[str, Any]]) -> str:
    params = doc.get("type_params") or {}
    if doc["type"] == "simple":
        return params["metric_aggregation_params"]["semantic_model"]
    first = (params.get("numerator") or (params.get("metrics") or [None])[0])
    if first is None:
        raise SemanticLayerError(f"metric {doc['name']} has no inputs")
    return _home_model(raw[first["name"] if isinstance(first, Mapping) else first], raw)


def _input(doc: Any, metric: str) -> MetricInput:
    if isinstance(doc, str):
        return MetricInput(doc)
    if doc.get("filter") or doc.get("offset_window") or doc.get("offset_to_grain"):
        raise SemanticLayerError(f"metric {metric}: filters and offsets on inputs are not rendered")
    return MetricInput(doc["name"], doc.get("alias"))


def _filter(doc: Any, name: str) -> str | None:
    if not doc:
        return None
    if isinstance(doc, Mapping):
        items = doc.get("where_filters") or []
        texts = [i["where_sql_template"] if isinstance(i, Mapping) else i for i in items]
    else:
        texts = [doc] if isinstance(doc, str) else list(doc)
    return " and ".join(f"({t})" for t in texts) or None


def _model_doc(m: SemanticModel) -> dict:
    return {"name": m.name, "relation": m.relation, "primary_entity": m.entity,
            "time_dimension": m.time_dimension, "description": m.description,
            "dimensions": [{"name": d.name, "label": d.label, "description": d.description,
                            "expr": d.expr, "type": "time" if d.is_time else "categorical",
                            "granularity": d.granularity} for d in m.dimensions.values()]}


def _metric_doc(m: Metric) -> dict:
    return {"name": m.name, "label": m.label, "description": m.description, "type": m.type,
            "semantic_model": m.semantic_model,
            "format": {"kind": m.format.kind, "decimals": m.format.decimals},
            "agg": m.agg, "expr": m.expr, "percentile": m.percentile, "filter": m.filter,
            "fill_nulls_with": m.fill_nulls_with,
            "inputs": [{"name": i.name, "alias": i.alias} for i in m.inputs]}


# --- time grains --------------------------------------------------------------------------------


def _truncate(dim: Dimension, grain: str | None) -> str:
    if grain is None:
        return dim.expr
    if grain not in GRAINS:
        raise SemanticLayerError(f"time grain {grain!r} is not one of {', '.join(GRAINS)}")
    if dim.granularity and GRAINS.index(grain) < GRAINS.index(dim.granularity):
        raise SemanticLayerError(f"{dim.name} is by {dim.granularity}: it cannot be grouped by {grain}")
    return f"date_trunc('{grain}', {dim.expr})"


def _start(value: date | datetime, grain: str) -> datetime:
    t = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    if grain == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    t = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if grain == "week":
        return t - timedelta(days=t.weekday())
    if grain == "month":
        return t.replace(day=1)
    if grain == "quarter":
        return t.replace(month=(t.month - 1) // 3 * 3 + 1, day=1)
    if grain == "year":
        return t.replace(month=1, day=1)
    return t


def _next(t: datetime, grain: str) -> datetime:
    if grain == "hour":
        return t + timedelta(hours=1)
    if grain == "day":
        return t + timedelta(days=1)
    if grain == "week":
        return t + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    month = t.month - 1 + months
    return t.replace(year=t.year + month // 12, month=month % 12 + 1)


# --- the catalogue: `groundswell metrics list` and docs/metrics.md ------------------------------

BEGIN = "<!-- catalogue:begin (generated by `python -m groundswell.transform.semantic`; do not edit) -->"
END = "<!-- catalogue:end -->"


def listing(layer: SemanticLayer) -> str:
    """Every metric with its label, format and semantic model, one per line (a table for a terminal)."""
    rows = [("metric", "label", "format", "semantic model")]
    rows += [(m.name, m.label, m.format.kind, m.semantic_model) for m in layer.metrics.values()]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def catalogue(layer: SemanticLayer) -> str:
    """The metric catalogue of docs/metrics.md: per semantic model, its group-bys and metrics."""
    out = [BEGIN, ""]
    for model in sorted(layer.models.values(), key=lambda m: m.name):
        metrics = [m for m in layer.metrics.values() if m.semantic_model == model.name]
        if not metrics:
            continue
        dims = ", ".join(f"`{model.entity}__{d.name}`" for d in model.dimensions.values())
        time = f"; time: `metric_time` = `{model.time_dimension}`" if model.time_dimension else ""
        out += [f"**`{model.name}`** (`{model.relation}`). Group by {dims}{time}.", "",
                "| metric | label | definition | format |", "|---|---|---|---|"]
        for m in metrics:
            if m.type == "simple":
                how = f"{m.agg}(`{m.expr}`)" + (f" at {m.percentile}" if m.percentile else "")
            elif m.type == "ratio":
                how = f"`{m.inputs[0].name}` / `{m.inputs[1].name}`"
            else:
                how = f"`{m.expr}`"
            text = m.description.replace("|", "\\|").replace("\n", " ")
            out.append(f"| `{m.name}` | {m.label} | {text} ({how.replace('|', chr(92) + '|')}) "
                       f"| {m.format.kind} |")
        out.append("")
    out.append(END)
    return "\n".join(out)


def rewrite_docs(layer: SemanticLayer, path) -> bool:
    """Put ``catalogue(layer)`` between the markers of ``path``; whether the text changed."""
    from pathlib import Path

    path = Path(path)
    text = path.read_text()
    begin, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:begin] + catalogue(layer) + text[end:]
    if new != text:
        path.write_text(new)
    return new != text


def project_layer(settings=None) -> SemanticLayer:
    """The definitions of the dbt project as it is now (a dbt parse: about 5 s)."""
    from groundswell.transform.dbt import semantic_manifest

    return SemanticLayer.from_manifest(semantic_manifest(settings).read_text())


if __name__ == "__main__":
    from pathlib import Path

    doc = Path(__file__).resolve().parents[3] / "docs" / "metrics.md"
    changed = rewrite_docs(project_layer(), doc)
    print(f"{doc}: {'rewritten' if changed else 'up to date'}")
