"""Progress bars for long loops, shown on stderr and only on an interactive terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import track as _track

T = TypeVar("T")


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    # Airflow task logs and CI output are not terminals: a bar there is noise.
    return _track(
        items,
        description=description,
        total=total,
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    )
