"""Serving the Dash app: gunicorn in front, an optional login, the snapshot read-only."""

from __future__ import annotations

import base64
import hmac

from flask import Flask, Response, request

from groundswell.config import Settings


def require_login(server: Flask, user: str, password: str) -> None:
    """HTTP Basic authentication on every request (the health check excepted)."""

    expected = f"{user}:{password}".encode()

    @server.before_request
    def _check():
        if request.path == "/healthz":
            return None
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                given = base64.b64decode(header[6:], validate=True)
            except ValueError:
                given = b""
            if hmac.compare_digest(given, expected):
                return None
        return Response("login required", 401,
                        {"WWW-Authenticate": 'Basic realm="groundswell", charset="UTF-8"'})


def create_server(settings: Settings, demo_mode: bool) -> Flask:
    from dashboards.app import create_app

    app = create_app()
    server: Flask = app.server

    @server.get("/healthz")
    def healthz():
        return {"status": "ok", "snapshot": settings.published_path.exists()}

    if not demo_mode:
        require_login(server, settings.dashboard_user, settings.dashboard_password or "")
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
