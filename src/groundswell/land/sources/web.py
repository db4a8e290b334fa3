"""Web analytics: sessions on the corporate site and the community, with UTM tags.

The hub and spoke path of seed 002 (public social → corporate site → private
community) shows in sessions: a social click arrives tagged
``utm_source=x|facebook|instagram|linkedin|youtube``; a session whose landing
page is under ``/community`` is a community visit.  Files are CSV exports of
one row per session, as a GA4 BigQuery export flattened by
``session_id`` (``user_pseudo_id`` + ``ga_session_id``) or an Adobe/Matomo
sessions report.
"""

from __future__ import annotations

from groundswell.land.sources.base import Field, Source

SESSIONS = Source(
    key="web-sessions",
    family="web",
    entity="sessions",
    description="Site and community sessions with UTM source/medium/campaign, referrer, landing page "
    "and conversions.",
    shape="web analytics sessions export (CSV, header row): GA4 BigQuery export flattened per session",
    file_pattern="*.csv",
    format="csv",
    natural_key=("session_id",),
    fields=(
        Field("session_id", "VARCHAR", required=True),
        Field("user_pseudo_id", "VARCHAR", doc="the analytics cookie id"),
        Field("email_sha256", "VARCHAR",
              doc="SHA-256 of the logged-in user's lower-cased e-mail, when logged in"),
        Field("started_at", "TIMESTAMP", required=True),
        Field("landing_page", "VARCHAR", doc="path of the first page, e.g. /community/t/123"),
        Field("referrer", "VARCHAR"),
        Field("utm_source", "VARCHAR", doc="x, facebook, instagram, linkedin, youtube, newsletter, ..."),
        Field("utm_medium", "VARCHAR", doc="social, paid_social, email, cpc, ..."),
        Field("utm_campaign", "VARCHAR"),
        Field("utm_content", "VARCHAR"),
        Field("device_category", "VARCHAR", choices=("desktop", "mobile", "tablet", "smart tv", "other")),
        Field("country", "VARCHAR"),
        Field("pageviews", "INTEGER"),
        Field("engaged_seconds", "INTEGER"),
        Field("conversions", "INTEGER", doc="key events in the session (sign-up, purchase, lead form)"),
        Field("conversion_value", "DECIMAL(18,2)", doc="value of those events"),
    ),
)
