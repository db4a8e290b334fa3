"""Facebook Graph API reader: the posts of each brand Page, as ``sources.facebook`` expects.

Pages are walked by following ``paging.next`` (it carries the fields, limit
and cursor Graph chose), or by the ``after`` cursor when ``next`` points away
from the API's host (the token is only ever sent to that host).  The cursor of
a Page is the newest ``created_time`` seen; ``since`` is given in epoch
seconds and is inclusive, so an incremental run fetches the newest post of the
last run again (never one less): staging keeps the latest landing of a post.

An interval run asks from ``refresh_from`` on, the start of the trailing
window before the interval: a Page's feed holds only its own posts, whose
reactions, comments, shares and insights keep growing for weeks, so every
post of the window is fetched again with its current counts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

from groundswell.land.readers.http import ApiClient, Credentials, Page, ReaderError, RetryPolicy

DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0"
BASE_URL_ENV = "GROUNDSWELL_FACEBOOK_GRAPH_URL"
CREDENTIALS = Credentials(api="Facebook Graph API", env_var="GROUNDSWELL_FACEBOOK_ACCESS_TOKEN",
                          conn_id="groundswell_facebook")

FIELDS = ("id,message,created_time,status_type,permalink_url,from,shares,"
          "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),"
          "insights.metric(post_impressions,post_impressions_unique,post_clicks)")
# Graph's default page size: posts with nested insights are expensive, and larger limits are
# answered with "Please reduce the amount of data you're asking for".
PAGE_SIZE = 25


def created_time(value: str) -> datetime:
    """Graph's ``2026-10-31T21:05:10+0000``."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def epoch(ts: datetime) -> int:
    return int(ts.astimezone(UTC).timestamp())


class FacebookReader:
    name = "facebook"
    source_key = "facebook-posts"
    platform = "facebook"  # rows of dbt/seeds/brand_accounts.csv this reader fetches
    endpoints = ("posts",)
    refreshed_endpoints = ("posts",)  # the Page's own posts: all of them

    def connect(self, policy: RetryPolicy | None = None) -> ApiClient:
        base = os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
        return ApiClient(base, CREDENTIALS.token(), CREDENTIALS, policy)

    def pages(self, client: ApiClient, account_id: str, endpoint: str, *, cursor: str | None = None,
              start: datetime | None = None, end: datetime | None = None,
              refresh_from: datetime | None = None) -> Iterator[Page]:
        """Every page of a Page's posts, newest first.

        ``cursor`` (a ``created_time``) asks for posts from then on; ``start``/``end``
        become ``since``/``until``; ``refresh_from`` (with ``start``), when earlier, is
        ``since`` instead: the posts of ``[refresh_from, start)`` come again too.
        """
        posts_url = client.url(f"{account_id}/posts")
        query: dict[str, str | int] = {"fields": FIELDS, "limit": PAGE_SIZE}
        if cursor:
            query["since"] = epoch(created_time(cursor))
        if start is not None:
            query["since"] = epoch(min(start, refresh_from) if refresh_from is not None else start)
        if end is not None:
            query["until"] = epoch(end)
        url: str = posts_url
        params: dict[str, str | int] | None = query
        while True:
            page = client.get(url, params)
            if not isinstance(page.doc.get("data"), list):
                raise ReaderError(f"Facebook Graph API answered {page.url} without a data list: "
                                  f"{page.body[:200]!r}")
            yield page
            paging = page.doc.get("paging") or {}
            next_url = paging.get("next")
            if not next_url:
                return  # Graph leaves out "next" on the last page
            if client.same_origin(next_url):
                url, params = next_url, None  # the link already holds every parameter
                continue
            after = (paging.get("cursors") or {}).get("after")
            if not after:
                raise ReaderError(f"Facebook Graph API paging.next of {page.url} points to another "
                                  "host and gives no after cursor: cannot page on safely")
            url, params = posts_url, query | {"after": after}

    @staticmethod
    def advance(cursor: str | None, page: Page) -> str | None:
        """The later of ``cursor`` and the newest ``created_time`` on ``page``."""
        times = [cursor] if cursor else []
        for post in page.records:
            try:
                created_time(post.get("created_time", ""))
            except (TypeError, ValueError):
                continue  # landing quarantines it; it must not move the cursor
            times.append(post["created_time"])
        return max(times, key=created_time) if times else None


READER = FacebookReader()
