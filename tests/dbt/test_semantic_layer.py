"""One definition per metric: what the pages show equals what MetricFlow (`mf query`) answers for
the same metrics, grouping and filters, on the demo's published snapshot; every metric renders;
docs/metrics.md lists exactly the metrics the dbt project defines."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dashboards.care import queries as care_queries
from dashboards.content import queries as content_queries
from dashboards.listening import queries as listening_queries
from dashboards.maturity import queries as maturity_queries
from dashboards.overview import queries as overview_queries
from dashboards.roi import queries as roi_queries
from groundswell.transform.semantic import Query, SemanticLayer, catalogue
from groundswell.warehouse import published

ROOT = Path(__file__).resolve().parents[2]
ADDITIVE = ("sum", "count", "count_distinct")


@pytest.fixture(scope="module")
def layer(published_home) -> SemanticLayer:
    with published(_settings(published_home)) as con:
        return SemanticLayer.from_manifest(
            con.execute("select definitions from meta.semantic_layer").fetchone()[0])


def _settings(home):
    from tests.conftest import make_settings

    return make_settings(home)


def metricflow(home: Path, requests: list[dict]) -> list[dict]:
    """Real MetricFlow's answers (tests/dbt/mf_oracle.py), one process for all ``requests``."""
    from tests.conftest import make_settings

    env = make_settings(home).tool_env()
    import os

    done = subprocess.run([sys.executable, str(ROOT / "tests" / "dbt" / "mf_oracle.py")],
                          input=json.dumps(requests), capture_output=True, text=True, check=False,
                          env=os.environ | env | {"GROUNDSWELL_HOME": str(home)}, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _key(value):
    """A group-by value as text: a date and midnight of that date are the same period start."""
    import re

    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(value, "isoformat") or re.match(r"^\d{4}-\d{2}-\d{2}", str(value)):
        return pd.Timestamp(value).isoformat()
    return str(value)


def _same(ours, theirs, additive: bool) -> bool:
    if hasattr(ours, "isoformat") or hasattr(theirs, "isoformat") or isinstance(theirs, str):
        return _key(ours) == _key(theirs)  # a date (first and last month)
    if additive and theirs is None and ours == 0:
        return True  # a sum over no rows: 0 here, NULL in mf (dbt 1.12 drops fill_nulls_with)
    if ours is None or theirs is None or (isinstance(ours, float) and math.isnan(ours)):
        return (ours is None or (isinstance(ours, float) and math.isnan(ours))) and theirs is None
    return math.isclose(float(ours), float(theirs), rel_tol=1e-9, abs_tol=1e-9)


def assert_equal(layer, ours_rows: list[dict], answer: dict, metrics: list[str], group_by: list[str]):
    """``ours_rows`` (dicts keyed by MetricFlow's names) hold exactly mf's rows, value for value."""
    theirs = {tuple(_key(r[answer["columns"].index(g)]) for g in group_by):
              {m: r[answer["columns"].index(m)] for m in metrics} for r in answer["rows"]}
    mine = {tuple(_key(r[g]) for g in group_by): {m: r[m] for m in metrics} for r in ours_rows}
    assert mine.keys() == theirs.keys()
    for key, values in mine.items():
        for m in metrics:
            additive = layer.metric(m).agg in ADDITIVE
            assert _same(values[m], theirs[key][m], additive), (key, m, values[m], theirs[key][m])


def _day(d: date) -> str:
    return d.isoformat()


def _in(dimension: str, values) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    return f"{{{{ Dimension('{dimension}') }}}} in ({listed})"


def _days(start: date, end: date) -> list[str]:
    return [f"{{{{ TimeDimension('metric_time', 'day') }}}} >= '{_day(start)}'",
            f"{{{{ TimeDimension('metric_time', 'day') }}}} <= '{_day(end)}'"]


def test_every_metric_renders_and_equals_metricflow(published_home, layer):
    """Each metric alone, by month where its model has a time dimension: our SQL = mf's."""
    requests, cases = [], []
    with published(_settings(published_home)) as con:
        for metric in layer.metrics.values():
            model = layer.models[metric.semantic_model]
            grain = "month"
            coarse = model.time_dimension and model.dimensions[model.time_dimension].granularity
            if coarse in ("quarter", "year"):
                grain = coarse
            group_by = [f"metric_time__{grain}"] if model.time_dimension else []
            sql, params = layer.sql(Query.of([metric.name], group_by))
            df = con.execute(sql, params).df()
            rows = [{k: (None if _isnan(v) else v) for k, v in r.items()} for r in df.to_dict("records")]
            requests.append({"metrics": [metric.name], "group_by": group_by})
            cases.append((metric.name, group_by, rows))
    assert len(cases) >= 40, "every figure the product shows is a metric"
    for (name, group_by, rows), answer in zip(cases, metricflow(published_home, requests), strict=True):
        assert_equal(layer, rows, answer, [name], group_by)


def _isnan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)


