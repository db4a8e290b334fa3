"""Social ROI query and figure functions, called directly on a real published snapshot.

Expected numbers come from the mart's rows, aggregated independently with pandas: ROI of a
slice from its sums for one model, never averaged, never summed across models.
"""

from __future__ import annotations

import csv
from datetime import date

import dash
import pandas as pd
import pytest

from dashboards.roi import figures as roi_figures
from dashboards.roi import queries as roi_queries
from groundswell.config import PROJECT_ROOT
from groundswell.warehouse import connect, published
from tests.dashboards.conftest import write_roi_snapshot

#: The additive columns of the mart, summed over a slice of one model (what the page reports).
SUMS = ["cost", "paid_media_cost", "attributed_revenue", "attributed_pipeline", "deflected_contacts",
        "deflection_savings", "ideas_adopted", "ideas_value", "total_value"]
#: The attribution models of dbt/seeds/attribution_models.csv, in its order: (name, label).
with (PROJECT_ROOT / "dbt" / "seeds" / "attribution_models.csv").open(newline="") as _f:
    SEED_MODELS = [(r["attribution_model"], r["label"])
                   for r in sorted(csv.DictReader(_f), key=lambda r: int(r["sort_order"]))]
MODELS = [m for m, _ in SEED_MODELS]
WIDE = (date(1900, 1, 1), date(2999, 12, 1))


@pytest.fixture(params=["published", "varied"])
def con(request, use_published_home):
    """The published demo snapshot, and a copy of its ROI mart varied where the demo is uniform
    (a second month, model-dependent revenue, valued ideas)."""
    if request.param == "published":
        with published(use_published_home) as c:
            yield c
    else:
        home = request.getfixturevalue("varied_roi_home")
        c = connect(home / "published" / "warehouse.duckdb", read_only=True)
        try:
            yield c
        finally:
            c.close()


@pytest.fixture
def roi(con) -> pd.DataFrame:
    df = con.execute("select * from marts.fct_social_roi").df()
    assert len(df) > 0, "the demo fixture publishes ROI rows"
    assert set(df.model) == set(MODELS)
    df["month"] = pd.to_datetime(df["month"]).dt.date
    return df


def _mask(df: pd.DataFrame, f: roi_queries.RoiFilters) -> pd.Series:
    m = (df["month"] >= f.start) & (df["month"] <= f.end)
    if f.departments:
        m &= df["department"].isin(f.departments)
    if f.channels:
        m &= df["channel"].isin(f.channels)
    return m


def _roi(value: float, cost: float) -> float | None:
    return None if cost == 0 else (value - cost) / cost


def _approx(got, expected):
    """Equal, NULL (None/NaN) for NULL."""
    if expected is None or pd.isna(expected):
        return got is None or pd.isna(got)
    return got == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_options_cover_the_mart(con, roi):
    opts = roi_queries.roi_options(con)
    assert opts.has_mart
    assert opts.months == sorted(set(roi.month))
    assert opts.departments == ["marketing", "sales", "service"]
    assert set(opts.channels) == set(roi.channel) >= {"all", "community", "x", "facebook", "linkedin"}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("departments", "channels"), [
    ([], []), (["marketing"], []), ([], ["x", "facebook"]), (["service"], ["x"]),
])
def test_kpis_equal_an_independent_pandas_computation(con, roi, model, departments, channels):
    f = roi_queries.RoiFilters(*WIDE, departments, channels)
    mine = roi[_mask(roi, f) & (roi.model == model)]
    got = roi_queries.roi_kpis(con, f, model)
    assert got["rows"] == len(mine) > 0
    for c in SUMS:
        assert got[c] == pytest.approx(mine[c].fillna(0).sum()), c
    assert _approx(got["roi"], _roi(mine.total_value.sum(), mine.cost.sum()))
    paid = mine.paid_media_cost.sum()
    assert _approx(got["roas"], mine.attributed_revenue.sum() / paid if paid else None)
    assert got["net_value"] == pytest.approx(mine.total_value.sum() - mine.cost.sum())
    # Pipeline is reported, never part of the value.
    assert got["total_value"] == pytest.approx(
        got["attributed_revenue"] + got["deflection_savings"] + got["ideas_value"])


