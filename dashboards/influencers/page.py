"""Influencers: who speaks about a brand with reach, who could become an evangelist, who to watch.

The ranked table is ``marts.dim_influencers`` as it is (docs/metrics.md, "Influencers"); a click on
a row opens the author's profile: the mart's figures and the author's mentions of the brand from
``marts.fct_mentions``. The table pages through the whole list from the server (AG Grid's infinite
row model: a page of rows per request, never the list at once) and exports it as CSV. A public
author's handle shows to users of every unit; everyone else sees the pseudonym
(docs/operations.md, "Who sees what").
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import inputs, labels
from dashboards.data import snapshot
from dashboards.influencers import queries
from dashboards.shared import figures as shared_figures
from groundswell.warehouse import SnapshotMissingError

dash.register_page(__name__, path="/influencers", name="Influencers", title="groundswell: influencers",
                   order=6)

NO_INFLUENCERS = ("No influencers yet: the published snapshot ranks no authors of any brand. "
                  "Land a listening export (`groundswell load listening-mentions DIR`, or "
                  "`groundswell demo`) and run `groundswell build`.")
PROFILE_PROMPT = "Click an author above to see their mentions of the brand."
ROLE_LABELS = {"all": "All authors", "evangelist_candidate": "Evangelist candidates",
               "detractor_watch": "Detractor watch list"}
_SCORE = {"function": "params.value == null ? '–' : d3.format('.3f')(params.value)"}
_SHARE = {"function": "params.value == null ? '–' : d3.format('.0%')(params.value)"}
_NUMBER = {"function": "params.value == null ? '–' : d3.format(',')(params.value)"}
TOOLTIPS = {
    "list_rank": "The author's rank in this list",
    "influence_rank": "The author's rank among all the brand's authors by influence score",
    "public_handle": "The handle of an author with at least influencer_public_followers followers (a "
                     "public voice); users of every unit see it",
    "platform": "Where the author posts",
    "author_id": "The author (pseudonymised)",
    "program_role": "Evangelist candidate: a top active advocate; detractor watch: a top active "
                    "detractor (dbt vars evangelist_candidates, detractor_watch)",
    "stance": "Advocate (average sentiment ≥ 0.05), detractor (≤ −0.05) or neutral",
    "influence_score": "The mean of reach score, engagement score and consistency, 0 to 1",
    "reach": "The latest known follower count",
    "engagement_received": "Likes + shares + replies on the author's mentions of the brand",
    "mentions": "The author's mentions of the brand",
    "avg_sentiment": "The mean VADER compound score of the author's mentions, −1 to 1",
    "active_weeks": "Weeks in which the author mentioned the brand",
    "consistency": "Active weeks / weeks the brand was listened to",
}
FORMATS = {"influence_score": _SCORE, "avg_sentiment": _SCORE, "consistency": _SHARE, "reach": _NUMBER,
           "engagement_received": _NUMBER, "mentions": _NUMBER, "active_weeks": _NUMBER}
CATEGORIES = ("platform", "program_role", "stance")
#: Columns the table does not sort by (a pseudonym's order means nothing).
UNSORTED = ("author_id", "public_handle")
#: Rows per page of the table, and per request to the server.
PAGE_SIZE = 20
GRID_COLUMNS = [
    labels.column(c, **({"headerTooltip": TOOLTIPS[c]} if c in TOOLTIPS else {}),
                  **({"type": "numericColumn", "valueFormatter": FORMATS[c]} if c in FORMATS else {}),
                  **({"valueFormatter": labels.CATEGORY} if c in CATEGORIES else {}),
                  **({"pinned": "left", "width": 90} if c == "list_rank" else {}),
                  **({"pinned": "left", "width": 170} if c == "public_handle" else {}),
                  **({"sortable": False} if c in UNSORTED else {}))
    for c in queries.INFLUENCER_COLUMNS
]
PROFILE_COLUMNS = [
    labels.column("mentioned_at"),
    labels.column("sentiment_label", valueFormatter=labels.CATEGORY),
    labels.column("sentiment_score", type="numericColumn", valueFormatter=_SCORE,
                  headerTooltip="VADER compound score (enrichment): -1 to 1"),
    labels.column("complaint_type", headerName="Complaint type", valueFormatter=labels.CATEGORY),
    labels.column("engagement", type="numericColumn", valueFormatter=_NUMBER,
                  headerTooltip="Likes + shares + replies"),
    labels.column("text", flex=1, minWidth=320),
    labels.column("mention_id"),
]


def layout(**_query) -> html.Div:
    try:
        with snapshot() as con:
            brands = queries.influencer_brands(con)
    except SnapshotMissingError as exc:
        return dbc.Alert(str(exc), color="warning", id="influencers-missing")
    if not brands:
        return dbc.Alert(NO_INFLUENCERS, color="info", id="influencers-empty")
    return html.Div([
        html.H2("Influencers"),
        dbc.Row([
            dbc.Col([dbc.Label("Brand"), dcc.Dropdown(id="influencers-brand", options=brands,
                                                      value=brands[0], clearable=False)], md=4),
            dbc.Col([dbc.Label("Show"), dbc.RadioItems(
                id="influencers-role", value="evangelist_candidate", inline=True,
                options=[{"label": label, "value": v} for v, label in ROLE_LABELS.items()])], md=6),
            dbc.Col(dbc.Button("Export CSV", id="influencers-export", size="sm", color="secondary",
                               className="float-end mt-4"), md=2),
        ], className="mb-2"),
        html.Div("", id="influencers-title", className="mb-2 small text-muted"),
        dag.AgGrid(
            id="influencers-grid", columnDefs=GRID_COLUMNS, rowModelType="infinite",
            # filters would need the server; sorting goes to it (queries.influencers)
            defaultColDef=shared_figures.grid_column_defaults(filter=False),
            dashGridOptions={"pagination": True, "paginationPageSize": PAGE_SIZE,
                             "paginationPageSizeSelector": False, "cacheBlockSize": PAGE_SIZE,
                             "maxBlocksInCache": 50, "tooltipShowDelay": 300,
                             # AG Grid 32.2+'s form of single-row selection by a click ("single" is
                             # deprecated and warns in the console)
                             "rowSelection": {"mode": "singleRow", "checkboxes": False,
                                              "enableClickSelection": True}},
            style={"height": "520px"}),
        dcc.Download(id="influencers-download"),
        dcc.Store(id="influencers-reset"),
        html.H4("Profile", className="mt-4"),
        html.Div(PROFILE_PROMPT, id="influencers-profile",
                 className="mb-2"),
        dag.AgGrid(
            id="influencers-mentions", columnDefs=PROFILE_COLUMNS, rowData=[],
            defaultColDef=shared_figures.grid_column_defaults(),
            dashGridOptions={"pagination": True, "paginationPageSize": 20},
            style={"height": "420px"}, className="mb-5"),
    ])


def _brand(con, brand: object) -> str:
    """The picked brand, one of the snapshot's own names (only those reach SQL); nothing to update
    when the snapshot has none (the layout then says so)."""
    brands = queries.influencer_brands(con)
    if not brands:
        raise PreventUpdate
    return inputs.one_of(brand, brands, brands[0])


@callback(Output("influencers-title", "children"),
          Input("influencers-brand", "value"), Input("influencers-role", "value"))
def update(brand, role):
    role = inputs.one_of(role, queries.INFLUENCER_ROLES, "all")
    with snapshot() as con:
        brand = _brand(con, brand)
        count = queries.influencer_count(con, brand, role)
    return f"{ROLE_LABELS[role]} of {brand}: {count:,} authors, {PAGE_SIZE} a page"


# A new brand or list: the grid forgets the rows it holds and asks for the first page again.
clientside_callback(
    """function(brand, role) {
        const api = dash_ag_grid.getApi("influencers-grid");
        if (api) { api.purgeInfiniteCache(); }
        return [brand, role];
    }""",
    Output("influencers-reset", "data"), Input("influencers-brand", "value"),
    Input("influencers-role", "value"), prevent_initial_call=True)


@callback(Output("influencers-grid", "getRowsResponse"), Input("influencers-grid", "getRowsRequest"),
          State("influencers-brand", "value"), State("influencers-role", "value"))
def rows(request, brand, role):
    """One page of the list, from the server: the rows the grid asked for and the list's size."""
    if not isinstance(request, dict):  # whatever a browser sends: only the grid's request is answered
        raise PreventUpdate
    role = inputs.one_of(role, queries.INFLUENCER_ROLES, "all")
    start = inputs.an_int(request.get("startRow"), 0, 0, 10**9)
    end = inputs.an_int(request.get("endRow"), start + PAGE_SIZE, start, start + 10 * PAGE_SIZE)
    sort = request.get("sortModel")
    sort = [s for s in sort if isinstance(s, dict)] if isinstance(sort, list) else []
    with snapshot() as con:
        brand = _brand(con, brand)
        df = queries.influencers(con, brand, role, start, end - start, sort)
        count = queries.influencer_count(con, brand, role)
    return {"rowData": shared_figures.grid_rows(df), "rowCount": count}


