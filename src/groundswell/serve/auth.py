"""Dashboard logins: who may sign in, with which password hash, seeing which business units,
in which role.

Logins come from the environment only (docs/operations.md, "Dashboard logins"):

- ``GROUNDSWELL_DASHBOARD_USERS``: JSON, or the path of a JSON file outside the checkout, mapping
  each user to ``{"password_hash": "...", "business_units": ["northwind-cargo"] | "*"}`` and,
  optionally, ``"role": "executive" | "analyst"`` and ``"email"`` (the weekly digest's address,
  groundswell.serve.digest). Hashes are werkzeug's (scrypt or pbkdf2):
  ``groundswell users hash-password`` prints one.
- ``GROUNDSWELL_DASHBOARD_USER`` / ``GROUNDSWELL_DASHBOARD_PASSWORD``: one more login, an
  all-units executive, for simple deployments. Its password is hashed when the server starts; the
  clear text is not kept. To let it correct labels, define it in GROUNDSWELL_DASHBOARD_USERS
  with ``"role": "analyst"`` instead.

Roles (``ROLES``): an **executive** (the default) reads the dashboards; an **analyst** also
corrects a text's sentiment label, complaint type and complaint topic from the care and listening
pages, each correction one file in the corrections log (``groundswell.land.corrections``), never a write
to the warehouse. The role travels with the request's scope (``dashboards.access.current_role``);
the correction callbacks check it on the server, whatever the page showed. ``serve --demo`` (no
login, a local demo) runs as an analyst named ``demo``.

A password is checked with werkzeug's ``check_password_hash`` (a constant-time comparison of the
derived key); an unknown user is checked against a dummy hash, so both take the same time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from groundswell.config import ConfigError, Settings

#: ``business_units`` of a user who sees every unit.
ALL_UNITS = "*"
#: The roles a login may have: read-only, or read and correct labels. A login without one: EXECUTIVE.
EXECUTIVE, ANALYST = "executive", "analyst"
ROLES = (EXECUTIVE, ANALYST)
_HASH_METHODS = ("scrypt:", "pbkdf2:")
#: Compared against when the user is unknown: the same work as a real check.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))

NO_USERS = (
    "the dashboards need a login: set GROUNDSWELL_DASHBOARD_USERS (JSON, or the path of a JSON file "
    "outside the checkout, mapping user -> {\"password_hash\": ..., \"business_units\": [..] or \"*\"}; "
    "`groundswell users hash-password` prints a hash) or GROUNDSWELL_DASHBOARD_PASSWORD (with "
    "GROUNDSWELL_DASHBOARD_USER, default `executive`: an all-units login), or pass --demo for a "
    "local demo without one"
)


@dataclass(frozen=True)
class User:
    name: str
    password_hash: str
    #: None: every unit; else the units whose rows the user sees (docs/operations.md).
    business_units: frozenset[str] | None
    #: EXECUTIVE (read-only) or ANALYST (may correct labels).
    role: str = EXECUTIVE
    #: Where the weekly digest goes (groundswell.serve.digest), scoped to the user's units; None: no digest.
    email: str | None = None

    @property
    def may_correct(self) -> bool:
        return self.role == ANALYST


def _users_document(value: str, settings: Settings) -> dict:
    text = value.strip()
    if not text.startswith(("{", "[")):
        path = Path(text).expanduser().resolve()
        if path.is_relative_to(settings.project_root):
            raise ConfigError(f"GROUNDSWELL_DASHBOARD_USERS names {path}, inside the checkout: keep "
                              "logins outside the repository (e.g. /etc/groundswell/users.json)")
        if not path.is_file():
            raise ConfigError(f"GROUNDSWELL_DASHBOARD_USERS names {path}, which is not a file")
        text = path.read_text()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"GROUNDSWELL_DASHBOARD_USERS is not valid JSON ({exc.msg}, "
                          f"line {exc.lineno})") from None
    if not isinstance(document, dict):
        raise ConfigError("GROUNDSWELL_DASHBOARD_USERS must map each user name to its login")
    return document


def _user(name: object, entry: object) -> User:
    if not isinstance(name, str) or not name or ":" in name:
        raise ConfigError(f"dashboard user {name!r}: a name is a non-empty string without ':'")
    if not isinstance(entry, dict):
        raise ConfigError(f"dashboard user {name!r}: expected "
                          "{\"password_hash\": ..., \"business_units\": ...}")
    password_hash = entry.get("password_hash")
    if not isinstance(password_hash, str) or not password_hash.startswith(_HASH_METHODS):
        raise ConfigError(f"dashboard user {name!r}: password_hash must be a werkzeug scrypt or pbkdf2 hash "
                          "(`groundswell users hash-password` prints one); clear-text passwords are refused")
    role = entry.get("role", EXECUTIVE)
    if role not in ROLES:  # exact: "Analyst" or " analyst" is a typo, not a role
        raise ConfigError(f"dashboard user {name!r}: role must be \"{EXECUTIVE}\" (read-only, the "
                          f"default) or \"{ANALYST}\" (may also correct labels), not {role!r}")
    email = entry.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email or email != email.strip()):
        raise ConfigError(f"dashboard user {name!r}: email must be an e-mail address (the weekly "
                          f"digest's), not {email!r}")
    units = entry.get("business_units")
    if units == ALL_UNITS:
        return User(name, password_hash, None, role, email)
    if not isinstance(units, list) or not units or not all(isinstance(u, str) and u for u in units):
        raise ConfigError(f"dashboard user {name!r}: business_units must be a non-empty list of units "
                          "(dbt/seeds/business_units.csv) or \"*\" for every unit")
    return User(name, password_hash, frozenset(units), role, email)


def load_users(settings: Settings) -> dict[str, User]:
    """Every login the settings define (possibly none); a mistake raises ConfigError saying what to fix."""
    users: dict[str, User] = {}
    if settings.dashboard_users is not None and settings.dashboard_users.get_secret_value().strip():
        for name, entry in _users_document(settings.dashboard_users.get_secret_value(), settings).items():
            users[name] = _user(name, entry)
    if settings.dashboard_password is not None and settings.dashboard_password.get_secret_value():
        if settings.dashboard_user in users:
            raise ConfigError(f"dashboard user {settings.dashboard_user!r} is defined twice: in "
                              "GROUNDSWELL_DASHBOARD_USERS and by GROUNDSWELL_DASHBOARD_USER/_PASSWORD")
        users[settings.dashboard_user] = _user(settings.dashboard_user, {
            "password_hash": generate_password_hash(settings.dashboard_password.get_secret_value()),
            "business_units": ALL_UNITS})
    return users


class Authenticator:
    """Checks a user name and password against the logins. Successful checks are remembered (by a
    keyed digest of name and password, never the password) so HTTP Basic, which sends the
    credentials with every request, does not pay for scrypt on each of a page's requests."""

    def __init__(self, users: dict[str, User], cache_size: int = 256):
        self.users = dict(users)
        self._pepper = secrets.token_bytes(32)
        self._verified: dict[bytes, User] = {}
        self._cache_size = cache_size

    def check(self, name: str, password: str) -> User | None:
        digest = hmac.new(self._pepper, f"{name}\0{password}".encode(), hashlib.sha256).digest()
        cached = self._verified.get(digest)
        if cached is not None:
            return cached
        user = self.users.get(name)
        ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
        if not ok or user is None:
            return None
        if len(self._verified) >= self._cache_size:
            self._verified.clear()
        self._verified[digest] = user
        return user