def test_costs_do_not_depend_on_the_model_and_are_never_summed_across_models(con, roi):
    f = roi_queries.RoiFilters(*WIDE)
    costs = {m: roi_queries.roi_kpis(con, f, m)["cost"] for m, _ in roi_queries.attribution_models(con)}
    assert len({round(c, 6) for c in costs.values()}) == 1
    assert costs["linear"] == pytest.approx(roi[roi.model == "linear"].cost.sum())
    assert costs["linear"] < roi.cost.sum()  # the mart summed over models would count it 5 times


def test_roi_is_computed_from_sums_never_averaged(con, roi):
    got = roi_queries.roi_kpis(con, roi_queries.RoiFilters(*WIDE), "linear")["roi"]
    rows = roi[roi.model == "linear"]
    assert got == pytest.approx(_roi(rows.total_value.sum(), rows.cost.sum()))
    assert got != pytest.approx(rows.roi.mean())  # the average of the rows' roi is another number


def test_revenue_and_pipeline_are_the_attributions_credit(use_published_home):
    """On the published snapshot, each model's attributed revenue and pipeline are the credited
    revenue and pipeline of marts.fct_attribution (the mart it is built from)."""
    with published(use_published_home) as con:
        credit = con.execute("select model, sum(attributed_revenue)::double, "
                             "sum(attributed_pipeline)::double "
                             "from marts.fct_attribution group by model").fetchall()
        assert {m for m, *_ in credit} == {m for m, _ in roi_queries.attribution_models(con)}
        for model, revenue, pipeline in credit:
            got = roi_queries.roi_kpis(con, roi_queries.RoiFilters(*WIDE), model)
            assert got["attributed_revenue"] == pytest.approx(revenue)
            assert got["attributed_pipeline"] == pytest.approx(pipeline)


def test_the_month_range_holds_whole_months(con, roi):
    months = sorted(set(roi.month))
    last = months[-1]
    got = roi_queries.roi_kpis(con, roi_queries.RoiFilters(last, last), "time_decay")
    mine = roi[(roi.month == last) & (roi.model == "time_decay")]
    assert got["rows"] == len(mine) and got["cost"] == pytest.approx(mine.cost.sum())
    assert roi_queries.roi_kpis(con, roi_queries.RoiFilters(months[0], last))["rows"] == (
        (roi.model == "linear").sum())


def _pandas_roi_by(roi: pd.DataFrame, f: roi_queries.RoiFilters, dimension: str) -> pd.DataFrame:
    """ROI per dimension value and model from the sums, then pivoted: models as columns."""
    sums = roi[_mask(roi, f)].groupby([dimension, "model"])[["cost", "total_value"]].sum()
    per_model = ((sums.total_value - sums.cost) / sums.cost.where(sums.cost != 0)).unstack("model")
    return per_model


@pytest.mark.parametrize("dimension", roi_queries.ROI_DIMENSIONS)
@pytest.mark.parametrize("model", ["linear", "first_touch"])
@pytest.mark.parametrize("departments", [[], ["marketing", "sales"]])
def test_roi_by_department_and_channel_with_the_range_across_models(con, roi, dimension, model,
                                                                    departments):
    f = roi_queries.RoiFilters(*WIDE, departments)
    got = roi_queries.roi_by(con, f, dimension, model).set_index(dimension)
    expected = _pandas_roi_by(roi, f, dimension)
    assert list(got.index) == sorted(expected.index)
    rows = roi[_mask(roi, f) & (roi.model == model)]
    for key, per_model in expected.iterrows():
        assert _approx(got.loc[key, "roi"], per_model[model]), key
        assert got.loc[key, "cost"] == pytest.approx(rows[rows[dimension] == key].cost.sum())
        assert _approx(got.loc[key, "roi_min"], per_model.min()), key
        assert _approx(got.loc[key, "roi_max"], per_model.max()), key
        assert got.loc[key, "models"] == per_model.notna().sum()
        if per_model.notna().any():
            assert _approx(per_model[got.loc[key, "roi_min_model"]], per_model.min())
            assert _approx(per_model[got.loc[key, "roi_max_model"]], per_model.max())