def test_pages_show_what_metricflow_answers(published_home, layer, monkeypatch):
    """The page query functions, called as the pages call them with the demo's filters, against
    mf queries written independently in MetricFlow's own syntax."""
    monkeypatch.setenv("GROUNDSWELL_HOME", str(published_home))
    checks = []  # (rows keyed by mf names, request)
    with published(_settings(published_home)) as con:
        # Overview: one brand over the last 30 days, and by week and platform
        opts = overview_queries.overview_options(con)
        start, end, brand = opts.last_date.replace(day=1), opts.last_date, opts.brands[0]
        k = overview_queries.kpis(con, start, end, [brand])
        checks.append(([{m: k[m] for m in overview_queries.POST_METRICS}],
                       {"metrics": list(overview_queries.POST_METRICS), "group_by": [],
                        "where": [*_days(start, end), _in("post__brand", [brand])]}))
        trend = overview_queries.engagement_by_platform(con, opts.first_date, opts.last_date, None, "week")
        checks.append(([{"metric_time__week": r.period_start, "post__platform": r.platform,
                         **{m: _none(getattr(r, m)) for m in overview_queries.POST_METRICS}}
                        for r in trend.itertuples()],
                       {"metrics": list(overview_queries.POST_METRICS),
                        "group_by": ["metric_time__week", "post__platform"], "where": []}))
        # Social ROI: the headline of each model over every month
        ro = roi_queries.roi_options(con)
        f = roi_queries.RoiFilters(ro.months[0], ro.months[-1])
        for model, _label in roi_queries.attribution_models(con):
            k = roi_queries.roi_kpis(con, f, model)
            names = {"program_cost": "cost", "attributed_revenue": "attributed_revenue",
                     "total_value": "total_value", "social_roi": "roi", "roas": "roas"}
            checks.append(([{m: k[ours] for m, ours in names.items()}],
                           {"metrics": list(names), "group_by": [],
                            "where": [f"{{{{ Dimension('roi_slice__attribution_model') }}}} = '{model}'"]}))
        # Customer care: one brand's headline, and the weekly trend of every brand
        co = care_queries.care_options(con)
        f = care_queries.CareFilters(co.first_date, co.last_date, [co.brands[0]])
        k = care_queries.care_kpis(con, f)
        checks.append(([{m: k[ours] for m, ours in care_queries.CARE_KPIS.items()}],
                       {"metrics": list(care_queries.CARE_KPIS), "group_by": [],
                        "where": [*_days(co.first_date, co.last_date),
                                  _in("care_message__brand", [co.brands[0]])]}))
        weekly = care_queries.sla_by_week(con, care_queries.CareFilters(co.first_date, co.last_date))
        checks.append(([{"metric_time__week": r["week_start"], **{m: _none(r[ours]) for m, ours in
                                                                   care_queries.CARE_WEEKLY.items()}}
                        for r in weekly.to_dict("records")],
                       {"metrics": list(care_queries.CARE_WEEKLY), "group_by": ["metric_time__week"],
                        "where": _days(co.first_date, co.last_date)}))
        # Listening: the first brand's cards over its whole span, and its daily series
        lo = listening_queries.listening_options(con)
        brand = lo.brands[0]
        k = listening_queries.listening_kpis(con, brand, lo.first_day, lo.last_day)
        checks.append(([{m: k[m] for m in ("mentions", "negative_share", "net_sentiment")}],
                       {"metrics": ["mentions", "negative_share", "net_sentiment"], "group_by": [],
                        "where": [*_days(lo.first_day, lo.last_day), _in("mention_hour__brand", [brand])]}))
        checks.append(([{"share_of_voice": k["share_of_voice"]}],
                       {"metrics": ["share_of_voice"], "group_by": [],
                        "where": [*_days(lo.first_day, lo.last_day), _in("voice_hour__brand", [brand])]}))
        checks.append(([{"crisis_episodes": k["crisis_episodes"]}],
                       {"metrics": ["crisis_episodes"], "group_by": [],
                        "where": [*_days(lo.first_day, lo.last_day),
                                  _in("crisis_episode_day__brand", [brand])]}))
        series = listening_queries.mention_series(con, brand, lo.first_day, lo.last_day, "day")
        names = ["mentions", "positive_mentions", "neutral_mentions", "negative_mentions", "net_sentiment"]
        checks.append(([{"metric_time__day": r["bucket"], **{m: _none(r[m]) for m in names}}
                        for r in series.to_dict("records")],
                       {"metrics": names, "group_by": ["metric_time__day"],
                        "where": [*_days(lo.first_day, lo.last_day), _in("mention_hour__brand", [brand])]}))
        # Share of voice of the brand's industry, per brand and day
        (industry,) = con.execute("select industry from seeds.brands where brand = ?", [brand]).fetchone()
        sov = listening_queries.share_of_voice_series(con, brand, lo.first_day, lo.last_day, "day")
        checks.append(([{"metric_time__day": r["bucket"], "voice_hour__brand": r["brand"],
                         "share_of_voice_mentions": r["mentions"],
                         "share_of_voice": _none(r["share_of_voice"])}
                        for r in sov.to_dict("records")],
                       {"metrics": ["share_of_voice_mentions", "share_of_voice"],
                        "group_by": ["metric_time__day", "voice_hour__brand"],
                        "where": [*_days(lo.first_day, lo.last_day),
                                  f"{{{{ Dimension('voice_hour__industry') }}}} = '{industry}'",
                                  # the brands the page draws: those mentioned in the period
                                  _in("voice_hour__brand", sorted(set(sov["brand"])))]}))
        # Social ROI by department under the default model, every month (the page's bars)
        model = roi_queries.default_model(con)
        by = roi_queries.roi_by(con, roi_queries.RoiFilters(ro.months[0], ro.months[-1]), "department", model)
        checks.append(([{"roi_slice__department": r["department"], "program_cost": r["cost"],
                         "total_value": r["total_value"], "social_roi": _none(r["roi"])}
                        for r in by.to_dict("records")],
                       {"metrics": ["program_cost", "total_value", "social_roi"],
                        "group_by": ["roi_slice__department"],
                        "where": [f"{{{{ Dimension('roi_slice__attribution_model') }}}} = '{model}'"]}))
        # The campaign table under the default model, every month
        every_month = roi_queries.RoiFilters(ro.months[0], ro.months[-1])
        campaigns = roi_queries.campaign_roi(con, every_month, model, limit=100_000)
        assert len(campaigns) == roi_queries.campaign_count(con, every_month, model) > 0
        shown = roi_queries.CAMPAIGN_METRICS
        checks.append(([{**{f"roi_slice__{k}": r[k] for k in roi_queries.CAMPAIGN_SLICE},
                         **{m: _none(r[c]) for m, c in shown.items()}} for r in campaigns.to_dict("records")],
                       {"metrics": list(shown),
                        "group_by": [f"roi_slice__{k}" for k in roi_queries.CAMPAIGN_SLICE],
                        "where": [f"{{{{ Dimension('roi_slice__attribution_model') }}}} = '{model}'"]}))
        # Care: response times per channel, conversations
        every = care_queries.CareFilters(co.first_date, co.last_date)
        stats = care_queries.response_time_stats(con, every)
        pct = {f"{p}_{c}": f"{m}_{p}" for m, c in care_queries.RESPONSE_MEASURES.items()
               for p in care_queries.RESPONSE_PERCENTILES}
        checks.append(([{"care_message__channel": r["channel"], "responded_messages": r["responded"],
                         **{n: _none(r[ours]) for n, ours in pct.items()}}
                        for r in stats.to_dict("records")],
                       {"metrics": ["responded_messages", *pct], "group_by": ["care_message__channel"],
                        "where": _days(co.first_date, co.last_date)}))
        # Care: the open backlog by complaint type and status, and the backlog at each day's end
        backlog = care_queries.backlog_by_type(con, every)
        open_metrics = {"open_backlog": "messages",
                        **{m: m for m in ("median_open_business_minutes", "max_open_business_minutes")}}
        checks.append(([{"care_message__complaint_type": r["complaint_type"],
                         "care_message__backlog_status": r["sla_status"],
                         **{m: _none(r[c]) for m, c in open_metrics.items()}}
                        for r in backlog.to_dict("records")],
                       {"metrics": list(open_metrics),
                        "group_by": ["care_message__complaint_type", "care_message__backlog_status"],
                        "where": [*_days(co.first_date, co.last_date),
                                  _in("care_message__backlog_status", care_queries.OPEN_STATUSES)]}))
        daily = care_queries.backlog_by_day(con, every)
        checks.append(([{"metric_time__day": r["date_day"], "backlog_at_day_end": r["backlog"],
                         "breached_backlog_at_day_end": r["backlog_over_sla"]}
                        for r in daily.to_dict("records")],
                       {"metrics": ["backlog_at_day_end", "breached_backlog_at_day_end"],
                        "group_by": ["metric_time__day"], "where": _days(co.first_date, co.last_date)}))
        # Care: the worst segments (every segment with a judged message, not the page's top 50)
        worst = care_queries.worst_segments(con, every, min_judged=1, limit=100_000)
        keys = ("brand", "channel", "complaint_type", "complaint_topic")
        segment = {"messages": "messages", "sla_judged_messages": "judged", "sla_met_messages": "within_sla",
                 "sla_attainment": "sla_attainment", "responded_messages": "responded",
                 "median_first_response_business_minutes": "median_business_minutes",
                 "open_backlog": "open"}
        assert list(worst["rank"]) == list(range(1, len(worst) + 1)) and len(worst) >= 5
        checks.append(([{**{f"care_message__{k}": r[k] for k in keys},
                         **{m: _none(r[c]) for m, c in segment.items()}} for r in worst.to_dict("records")],
                       {"metrics": list(segment), "group_by": [f"care_message__{k}" for k in keys],
                        "where": _days(co.first_date, co.last_date),
                        # the page lists segments with a judged message: mf's rows with one
                        "keep": {"metric": "sla_judged_messages", "at_least": 1}}))
        c = care_queries.conversation_kpis(con, every)
        conv = {"conversations": "conversations", "resolved_conversations": "resolved",
                "reopened_conversations": "reopened", "exchanges": "exchanges",
                "median_resolution_minutes": "median_resolution_minutes"}
        checks.append(([{m: c[ours] for m, ours in conv.items()}],
                       {"metrics": list(conv), "group_by": [], "where": _days(co.first_date, co.last_date)}))
        # Content by type; fan quality; feedback totals; maturity by unit and dimension
        content = content_queries.content_by(con, ["content_type"], None, None)
        checks.append(([{"post__content_type": r["content_type"], "posts": r["posts"],
                         "engagement_rate": _none(r["engagement_rate"])}
                        for r in content.to_dict("records")],
                       {"metrics": ["posts", "engagement_rate"], "group_by": ["post__content_type"],
                        "where": []}))
        fans = roi_queries.fan_quality(con)
        checks.append(([{"fan_segment__brand": r["brand"], "fan_segment__channel": r["channel"],
                         "engagers": r["engagers"], "customer_share": _none(r["customer_share"])}
                        for r in fans.to_dict("records")],
                       {"metrics": ["engagers", "customer_share"],
                        "group_by": ["fan_segment__brand", "fan_segment__channel"], "where": []}))
        totals, _rows = listening_queries.feedback_loop(con, brand)
        if totals["actions"] is not None:
            checks.append(([{"feedback_actions": totals["actions"], "closure_rate": totals["closure_rate"]}],
                           {"metrics": ["feedback_actions", "closure_rate"], "group_by": [],
                            "where": [_in("feedback_action__brand", [brand])]}))
        quarter = maturity_queries.maturity_quarters(con)[0]
        dims = maturity_queries.maturity_dimensions(con, quarter)
        checks.append(([{"maturity_criterion__business_unit": r["business_unit"],
                         "maturity_criterion__dimension": r["dimension"], "criteria_passed": r["passed"],
                         "criteria_passed_share": _none(r["passed_share"])} for r in dims.to_dict("records")],
                       {"metrics": ["criteria_passed", "criteria_passed_share"],
                        "group_by": ["maturity_criterion__business_unit", "maturity_criterion__dimension"],
                        "where": [_in("maturity_criterion__year_quarter", [quarter])]}))
    answers = metricflow(published_home, [{k: v for k, v in r.items() if k != "keep"} for _rows, r in checks])
    for (rows, request), answer in zip(checks, answers, strict=True):
        if keep := request.get("keep"):
            at = answer["columns"].index(keep["metric"])
            answer = {**answer, "rows": [r for r in answer["rows"] if (r[at] or 0) >= keep["at_least"]]}
        assert_equal(layer, rows, answer, request["metrics"], request["group_by"])


