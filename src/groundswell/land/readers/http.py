"""The HTTP side of the readers: one JSON GET with retries, back-off and clear errors.

Every API call goes through :meth:`ApiClient.get`, which returns a page only
when it is a complete JSON object; anything else is retried or raised:

- rate limits (HTTP 429; Graph's HTTP 400/403 with error code 4, 17, 32, 613
  or 80001) wait until the reset the API names (``x-rate-limit-reset`` epoch
  seconds, or ``Retry-After``), capped, else back off exponentially;
- transient failures (5xx, connection errors, a 200 whose body is not JSON,
  e.g. cut off mid-transfer) are retried a bounded number of times;
- everything else (bad token, missing permission, a bad request) raises a
  :class:`ReaderError` at once: retrying cannot fix it, the message says what can.

Tokens travel only in the ``Authorization`` header, never in a URL, so URLs
can be logged and put into error messages.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

log = logging.getLogger(__name__)

# Graph API error codes that mean "slow down" although the HTTP status is 400/403:
# 4 app-level, 17 user-level, 32 page-level, 613 custom, 80001 Pages business-use-case limit.
GRAPH_RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001})
GRAPH_INVALID_TOKEN = 190


class ReaderError(RuntimeError):
    """A reader could not fetch; the message names the URL or setting and what to do."""


class MissingCredentialsError(ReaderError):
    """Neither the env var nor the Airflow connection holds a token."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often a reader waits before giving up.

    ``sleep`` and ``clock`` are injectable so tests run without waiting and can
    assert the exact delay derived from a rate-limit reset.
    """

    max_retries: int = 4  # transient failures (5xx, network, non-JSON body) per request
    max_rate_limit_waits: int = 5  # rate-limit waits per request before giving up
    max_wait: float = 900.0  # cap on any single wait: X's rate-limit window is 15 minutes
    backoff: float = 2.0  # first back-off in seconds; doubles per retry
    timeout: float = 30.0  # seconds per request (connect: 10)
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    clock: Callable[[], float] = field(default=time.time, compare=False)

    def backoff_delay(self, attempt: int) -> float:
        """Exponential back-off with "equal jitter": half fixed, half random, capped."""
        delay = min(self.max_wait, self.backoff * 2 ** (attempt - 1))
        return delay / 2 + random.uniform(0, delay / 2)


@dataclass(frozen=True)
class Credentials:
    """Where a reader's token comes from: an env var first, else an Airflow connection."""

    api: str  # "X API", "Facebook Graph API": for messages
    env_var: str
    conn_id: str

    @property
    def hint(self) -> str:
        return (f"set {self.env_var} or the Airflow connection {self.conn_id} "
                "(token in its password field)")

    def token(self) -> str:
        token = os.environ.get(self.env_var, "").strip() or _airflow_connection_password(self.conn_id)
        if not token:
            raise MissingCredentialsError(f"no credentials for the {self.api}: {self.hint}")
        return token


def _airflow_connection_password(conn_id: str) -> str | None:
    """The password of an Airflow connection, or None when it is not defined.

    ``Connection.get`` of Airflow 3's task SDK works inside a task (through the
    supervisor) and outside one, where it reads ``AIRFLOW_CONN_<ID>`` (JSON or
    URI) and any configured secrets backend, so the CLI and tests use it too.
    Imported lazily: Airflow takes seconds to import and the env var usually wins.
    """
    try:
        from airflow.sdk import Connection
        from airflow.sdk.exceptions import AirflowNotFoundException
    except ImportError:  # pragma: no cover - airflow is a dependency; be explicit anyway
        return None
    try:
        conn = Connection.get(conn_id)
    except AirflowNotFoundException:
        return None
    except Exception as exc:  # a broken secrets backend: say which connection, not a bare trace
        raise ReaderError(f"could not read the Airflow connection {conn_id}: {exc}") from exc
    return (conn.password or "").strip() or None