def test_the_varied_mart_has_a_real_range_across_models(varied_roi_home):
    """The ranges above are not all zero-width: in the varied copy the models disagree."""
    c = connect(varied_roi_home / "published" / "warehouse.duckdb", read_only=True)
    try:
        df = roi_queries.roi_by(c, roi_queries.RoiFilters(*WIDE), "channel")
    finally:
        c.close()
    assert ((df.roi_max - df.roi_min) > 0.05).sum() >= 3


@pytest.mark.parametrize("model", ["linear", "position_based"])
@pytest.mark.parametrize(("departments", "channels"), [([], []), (["marketing"], ["x", "community"])])
def test_campaign_table_equals_pandas(con, roi, model, departments, channels):
    f = roi_queries.RoiFilters(*WIDE, departments, channels)
    got = roi_queries.campaign_roi(con, f, model)
    assert list(got.columns) == list(roi_queries.CAMPAIGN_COLUMNS)
    keys = ["department", "channel", "campaign"]
    mine = roi[_mask(roi, f)].fillna({"campaign": "∅"})
    per_model = mine.groupby([*keys, "model"])[SUMS].sum(min_count=1)
    rois = ((per_model.total_value - per_model.cost)
            / per_model.cost.where(per_model.cost != 0)).unstack("model")
    assert len(got) == roi_queries.campaign_count(con, f, model) == len(rois) > 0
    assert (got.model == model).all()
    for row in got.fillna({"campaign": "∅"}).itertuples(index=False):
        key = (row.department, row.channel, row.campaign)
        sums = per_model.loc[(*key, model)]
        for c in SUMS:
            assert _approx(getattr(row, c), sums[c]), (key, c)
        assert _approx(row.roi, rois.loc[key, model])
        paid = sums.paid_media_cost
        assert _approx(row.roas, sums.attributed_revenue / paid if paid else None)
        assert _approx(row.roi_min, rois.loc[key].min()) and _approx(row.roi_max, rois.loc[key].max())
    # Rows without cost have no ROI ("–"), never an infinite one.
    no_cost = got[got.cost == 0]
    assert no_cost.roi.isna().all() and no_cost.roi_min.isna().all()
    assert not got.roi.isin([float("inf"), float("-inf")]).any()


def test_the_export_is_the_campaign_table_capped(con):
    f = roi_queries.RoiFilters(*WIDE)
    export = roi_queries.roi_export(con, f, "last_touch")
    pd.testing.assert_frame_equal(export, roi_queries.campaign_roi(con, f, "last_touch"))
    assert len(export) == roi_queries.campaign_count(con, f, "last_touch")
    assert len(roi_queries.roi_export(con, f, "last_touch", limit=3)) == 3
    assert roi_queries.CAMPAIGN_LIMIT <= roi_queries.ROI_EXPORT_LIMIT


def test_filter_values_travel_as_parameters(con, roi):
    evil = "x' or '1'='1"
    drop = "'; drop table marts.fct_social_roi; --"
    for f in (roi_queries.RoiFilters(*WIDE, [evil]), roi_queries.RoiFilters(*WIDE, [], [drop]),
              roi_queries.RoiFilters(*WIDE, [drop], [evil])):
        assert roi_queries.roi_kpis(con, f)["rows"] == 0
        assert roi_queries.roi_by(con, f, "department").empty
        assert roi_queries.roi_by(con, f, "channel").empty
        assert roi_queries.campaign_roi(con, f).empty and roi_queries.roi_export(con, f).empty
        assert roi_queries.campaign_count(con, f) == 0
    assert con.execute("select count(*) from marts.fct_social_roi").fetchone()[0] == len(roi)


