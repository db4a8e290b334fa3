"""Serve: what people receive (the dashboards' server and logins, alerts, the weekly digest)."""
