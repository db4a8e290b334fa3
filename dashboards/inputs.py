"""What a callback accepts from the browser: the one place that turns a request's values into the
values the page's queries take.

A callback's inputs arrive as JSON from ``/_dash-update-component``: anybody logged in can post any
value of any type into any slot. Every page callback passes each input through one of these before
using it: a value that is not one the page's components could send falls back to the page's default
(a filter) or to nothing (a click, a selection), so a malformed request gets a clean answer, an
unfiltered or empty result or no update, never a server error. These check shape and type only;
what a value means is still decided by the query (allowlisted identifiers, bound values), and
anything else that goes wrong is a bug that must surface, so nothing here catches broadly.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import TypeVar

T = TypeVar("T")


#: The dates a filter may take: a cleared start or end means these; anything beyond is clamped to
#: them (so date arithmetic, a previous period or the day after the end, never leaves datetime's range).
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def a_date(value: object, default: T) -> date | T:
    """A date the browser sends ("YYYY-MM-DD", or an ISO datetime: a DatePickerRange, a month
    option, a figure's x), clamped to [EARLIEST, LATEST]; anything else, a cleared picker
    included: ``default``."""
    if isinstance(value, str) and len(value) <= 40:
        for parse in (date.fromisoformat, lambda v: datetime.fromisoformat(v).date()):
            try:
                return min(max(parse(value), EARLIEST), LATEST)
            except ValueError:
                continue
    return default


def one_of(value: object, allowed: Collection[str], default: T) -> str | T:
    """A single choice (a radio item, a single dropdown) among ``allowed``; else ``default``."""
    return value if isinstance(value, str) and value in allowed else default


def some_of(values: object, allowed: Iterable[str] | None = None) -> list[str]:
    """The strings picked in a multi-select (a lone string counts as one), those among ``allowed``
    when given, in order; anything else is dropped. An empty list means "no filter"."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        return []
    allowed_set = None if allowed is None else set(allowed)
    return [v for v in values if isinstance(v, str) and (allowed_set is None or v in allowed_set)]


def an_int(value: object, default: int, low: int, high: int) -> int:
    """A whole number typed in a number input, clamped to [low, high]; anything else: ``default``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    if isinstance(value, float) and not math.isfinite(value):
        return default
    return min(max(int(value), low), high)


def click_point(click_data: object, keys: Iterable[str] = ()) -> dict | None:
    """The first point of a figure's clickData when it carries every one of ``keys``; else None."""
    if not isinstance(click_data, dict):
        return None
    points = click_data.get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    point = points[0]
    return point if all(key in point for key in keys) else None


def custom_data(point: dict | None, size: int) -> list | None:
    """A clicked point's ``customdata`` when it is a list of at least ``size`` items; else None."""
    data = point.get("customdata") if point else None
    return data if isinstance(data, list) and len(data) >= size else None


def selected_row(rows: object, fields: Iterable[str]) -> dict[str, str | None] | None:
    """The ``fields`` of the first row of a grid's selectedRows, when each is a string or null (what
    the page's own rows hold); None when nothing valid is selected."""
    if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
        return None
    row = rows[0]
    picked = {field: row.get(field) for field in fields}
    if not all(field in row and (v is None or isinstance(v, str)) for field, v in picked.items()):
        return None
    return picked
