"""The Dash app: a shell with navigation over the domains' pages.

Each domain is a package with its page, queries and figures (``dashboards/<domain>/``); its
``page`` module registers itself with Dash (``dash.register_page``) when :func:`create_app` imports
it.  Every app imports them afresh: Dash hands the callbacks a module registers to the first app
that serves, so a second app in one process (tests) needs them registered again."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

HERE = Path(__file__).resolve().parent
#: The domains with a page, in no particular order (the navigation follows each page's ``order``).
DOMAINS = ("overview", "roi", "care", "maturity", "listening", "content", "influencers", "health")


def create_app() -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",  # the pages are the domains' page modules, imported below
        assets_folder=str(HERE / "assets"),  # Bootstrap's CSS is served from here, not a CDN
        title="groundswell",
        suppress_callback_exceptions=True,
    )
    for domain in DOMAINS:
        name = f"dashboards.{domain}.page"
        module = importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
        # What Dash does for a pages folder's module: its `layout` serves the page.
        dash.page_registry[name]["layout"] = module.layout
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