@callback(Output("influencers-profile", "children"), Output("influencers-mentions", "rowData"),
          Input("influencers-grid", "selectedRows"), State("influencers-brand", "value"),
          prevent_initial_call=True)
def profile(selected, brand):
    picked = inputs.selected_row(selected, ("platform", "author_id"))
    if not picked or not picked["platform"] or not picked["author_id"]:
        return PROFILE_PROMPT, []
    with snapshot() as con:
        brand = _brand(con, brand)
        found = shared_figures.grid_rows(
            queries.influencer(con, brand, picked["platform"], picked["author_id"]))
        if not found:  # not an author of this brand's ranking (an old row, or not the page's)
            return PROFILE_PROMPT, []
        df = queries.influencer_mentions(con, brand, picked["platform"], picked["author_id"])
    row = found[0]  # the mart's figures, not the ones the browser sent back
    role = f", {labels.value(row['program_role']).lower()}" if row.get("program_role") else ""
    who = f"@{row['public_handle']}" if row.get("public_handle") else f"Author {row['author_id']}"
    text = (f"{who} on {labels.value(row['platform'])}: rank "
            f"{row['influence_rank']} for {brand}, {row['stance']}{role}; "
            f"{shared_figures.fmt_count(row['reach'])} followers, {row['mentions']:,} mentions over "
            f"{row['active_weeks']} weeks, {row['engagement_received']:,} engagements received. "
            f"Latest {len(df):,} mentions:")
    return html.Span(text, id="influencers-profile-text"), shared_figures.grid_rows(df)


@callback(Output("influencers-download", "data"), Input("influencers-export", "n_clicks"),
          State("influencers-brand", "value"), State("influencers-role", "value"), prevent_initial_call=True)
def export(_clicks, brand, role):
    """The whole list shown (not the pages the grid holds), as CSV."""
    role = inputs.one_of(role, queries.INFLUENCER_ROLES, "all")
    with snapshot() as con:
        brand = _brand(con, brand)
        df = queries.influencers(con, brand, role)
    return dcc.send_data_frame(df.to_csv, "groundswell-influencers.csv", index=False)
