"""A local stand-in for the X API v2 and the Graph API, for tests and offline demos.

``ReplayServer`` listens on 127.0.0.1 and answers the two endpoints families
the readers call, in the real shapes, from an in-memory set of tweets and
posts (:class:`ReplayData`, e.g. the demo generator's data):

- X: ``GET /2/users/{id}/tweets`` and ``/mentions``, newest first, with
  ``max_results`` (5-100), ``pagination_token``/``meta.next_token``,
  ``since_id``, ``start_time`` (inclusive), ``end_time`` (exclusive),
  ``exclude=replies,retweets`` (the timeline only, as X has it);
  ``includes.users``/``includes.media`` per page for the tweets on it; only
  the requested ``tweet.fields``/``expansions``; ``{"meta": {"result_count": 0}}``
  and no ``data`` when nothing matches, as X does.
- X: ``GET /2/users/{id}/followers``, newest follower first, ``max_results``
  (1-1000, default 100), ``pagination_token``/``meta.next_token``, only the
  requested ``user.fields``.
- Graph: ``GET /v21.0/{page-id}/posts``, newest first, with ``limit``,
  ``paging.cursors`` and an absolute ``paging.next``, ``since`` (inclusive)
  and ``until`` (exclusive) in epoch seconds, only the requested ``fields``.

It checks the bearer token (X: HTTP 401 problem body; Graph: code 190) and
plays scripted faults (:class:`Fault`) on the Nth request: 429 with
``x-rate-limit-reset`` or ``Retry-After``, 5xx, Graph's rate-limit error, or a
200 page cut off mid-body.  Every request is recorded, and so is every record
it served, so tests can assert what the readers asked for and received.

``page_cap`` makes it return fewer records than asked for, as both APIs may:
a reader must keep paging until the API says it is done.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

log = logging.getLogger(__name__)

X_TOKEN = "replay-x-token"
FACEBOOK_TOKEN = "replay-facebook-token"
X_DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
GRAPH_DEFAULT_POST_FIELDS = ("id", "created_time", "message")

Json = dict[str, Any]


def _dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def x_time(value: str) -> datetime | None:
    """``2026-10-31T21:05:10.123Z`` (or any ISO time); None when it is not one."""
    try:
        ts = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


def graph_time(value: str) -> datetime | None:
    """``2026-10-31T21:05:10+0000``; None when it is not one."""
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except (TypeError, ValueError):
        return None


# -- data ---------------------------------------------------------------------------------------

@dataclass
class ReplayData:
    """What the server knows: tweets by (endpoint, user id), users, media, posts by page id."""

    tweets: dict[tuple[str, str], dict[str, Json]] = field(default_factory=dict)
    users: dict[str, Json] = field(default_factory=dict)
    media: dict[str, Json] = field(default_factory=dict)
    posts: dict[str, dict[str, Json]] = field(default_factory=dict)
    followers: dict[str, list[Json]] = field(default_factory=dict)  # user id → users, newest first

    def add_x_page(self, endpoint: str, user_id: str, page: Json) -> int:
        """The tweets of an X v2 page (with its includes) under ``endpoint`` of ``user_id``."""
        for user in page.get("includes", {}).get("users", []):
            self.users[user["id"]] = user
        for item in page.get("includes", {}).get("media", []):
            self.media[item["media_key"]] = item
        added = 0
        for tweet in page.get("data", []):
            if x_time(tweet.get("created_at", "")) is None:
                continue  # the demo's deliberately malformed record: X never sends one
            self.add_tweet(endpoint, user_id, tweet)
            added += 1
        return added

    def add_tweet(self, endpoint: str, user_id: str, tweet: Json, author: Json | None = None) -> None:
        self.tweets.setdefault((endpoint, user_id), {})[tweet["id"]] = tweet
        if author:
            self.users[author["id"]] = author

    def add_graph_page(self, page_id: str, page: Json) -> int:
        added = 0
        for post in page.get("data", []):
            if graph_time(post.get("created_time", "")) is not None:
                self.add_post(page_id, post)
                added += 1
        return added

    def add_post(self, page_id: str, post: Json) -> None:
        self.posts.setdefault(page_id, {})[post["id"]] = post

    def tweet_count(self) -> int:
        return sum(len(t) for t in self.tweets.values())

    def post_count(self) -> int:
        return sum(len(p) for p in self.posts.values())

    @classmethod
    def from_demo(cls, scale: str = "tiny", seed: int | None = None,
                  end_date: date | None = None) -> ReplayData:
        """The demo generator's tweets and posts (its files are API pages already)."""
        from groundswell.land.demo.brands import BRANDS
        from groundswell.land.demo.generator import DEFAULT_END_DATE, DEFAULT_SEED, generate

        user_of = {b.x_handle: b.x_user_id for b in BRANDS}
        data = cls()
        with tempfile.TemporaryDirectory(prefix="groundswell-replay-") as tmp:
            landing = Path(tmp)
            generate(landing, seed=DEFAULT_SEED if seed is None else seed, scale=scale,
                     end_date=end_date or DEFAULT_END_DATE)
            for path in sorted((landing / "x" / "tweets").rglob("*.json")):
                endpoint, handle = path.name.split("-")[:2]  # timeline-NorthwindAir-p1.json
                data.add_x_page(endpoint, user_of[handle], json.loads(path.read_text(encoding="utf-8")))
            # the latest snapshot of each account's follower list (dt= folders sort by date)
            snapshots: dict[str, list[Path]] = {}
            for path in sorted((landing / "x" / "followers").rglob("*.json")):
                user_id = path.name.split("-")[1]  # followers-1100000000000000001-20261031T120000-p001.json
                if snapshots.get(user_id) and snapshots[user_id][0].parent != path.parent:
                    snapshots[user_id] = []
                snapshots.setdefault(user_id, []).append(path)
            for user_id, paths in snapshots.items():
                data.followers[user_id] = [u for p in paths
                                           for u in json.loads(p.read_text(encoding="utf-8"))["data"]]
            for path in sorted((landing / "facebook" / "posts").rglob("*.json")):
                page_id = path.name.split("-")[1]  # page-104000000000001-p1.json
                data.add_graph_page(page_id, json.loads(path.read_text(encoding="utf-8")))
        return data