def test_the_models_are_the_seeds_with_their_labels_and_default(con):
    """The page offers the models of dbt/seeds/attribution_models.csv (published as
    seeds.attribution_models), labelled and in its order; the default is the seed's (linear), and
    a call without a model is one of it."""
    assert roi_queries.attribution_models(con) == SEED_MODELS
    assert roi_queries.default_model(con) == "linear"
    f = roi_queries.RoiFilters(*WIDE)
    assert roi_queries.roi_kpis(con, f) == roi_queries.roi_kpis(con, f, "linear")
    assert roi_queries.roi_kpis(con, f)["model"] == "linear"


def test_a_snapshot_before_the_seed_offers_the_marts_models(published_home, tmp_path):
    """A snapshot published before seeds.attribution_models: the mart's models, labelled by name,
    the first the default."""
    db = write_roi_snapshot(published_home / "published" / "warehouse.duckdb",
                            tmp_path / "home" / "published" / "warehouse.duckdb", varied=False)
    c = connect(db)
    try:
        c.execute("drop table seeds.attribution_models")
        assert roi_queries.attribution_models(c) == [(m, m) for m in sorted(MODELS)]
        assert roi_queries.default_model(c) == sorted(MODELS)[0]
        with pytest.raises(ValueError, match="model must be one of"):
            roi_queries.roi_kpis(c, roi_queries.RoiFilters(*WIDE), "markov")
    finally:
        c.close()


@pytest.mark.parametrize("model", ["linear' or '1'='1", "linear; drop table x", "LINEAR", "", "markov"])
def test_the_model_is_allowlisted(con, model):
    f = roi_queries.RoiFilters(*WIDE)
    for call in (lambda: roi_queries.roi_kpis(con, f, model),
                 lambda: roi_queries.roi_by(con, f, "channel", model),
                 lambda: roi_queries.campaign_roi(con, f, model),
                 lambda: roi_queries.campaign_count(con, f, model),
                 lambda: roi_queries.roi_export(con, f, model)):
        with pytest.raises(ValueError, match="model must be"):
            call()


@pytest.mark.parametrize("dimension", ["campaign", "department, model", "1; drop table x"])
def test_the_dimension_is_allowlisted(con, dimension):
    with pytest.raises(ValueError, match="dimension must be"):
        roi_queries.roi_by(con, roi_queries.RoiFilters(*WIDE), dimension)


def test_an_empty_period_has_no_roi_and_empty_figures(con):
    f = roi_queries.RoiFilters(date(2001, 1, 1), date(2001, 12, 1))
    got = roi_queries.roi_kpis(con, f)
    assert got["rows"] == 0 and got["cost"] == 0 and got["roi"] is None and got["roas"] is None
    assert roi_queries.campaign_roi(con, f).empty
    for fig in (roi_figures.roi_bars(roi_queries.roi_by(con, f, "department"), "department", "linear"),
                roi_figures.value_waterfall(got)):
        assert fig.data == () and fig.layout.annotations[0].text == roi_figures.NO_ROI


