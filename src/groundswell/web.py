"""Serving the Dash app: gunicorn in front, an optional login, the snapshot read-only."""

from __future__ import annotations

import base64
import binascii

from flask import Flask, Response, request

from groundswell.auth import NO_USERS, Authenticator, load_users
from groundswell.config import ConfigError, Settings

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


def require_login(server: Flask, authenticator: Authenticator) -> None:
    """HTTP Basic authentication on every request but PUBLIC_PATHS; the user's business units
    become the request's scope (dashboards/access.py), which every page query goes through."""
    from dashboards import access

    @server.before_request
    def _check():
        if request.path in PUBLIC_PATHS:
            return None
        given = _credentials(request.headers.get("Authorization", ""))
        user = authenticator.check(*given) if given else None
        if user is None:
            return Response("login required", 401, _CHALLENGE)
        access.set_scope(user.business_units, user.name)
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
            access.set_scope(None, "demo")  # --demo: no login, every unit
    else:
        require_login(server, authenticator)
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