# -- faults and records -------------------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    """A scripted answer instead of the real one (``truncate``: the real page, cut in half)."""

    status: int = 500
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    truncate: bool = False

    @classmethod
    def x_rate_limit(cls, reset_at: int) -> Fault:
        """X's 429 with the window's reset as epoch seconds."""
        return cls(429, _dumps({"title": "Too Many Requests", "detail": "Too Many Requests",
                                "type": "about:blank", "status": 429}),
                   (("x-rate-limit-limit", "900"), ("x-rate-limit-remaining", "0"),
                    ("x-rate-limit-reset", str(reset_at))))

    @classmethod
    def retry_after(cls, seconds: int, status: int = 429) -> Fault:
        return cls(status, _dumps({"title": "Too Many Requests", "status": status}),
                   (("Retry-After", str(seconds)),))

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        if status == 503:
            return cls(503, _dumps({"title": "Service Unavailable", "detail": "Service Unavailable",
                                    "type": "about:blank", "status": 503}))
        return cls(status, b"<html><body>Internal Server Error</body></html>",
                   (("Content-Type", "text/html"),))

    @classmethod
    def graph_rate_limit(cls, code: int = 4, status: int = 403) -> Fault:
        message = {4: "(#4) Application request limit reached",
                   17: "(#17) User request limit reached",
                   32: "(#32) Page request limit reached"}.get(code, f"(#{code}) Rate limit reached")
        return cls(status, _dumps({"error": {"message": message, "type": "OAuthException", "code": code,
                                             "fbtrace_id": "AbCdEfGhIjKlMnOp"}}))

    @classmethod
    def truncated(cls) -> Fault:
        return cls(200, truncate=True)


@dataclass(frozen=True)
class RecordedRequest:
    n: int  # 1-based order of arrival
    path: str
    params: dict[str, str]
    authorization: str | None
    status: int


