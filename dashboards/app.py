"""The Dash app: a shell with navigation; each page registers itself (pages/)."""

from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

HERE = Path(__file__).resolve().parent


def create_app() -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),  # Bootstrap's CSS is served from here, not a CDN
        title="groundswell",
        suppress_callback_exceptions=True,
    )
    app.layout = dbc.Container(
        [
            # In the order of the executive's questions (docs: Overview, is social paying off,
            # do we answer, how mature are we, then listening, content, influencers, data health):
            # each page's `order` in its register_page.
            dbc.NavbarSimple(
                [dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"]))
                 for page in dash.page_registry.values()],
                brand="groundswell",
                brand_href="/",
                color="dark",
                dark=True,
                className="mb-3",
            ),
            html.Main(dash.page_container),
        ],
        fluid=True,
    )
    return app