def _none(v):
    return None if _isnan(v) else v


def test_docs_list_exactly_the_project_metrics(layer):
    """docs/metrics.md's catalogue is generated from the semantic layer: rerun
    `python -m groundswell.transform.semantic` after changing a metric."""
    text = (ROOT / "docs" / "metrics.md").read_text()
    assert catalogue(layer) in text, \
        "docs/metrics.md is stale: run `python -m groundswell.transform.semantic`"


def test_docs_lineage_table_is_the_projects(published_home):
    """docs/operations.md's lineage table (how many models stand between each mart and its raw rows)
    is generated from the project: rerun `python -m groundswell.transform.lineage` when it is stale.
    Every mart is in a domain's folder."""
    from groundswell.transform.dbt import manifest_path
    from groundswell.transform.lineage import chains, domain, table

    manifest = json.loads(manifest_path(_settings(published_home)).read_text())
    assert table(manifest) in (ROOT / "docs" / "operations.md").read_text(), \
        "docs/operations.md's lineage table is stale: run `python -m groundswell.transform.lineage`"
    marts = chains(manifest)
    domains = {domain(manifest, m) for m in marts}
    assert domains == {"care", "roi", "listening", "maturity", "content", "shared"}
    assert marts["fct_post_performance"] == ("stg_facebook__posts", "int_posts_unioned",
                                             "fct_post_performance")