# -- the server ---------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs
    server: _HTTPServer

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        status, body, headers = self.server.replay.answer(self.path, self.headers.get("Authorization"))
        self.send_response(status)
        headers = dict(headers)
        headers.setdefault("Content-Type", "application/json; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.debug("replay: " + format, *args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    replay: ReplayServer


class ReplayServer:
    """Context manager: ``with ReplayServer(ReplayData.from_demo()) as api: api.x_url ...``."""

    def __init__(self, data: ReplayData | None = None, *, port: int = 0, x_token: str = X_TOKEN,
                 facebook_token: str = FACEBOOK_TOKEN, page_cap: int | None = None) -> None:
        self.data = data or ReplayData()
        self.x_token = x_token
        self.facebook_token = facebook_token
        self.page_cap = page_cap
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._served: list[str] = []
        self._faults: dict[int, Fault] = {}
        self._fault_from: tuple[int, Fault] | None = None
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.replay = self
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="groundswell-replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def x_url(self) -> str:
        return f"{self.url}/2"

    @property
    def graph_url(self) -> str:
        return f"{self.url}/v21.0"

    def env(self) -> dict[str, str]:
        """Environment pointing the readers at this server, with its tokens."""
        return {"GROUNDSWELL_X_API_URL": self.x_url, "GROUNDSWELL_X_BEARER_TOKEN": self.x_token,
                "GROUNDSWELL_FACEBOOK_GRAPH_URL": self.graph_url,
                "GROUNDSWELL_FACEBOOK_ACCESS_TOKEN": self.facebook_token}

    # scripting and inspection
    def add_fault(self, fault: Fault, at: int, times: int | None = 1) -> None:
        """Answer requests ``at``, ``at + 1``, ... (``times`` of them; None: all from then on)."""
        with self._lock:
            if times is None:
                self._fault_from = (at, fault)
            else:
                for n in range(at, at + times):
                    self._faults[n] = fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._fault_from = None

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def served(self) -> list[str]:
        """Ids of the records in every complete page answered, in order (repeats included)."""
        with self._lock:
            return list(self._served)

    # answering
    def answer(self, raw_path: str, authorization: str | None) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(raw_path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            n = len(self._requests) + 1
            fault = self._faults.pop(n, None)
            if fault is None and self._fault_from and n >= self._fault_from[0]:
                fault = self._fault_from[1]
            if fault and not fault.truncate:
                status, body, headers, ids = fault.status, fault.body, dict(fault.headers), []
            else:
                status, doc, headers = self._route(parts.path, params, authorization)
                body = _dumps(doc)
                ids = [r["id"] for r in doc.get("data", [])] if status == 200 else []
                if fault:  # truncate: the real page, cut off mid-body
                    body, ids = body[: len(body) // 2], []
            self._requests.append(RecordedRequest(n, parts.path, params, authorization, status))
            self._served.extend(ids)
        return status, body, headers

    def _route(self, path: str, params: dict[str, str], authorization: str | None
               ) -> tuple[int, Json, dict[str, str]]:
        if m := re.fullmatch(r"/2/users/(\d+)/(tweets|mentions)", path):
            if authorization != f"Bearer {self.x_token}":
                return 401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                             "detail": "Unauthorized"}, {}
            endpoint = "timeline" if m[2] == "tweets" else "mentions"
            return self._x_page(endpoint, m[1], params)
        if m := re.fullmatch(r"/2/users/(\d+)/followers", path):
            if authorization != f"Bearer {self.x_token}":
                return 401, {"title": "Unauthorized", "type": "about:blank", "status": 401,
                             "detail": "Unauthorized"}, {}
            return self._x_followers_page(m[1], params)
        if m := re.fullmatch(r"/v\d+\.\d+/(\d+)/posts", path):
            token = params.get("access_token") or (authorization or "").removeprefix("Bearer ")
            if token != self.facebook_token:
                return 400, {"error": {"message": "Invalid OAuth access token - Cannot parse access token",
                                       "type": "OAuthException", "code": 190,
                                       "fbtrace_id": "AzYxWvUtSrQpOnMl"}}, {}
            return self._graph_page(m[1], path, params)
        return 404, {"title": "Not Found Error", "detail": f"no route for {path}", "status": 404}, {}

    # X API v2
    def _x_page(self, endpoint: str, user_id: str, params: dict[str, str]) -> tuple[int, Json, dict]:
        if user_id not in {user for _, user in self.data.tweets}:
            return 200, {"errors": [{
                "value": user_id, "detail": f"Could not find user with id: [{user_id}].",
                "title": "Not Found Error", "resource_type": "user", "parameter": "id",
                "resource_id": user_id, "type": "https://api.twitter.com/2/problems/resource-not-found"}]}, {}
        try:
            max_results = int(params.get("max_results", "10"))
            if not 5 <= max_results <= 100:
                raise ValueError(max_results)
            since_id = int(params["since_id"]) if "since_id" in params else None
            before_id = _decode_x_token(params["pagination_token"]) if "pagination_token" in params else None
            start = _param_time(params, "start_time")
            end = _param_time(params, "end_time")
            exclude = {e for e in params.get("exclude", "").split(",") if e}
            if exclude and (endpoint != "timeline" or not exclude <= {"replies", "retweets"}):
                raise ValueError(f"exclude={params['exclude']!r}")
        except (ValueError, KeyError) as exc:
            return 400, {"errors": [{"message": f"invalid parameter: {exc}"}], "title": "Invalid Request",
                         "detail": "One or more parameters to your request was invalid.",
                         "type": "https://api.twitter.com/2/problems/invalid-request"}, {}

        def wanted(t: Json) -> bool:
            tid, created = int(t["id"]), x_time(t["created_at"])
            kinds = {r.get("type") for r in t.get("referenced_tweets") or []}
            return ((since_id is None or tid > since_id) and (before_id is None or tid < before_id)
                    and (start is None or created >= start) and (end is None or created < end)
                    and not ("replies" in exclude and ("replied_to" in kinds or t.get("in_reply_to_user_id")))
                    and not ("retweets" in exclude and "retweeted" in kinds))

        matching = sorted((t for t in self.data.tweets.get((endpoint, user_id), {}).values() if wanted(t)),
                          key=lambda t: int(t["id"]), reverse=True)
        chunk = matching[: min(max_results, self.page_cap or max_results)]
        if not chunk:
            return 200, {"meta": {"result_count": 0}}, {}
        expansions = set(params.get("expansions", "").split(","))
        tweet_fields = set(X_DEFAULT_TWEET_FIELDS) | set(params.get("tweet.fields", "").split(","))
        if "author_id" in expansions:
            tweet_fields.add("author_id")
        if "attachments.media_keys" in expansions:
            tweet_fields.add("attachments")
        page: Json = {"data": [{k: v for k, v in t.items() if k in tweet_fields} for t in chunk]}
        includes: Json = {}
        if "author_id" in expansions:
            fields = {"id", "name", "username"} | set(params.get("user.fields", "").split(","))
            authors = dict.fromkeys(t["author_id"] for t in chunk)
            includes["users"] = [{k: v for k, v in self.data.users[a].items() if k in fields}
                                 for a in authors if a in self.data.users]
        if "attachments.media_keys" in expansions:
            fields = {"media_key", "type"} | set(params.get("media.fields", "").split(","))
            keys = [k for t in chunk for k in t.get("attachments", {}).get("media_keys", [])]
            media = [{k: v for k, v in self.data.media[key].items() if k in fields}
                     for key in keys if key in self.data.media]
            if media:
                includes["media"] = media
        if includes:
            page["includes"] = includes
        page["meta"] = {"newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"], "result_count": len(chunk)}
        if len(matching) > len(chunk):
            page["meta"]["next_token"] = _encode_x_token(int(chunk[-1]["id"]))
        return 200, page, {}

    def _x_followers_page(self, user_id: str, params: dict[str, str]) -> tuple[int, Json, dict]:
        if user_id not in self.data.followers:
            return 200, {"errors": [{
                "value": user_id, "detail": f"Could not find user with id: [{user_id}].",
                "title": "Not Found Error", "resource_type": "user", "parameter": "id",
                "resource_id": user_id, "type": "https://api.twitter.com/2/problems/resource-not-found"}]}, {}
        try:
            max_results = int(params.get("max_results", "100"))
            if not 1 <= max_results <= 1000:
                raise ValueError(max_results)
            start = _decode_followers_token(params["pagination_token"]) if "pagination_token" in params else 0
        except (ValueError, KeyError) as exc:
            return 400, {"errors": [{"message": f"invalid parameter: {exc}"}], "title": "Invalid Request",
                         "detail": "One or more parameters to your request was invalid.",
                         "type": "https://api.twitter.com/2/problems/invalid-request"}, {}
        users = self.data.followers[user_id]
        chunk = users[start: start + min(max_results, self.page_cap or max_results)]
        if not chunk:
            return 200, {"meta": {"result_count": 0}}, {}
        fields = {"id", "name", "username"} | set(params.get("user.fields", "").split(","))
        page: Json = {"data": [{k: v for k, v in u.items() if k in fields} for u in chunk],
                      "meta": {"result_count": len(chunk)}}
        if start + len(chunk) < len(users):
            page["meta"]["next_token"] = _encode_followers_token(start + len(chunk))
        return 200, page, {}

    # Graph API
    def _graph_page(self, page_id: str, path: str, params: dict[str, str]) -> tuple[int, Json, dict]:
        if page_id not in self.data.posts:
            return 400, {"error": {
                "message": f"Unsupported get request. Object with ID '{page_id}' does not exist, cannot be "
                           "loaded due to missing permissions, or does not support this operation.",
                "type": "GraphMethodException", "code": 100, "error_subcode": 33,
                "fbtrace_id": "AqWeRtYuIoPaSdFg"}}, {}
        try:
            limit = min(100, int(params.get("limit", "25")))
            since = _graph_param_time(params.get("since"))
            until = _graph_param_time(params.get("until"))
            after = _decode_graph_cursor(params["after"]) if "after" in params else None
        except ValueError as exc:
            return 400, {"error": {"message": f"(#100) invalid parameter: {exc}", "type": "OAuthException",
                                   "code": 100, "fbtrace_id": "AzXsCdVfBgNhMjKl"}}, {}

        def key(p: Json) -> tuple[int, str]:
            return int(graph_time(p["created_time"]).timestamp()), p["id"]

        def wanted(p: Json) -> bool:
            created, _ = key(p)
            return ((since is None or created >= since) and (until is None or created < until)
                    and (after is None or key(p) < after))

        matching = sorted((p for p in self.data.posts[page_id].values() if wanted(p)), key=key, reverse=True)
        chunk = matching[: min(limit, self.page_cap or limit)]
        fields = set(GRAPH_DEFAULT_POST_FIELDS)
        if "fields" in params:
            fields = {"id"} | {re.match(r"[A-Za-z_]*", f.strip())[0] for f in _top_level(params["fields"])}
        page: Json = {"data": [{k: v for k, v in p.items() if k in fields} for p in chunk]}
        if chunk:
            paging: Json = {"cursors": {"before": _encode_graph_cursor(key(chunk[0])),
                                        "after": _encode_graph_cursor(key(chunk[-1]))}}
            if len(matching) > len(chunk):
                query = {k: v for k, v in params.items() if k != "after"}
                query["after"] = paging["cursors"]["after"]
                paging["next"] = f"{self.url}{path}?{urlencode(query)}"
            page["paging"] = paging
        return 200, page, {}


def _param_time(params: dict[str, str], name: str) -> datetime | None:
    if name not in params:
        return None
    ts = x_time(params[name])
    if ts is None:
        raise ValueError(f"{name}={params[name]!r} is not an RFC 3339 time")
    return ts


def _graph_param_time(value: str | None) -> int | None:
    """Graph takes epoch seconds (or a date): the epoch seconds it means."""
    if value is None:
        return None
    if value.lstrip("-").isdigit():
        return int(value)
    ts = x_time(value)
    if ts is None:
        raise ValueError(f"{value!r} is not a time")
    return int(ts.timestamp())


def _encode_x_token(before_id: int) -> str:
    return "7140dibd" + format(before_id, "x")


def _decode_x_token(token: str) -> int:
    if not token.startswith("7140dibd"):
        raise ValueError(f"pagination_token {token!r}")
    return int(token.removeprefix("7140dibd"), 16)


def _encode_followers_token(offset: int) -> str:
    return "F0LL" + format(offset, "x").upper()


def _decode_followers_token(token: str) -> int:
    if not token.startswith("F0LL"):
        raise ValueError(f"pagination_token {token!r}")
    return int(token.removeprefix("F0LL"), 16)


def _encode_graph_cursor(key: tuple[int, str]) -> str:
    return base64.urlsafe_b64encode(f"{key[0]}:{key[1]}".encode()).decode().rstrip("=")


def _decode_graph_cursor(cursor: str) -> tuple[int, str]:
    try:
        created, post_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":", 1)
        return int(created), post_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"after cursor {cursor!r}") from exc


def _top_level(fields: str) -> list[str]:
    """``a,b.summary(x,y),c{d,e}`` → ``["a", "b.summary(x,y)", "c{d,e}"]``."""
    parts, depth, current = [], 0, ""
    for ch in fields:
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p for p in [*parts, current] if p]