@pytest.mark.parametrize("dimension", roi_queries.ROI_DIMENSIONS)
def test_roi_bars_carry_the_roi_and_its_range(con, dimension):
    df = roi_queries.roi_by(con, roi_queries.RoiFilters(*WIDE), dimension, "time_decay")
    fig = roi_figures.roi_bars(df, dimension, "time_decay")
    if dimension == "channel":  # shared costs: a line under the title, not a bar (issue 22)
        shared = df[df.channel == roi_figures.SHARED_COSTS]
        assert len(shared) == 1 and shared.total_value.iloc[0] == 0
        assert roi_figures.fmt_money(shared.cost.iloc[0]) in fig.layout.title.subtitle.text
        df = df[df.channel != roi_figures.SHARED_COSTS]
    (bar,) = fig.data
    assert len(bar.x) == len(df)
    for y, plus, minus, r, lo, hi in zip(bar.y, bar.error_y.array, bar.error_y.arrayminus,
                                         df.roi, df.roi_min, df.roi_max, strict=True):
        if pd.isna(r):
            assert y is None and plus == minus == 0
        else:
            assert y == pytest.approx(r)
            assert y + plus == pytest.approx(hi) and y - minus == pytest.approx(lo)
    assert list(bar.text) == [roi_figures.fmt_roi(r) for r in df.roi]


def test_the_waterfall_adds_value_subtracts_cost_and_keeps_pipeline_apart(con):
    k = roi_queries.roi_kpis(con, roi_queries.RoiFilters(*WIDE), "position_based")
    fig = roi_figures.value_waterfall(k)
    fall, pipeline = fig.data
    assert list(fall.x)[:2] == ["attributed revenue", "deflection savings"]
    assert list(fall.x)[3:] == ["cost", "net value"] and list(fall.measure)[-1] == "total"
    steps = list(fall.y)
    assert steps[:4] == pytest.approx([k["attributed_revenue"], k["deflection_savings"],
                                       k["ideas_value"], -k["cost"]])
    assert sum(steps[:4]) == pytest.approx(k["total_value"] - k["cost"]) == pytest.approx(steps[4])
    assert list(pipeline.x) == [roi_figures.PIPELINE_LABEL] and "not in ROI" in roi_figures.PIPELINE_LABEL
    assert list(pipeline.y) == pytest.approx([k["attributed_pipeline"]])


def test_formats():
    assert [roi_figures.fmt_money(v) for v in (None, float("nan"), 950, 54_780.31, -52_781.3)] == [
        "–", "–", "$950", "$54.8k", "-$52.8k"]
    assert [roi_figures.fmt_roi(v) for v in (None, -0.9636, 0.12)] == ["–", "-96.4%", "+12.0%"]
    assert [roi_figures.fmt_roas(v) for v in (None, 0.0257)] == ["–", "0.03×"]


@pytest.fixture
def roi_layout():
    """The page's layout function, as the app registers it."""
    from dashboards.app import create_app

    create_app()
    return dash.page_registry["dashboards.roi.page"]["layout"]


def test_the_page_is_registered_in_the_navigation(roi_layout):
    page = dash.page_registry["dashboards.roi.page"]
    assert (page["path"], page["name"]) == ("/roi", "Social ROI")


@pytest.mark.parametrize("with_mart", [True, False])
def test_the_page_says_no_roi_yet(published_home, tmp_path, monkeypatch, roi_layout, with_mart):
    """A snapshot whose ROI mart is empty (or predates it) renders a clear message, not an error."""
    home = tmp_path / "home"
    db = home / "published" / "warehouse.duckdb"
    write_roi_snapshot(published_home / "published" / "warehouse.duckdb", db, empty=True)
    if not with_mart:
        c = connect(db)
        try:
            c.execute("drop table marts.fct_social_roi")
        finally:
            c.close()
    monkeypatch.setenv("GROUNDSWELL_HOME", str(home))
    page = roi_layout()
    assert page.id == "roi-empty"
    assert page.children.startswith("No Social ROI yet")
    monkeypatch.setenv("GROUNDSWELL_HOME", str(tmp_path / "nothing"))
    assert roi_layout().id == "roi-missing"


def test_the_page_builds_on_the_published_snapshot(use_published_home, roi_layout):
    page = roi_layout()
    assert getattr(page, "id", None) not in ("roi-empty", "roi-missing")
    text = str(page)
    for component in ("roi-model", "roi-by-department", "roi-by-channel", "roi-waterfall",
                      "roi-campaigns", "roi-export", "roi-download"):
        assert component in text
