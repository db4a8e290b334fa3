"""X API v2 reader: each brand account's timeline and mentions, as the raw contract expects.

Pages are requested with the expansions and fields ``groundswell.land.sources.x``
reads (authors and media from ``includes``) and walked with
``meta.next_token`` → ``pagination_token``.  The cursor of an account's
endpoint is the newest tweet id seen; X's ``since_id`` is exclusive, so an
incremental run asks for exactly the tweets after it.

An interval run also walks the timeline a second time, for the account's own
posts created in the trailing window before the interval (``refresh_from``),
with ``exclude=replies,retweets``: their ``public_metrics`` keep growing for
weeks, and replies and retweets are not posts of the brand's (the posts mart
leaves them out), so they are not paid for again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

from groundswell.land.readers.http import ApiClient, Credentials, Page, ReaderError, RetryPolicy

DEFAULT_BASE_URL = "https://api.x.com/2"
BASE_URL_ENV = "GROUNDSWELL_X_API_URL"
CREDENTIALS = Credentials(api="X API", env_var="GROUNDSWELL_X_BEARER_TOKEN", conn_id="groundswell_x")

# Endpoint name (used in file names and cursor keys) → path under the base URL.
ENDPOINTS = {"timeline": "users/{id}/tweets", "mentions": "users/{id}/mentions"}
# The brand's own posts, fetched again for their metrics; mentions are other people's tweets.
REFRESHED = ("timeline",)
REFRESH_EXCLUDE = "replies,retweets"
PAGE_SIZE = 100  # the most both endpoints give per page
FOLLOWERS_PAGE_SIZE = 1000  # the most the followers endpoint gives per page

QUERY = {
    "max_results": PAGE_SIZE,
    "expansions": "author_id,attachments.media_keys",
    "tweet.fields": "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,"
                    "entities,lang",
    "user.fields": "username,name,public_metrics",
    "media.fields": "type",
}


def rfc3339(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _walk(client: ApiClient, url: str, params: dict[str, str | int], what: str) -> Iterator[Page]:
    """Every page of one X v2 endpoint: ``meta.next_token`` → ``pagination_token``."""
    while True:
        page = client.get(url, params)
        if "data" not in page.doc and page.doc.get("errors"):
            # X answers 200 with only "errors" for e.g. an unknown or suspended user.
            error = page.doc["errors"][0]
            raise ReaderError(
                f"X API could not read {what} ({page.url}): "
                f"{error.get('title', '')}: {error.get('detail') or error.get('message')}; "
                "check the x account ids in dbt/seeds/brand_accounts.csv"
            )
        yield page
        next_token = page.doc.get("meta", {}).get("next_token")
        if not next_token:
            return
        params["pagination_token"] = next_token


class XReader:
    name = "x"
    source_key = "x-tweets"
    platform = "x"  # rows of dbt/seeds/brand_accounts.csv this reader fetches
    endpoints = tuple(ENDPOINTS)
    refreshed_endpoints = REFRESHED

    def connect(self, policy: RetryPolicy | None = None) -> ApiClient:
        base = os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
        return ApiClient(base, CREDENTIALS.token(), CREDENTIALS, policy)

    def pages(self, client: ApiClient, account_id: str, endpoint: str, *, cursor: str | None = None,
              start: datetime | None = None, end: datetime | None = None,
              refresh_from: datetime | None = None) -> Iterator[Page]:
        """Every page of one endpoint of one account, newest first.

        ``cursor`` (a tweet id) asks for newer tweets only; ``start``/``end``
        bound ``created_at`` (start inclusive, end exclusive, as X does).
        ``refresh_from`` (with ``start``): then the account's own posts created in
        ``[refresh_from, start)`` again, without replies and retweets.
        """
        url = client.url(ENDPOINTS[endpoint].format(id=account_id))
        params: dict[str, str | int] = dict(QUERY)
        if cursor:
            params["since_id"] = cursor
        if start is not None:
            params["start_time"] = rfc3339(start)
        if end is not None:
            params["end_time"] = rfc3339(end)
        yield from _walk(client, url, params, f"{endpoint} of user {account_id}")
        if refresh_from is not None and start is not None and refresh_from < start:
            older: dict[str, str | int] = dict(QUERY, exclude=REFRESH_EXCLUDE,
                                               start_time=rfc3339(refresh_from), end_time=rfc3339(start))
            yield from _walk(client, url, older, f"the earlier posts of user {account_id}")

    @staticmethod
    def advance(cursor: str | None, page: Page) -> str | None:
        """The newer of ``cursor`` and the newest tweet id on ``page`` (ids grow with time)."""
        ids = [int(t["id"]) for t in page.records if str(t.get("id", "")).isdigit()]
        if cursor:
            ids.append(int(cursor))
        return str(max(ids)) if ids else None


READER = XReader()


class XFollowersReader:
    """Each brand account's follower list (``GET /2/users/:id/followers``), whole, every run.

    A follower list has no time to page by: every run is a snapshot of it, so the cursor never
    moves and an interval run fetches the list as it is when it runs. The response says neither
    whose list it is nor when: the page's file name does (``followers-<user id>-<run stamp>-pNNN``,
    the stamp being the interval's start for an interval run).
    """

    name = "x-followers"
    source_key = "x-followers"
    platform = "x"
    endpoints = ("followers",)
    refreshed_endpoints = ()
    connect = XReader.connect

    @staticmethod
    def file_label(account) -> str:
        return account.account_id

    def pages(self, client: ApiClient, account_id: str, endpoint: str, *, cursor: str | None = None,
              start: datetime | None = None, end: datetime | None = None,
              refresh_from: datetime | None = None) -> Iterator[Page]:
        url = client.url(f"users/{account_id}/followers")
        params: dict[str, str | int] = {"max_results": FOLLOWERS_PAGE_SIZE, "user.fields": "public_metrics"}
        yield from _walk(client, url, params, f"the followers of user {account_id}")

    @staticmethod
    def advance(cursor: str | None, page: Page) -> str | None:
        return None


FOLLOWERS_READER = XFollowersReader()
