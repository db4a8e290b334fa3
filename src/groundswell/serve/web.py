"""Serving the Dash app: gunicorn in front, an optional login, the snapshot read-only."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from flask import Flask, Response, request

from groundswell.config import ConfigError, Settings
from groundswell.serve.auth import ANALYST, NO_USERS, Authenticator, load_users

#: The only path an anonymous request may reach. Everything else, static assets included (Dash's
#: component bundles and /assets/: no data, but nothing is gained by serving them anonymously and
#: the browser resends the Basic credentials anyway), answers 401 without a login.
PUBLIC_PATHS = frozenset({"/healthz"})

_CHALLENGE = {"WWW-Authenticate": 'Basic realm="groundswell", charset="UTF-8"'}


def _credentials(header: str) -> tuple[str, str] | None:
    """(user, password) of an HTTP Basic header, None when it is missing or malformed."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    user, colon, password = decoded.partition(":")
    return (user, password) if colon and user else None


#: Dash's routing callback renders the page of this dcc.Location's pathname and search.
PAGES_LOCATION = "_pages_location"


def malformed_callback(body: object, callbacks: Mapping[str, object], prefix: str = "/") -> str | None:
    """Why a ``/_dash-update-component`` request is not one Dash's renderer can send (None: it can).

    Only what the pages cannot check themselves: the envelope (a JSON object naming a callback the
    server runs, its inputs and state as lists), and the location given to Dash's own routing
    callback, which reads ``pathname`` and ``search`` as strings and the pathname under the app's
    ``prefix`` (the browser's window.location, within the app: always so). What a page callback's
    inputs hold is the page's business (dashboards/inputs.py).
    """
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    entry = callbacks.get(output) if isinstance(output, str) else None
    if not isinstance(entry, dict) or "callback" not in entry:  # a clientside one: listed, no function
        return "no callback of this server updates this output (a clientside one runs in the browser)"
    for key in ("inputs", "state", "outputs", "changedPropIds"):
        allowed = (list, dict) if key == "outputs" else (list,)  # one output: a dict
        if not isinstance(body.get(key, []), allowed):
            return f"{key} is not a list"
    for item in [*body.get("inputs", []), *body.get("state", [])]:
        for dep in item if isinstance(item, list) else [item]:  # pattern-matching inputs are lists
            if not isinstance(dep, dict) or "id" not in dep or not isinstance(dep.get("property"), str):
                return "an input is not {id, property, value}"
            if dep["id"] == PAGES_LOCATION and dep["property"] in ("pathname", "search") \
                    and not isinstance(dep.get("value"), str):
                return f"the location's {dep['property']} is not a string"
            if dep["id"] == PAGES_LOCATION and dep["property"] == "pathname" \
                    and not dep["value"].startswith(prefix):
                return f"the location's pathname is not under {prefix}"
    if not all(isinstance(prop, str) for prop in body.get("changedPropIds", [])):
        return "changedPropIds are not strings"
    return None


def refuse_malformed_callbacks(server: Flask, callbacks: Mapping[str, object], prefix: str = "/") -> None:
    """400 Bad Request for a callback request no browser sends (``malformed_callback``), rather
    than Dash's own 500 (a KeyError or TypeError deep in Dash). docs/operations.md, "Security"."""

    @server.before_request
    def _check_callback():
        if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
            return None
        problem = malformed_callback(request.get_json(silent=True), callbacks, prefix)
        if problem is None:
            return None
        return Response(f"bad callback request: {problem}\n", 400, mimetype="text/plain")


def require_login(server: Flask, authenticator: Authenticator) -> None:
    """HTTP Basic authentication on every request but PUBLIC_PATHS; the user's business units
    become the request's scope (dashboards/access.py), which every page query goes through, and
    the user's role decides whether the request may correct labels (groundswell.serve.auth)."""
    from dashboards import access

    @server.before_request
    def _check():
        if request.path in PUBLIC_PATHS:
            return None
        given = _credentials(request.headers.get("Authorization", ""))
        user = authenticator.check(*given) if given else None
        if user is None:
            return Response("login required", 401, _CHALLENGE)
        access.set_scope(user.business_units, user.name, user.role)
        return None


def create_server(settings: Settings, demo_mode: bool) -> Flask:
    """The Flask server of the dashboards. Outside --demo it refuses to exist without a login."""
    from dashboards import access
    from dashboards.app import create_app

    authenticator = None
    if not demo_mode:
        users = load_users(settings)
        if not users:
            raise ConfigError(NO_USERS)
        authenticator = Authenticator(users)

    app = create_app()
    server: Flask = app.server

    @server.get("/healthz")
    def healthz():
        return {"status": "ok", "snapshot": settings.published_path.exists()}

    if authenticator is None:
        @server.before_request
        def _demo_scope():
            # --demo: no login, every unit; a local demo shows the corrections too (docs/operations.md)
            access.set_scope(None, "demo", ANALYST)
    else:
        require_login(server, authenticator)
    # after the login: an anonymous request gets 401 first, whatever it holds
    refuse_malformed_callbacks(server, app.callback_map, app.config.requests_pathname_prefix)
    return server


def run_server(settings: Settings, host: str, port: int, demo_mode: bool, workers: int = 2) -> None:
    from gunicorn.app.base import BaseApplication

    server = create_server(settings, demo_mode)

    class _App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("timeout", 60)
            self.cfg.set("accesslog", str(settings.logs_dir / "dashboards-access.log"))
            # One socket per user in ~/.gunicorn would collide between two servers.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            return server

    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    _App().run()