def redact_url(url: str) -> str:
    """The URL with any ``access_token`` query value hidden, for logs and messages.

    The readers never put a token in a URL, but a ``paging.next`` link from an
    API may carry one it was given elsewhere.
    """
    parts = urlsplit(url)
    if "access_token" not in parts.query:
        return url
    query = [(k, "***" if k == "access_token" else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass(frozen=True)
class Page:
    """One API response page: the bytes as received (written unchanged) and their parse."""

    url: str  # redacted
    body: bytes
    doc: dict[str, Any]

    @property
    def records(self) -> list[dict[str, Any]]:
        data = self.doc.get("data")
        return data if isinstance(data, list) else []


class _Outcome(Enum):
    OK = "ok"
    RATE_LIMITED = "rate limited"
    TRANSIENT = "transient"
    AUTH = "auth"
    FATAL = "fatal"


def api_error(doc: object) -> tuple[int | None, str]:
    """(error code, message) from an X v2 or Graph error body; (None, "") when none."""
    if not isinstance(doc, dict):
        return None, ""
    error = doc.get("error")
    if isinstance(error, dict):  # Graph: {"error": {"message", "type", "code", "fbtrace_id"}}
        code = error.get("code")
        return (code if isinstance(code, int) else None), str(error.get("message", ""))
    if "title" in doc or "detail" in doc:  # X v2 problem: {"title", "detail", "type", "status"}
        return None, str(doc.get("detail") or doc.get("title"))
    errors = doc.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        code = first.get("code")
        return (code if isinstance(code, int) else None), str(first.get("message") or first.get("detail"))
    return None, ""


def _parse_object(body: bytes) -> dict[str, Any] | None:
    try:
        doc = json.loads(body)
    except ValueError:  # includes UnicodeDecodeError
        return None
    return doc if isinstance(doc, dict) else None


def _classify(status: int, doc: dict[str, Any] | None) -> _Outcome:
    code, _ = api_error(doc)
    if status == 200:
        return _Outcome.OK if doc is not None else _Outcome.TRANSIENT
    if status == 429 or (status in (400, 403) and code in GRAPH_RATE_LIMIT_CODES):
        return _Outcome.RATE_LIMITED
    if status >= 500 or (doc and isinstance(doc.get("error"), dict) and doc["error"].get("is_transient")):
        return _Outcome.TRANSIENT
    if status in (401, 403) or code == GRAPH_INVALID_TOKEN:
        return _Outcome.AUTH
    return _Outcome.FATAL


class ApiClient:
    """A sync ``httpx.Client`` bound to one API's base URL and bearer token."""

    def __init__(self, base_url: str, token: str, credentials: Credentials,
                 policy: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.policy = policy or RetryPolicy()
        self._http = httpx.Client(
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(self.policy.timeout, connect=10.0),
            follow_redirects=False,  # a redirect could carry the token elsewhere; APIs don't redirect
            transport=transport,
        )

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def same_origin(self, url: str) -> bool:
        """Whether ``url`` is on the API's host: only there may the token be sent."""
        a, b = urlsplit(url), urlsplit(self.base_url)
        return (a.scheme, a.netloc) == (b.scheme, b.netloc)

    def get(self, url: str, params: Mapping[str, str | int] | None = None) -> Page:
        """GET ``url`` and return its JSON page, retrying what can succeed later."""
        policy = self.policy
        retries = rate_limit_waits = 0
        while True:
            shown = redact_url(str(httpx.URL(url, params=params)))
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as exc:
                status, doc, headers = None, None, httpx.Headers()
                detail, outcome = f"{type(exc).__name__}: {exc}", _Outcome.TRANSIENT
            else:
                status, doc, headers = response.status_code, _parse_object(response.content), response.headers
                outcome = _classify(status, doc)
                if outcome is _Outcome.OK:
                    return Page(shown, response.content, doc)  # type: ignore[arg-type]
                detail = api_error(doc)[1] or response.text[:200].strip() or response.reason_phrase
                if status == 200:
                    detail = f"the body is not a JSON object ({len(response.content)} bytes; cut off?)"

            what = f"{self.credentials.api} answered HTTP {status} for {shown}: {detail}"
            if status is None:
                what = f"{self.credentials.api} request to {shown} failed: {detail}"
            if outcome is _Outcome.RATE_LIMITED:
                rate_limit_waits += 1
                if rate_limit_waits > policy.max_rate_limit_waits:
                    raise ReaderError(f"{what}; still rate limited after {policy.max_rate_limit_waits} "
                                      "waits: run again later")
                delay = self._rate_limit_delay(headers, rate_limit_waits)
            elif outcome is _Outcome.TRANSIENT:
                retries += 1
                if retries > policy.max_retries:
                    raise ReaderError(f"{what}; gave up after {retries} attempts: the API is failing, "
                                      "run again later")
                delay = policy.backoff_delay(retries)
            elif outcome is _Outcome.AUTH:
                raise ReaderError(f"{what}. The token is invalid, expired or lacks permission: "
                                  f"{self.credentials.hint}")
            else:
                raise ReaderError(f"{what}. This request cannot succeed as sent: check the account ids "
                                  "in dbt/seeds/brand_accounts.csv and the API base URL")
            log.warning("%s; waiting %.1f s (%s)", what, delay, outcome.value)
            policy.sleep(delay)

    def _rate_limit_delay(self, headers: httpx.Headers, attempt: int) -> float:
        """Seconds until the API says the limit resets, capped; else exponential back-off."""
        policy = self.policy
        reset = headers.get("x-rate-limit-reset", "").strip()  # X: epoch seconds of the window's end
        if reset.isdigit():
            return min(policy.max_wait, max(1.0, int(reset) - policy.clock()))
        retry_after = headers.get("retry-after", "").strip()
        if retry_after.isdigit():
            return min(policy.max_wait, max(1.0, float(retry_after)))
        if retry_after:  # an HTTP date
            try:
                when = email.utils.parsedate_to_datetime(retry_after).timestamp()
            except (TypeError, ValueError):
                pass
            else:
                return min(policy.max_wait, max(1.0, when - policy.clock()))
        # Graph names no reset time: back off harder than for a 5xx, its windows are long.
        return min(policy.max_wait, policy.backoff_delay(attempt) * 15)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file and a rename: readers see all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
