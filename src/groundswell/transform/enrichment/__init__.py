"""Enrichment of inbound messages and mentions, in Python before dbt.

Every text customers and the public write (``incremental.TEXT_SOURCES``) gets a
VADER sentiment score and label (``text``), a complaint type from the US Air
Force's response process of seed 004 and a complaint topic from an editable
keyword seed (``rules``).  ``enrich`` writes them to ``enrichment.texts``,
scoring only what is new; dbt reads that table as source ``enrichment``.
Definitions and measured accuracy: docs/metrics.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from groundswell.transform.enrichment.rules import (
    COMPLAINT_TYPES,
    RULES_VERSION,
    EnrichmentConfigError,
    Rules,
    complaint_type,
    load_rules,
)
from groundswell.transform.enrichment.text import clean_text, sentiment_label, sentiment_score

if TYPE_CHECKING:
    from groundswell.transform.enrichment.incremental import TEXT_SOURCES, EnrichResult, TextSource, enrich

_INCREMENTAL = ("TEXT_SOURCES", "EnrichResult", "TextSource", "enrich")


def __getattr__(name: str):
    """``enrich`` and its types on first use: a scoring worker imports this package without
    needing them (``incremental`` brings DuckDB and the settings: 0.4 s a worker)."""
    if name in _INCREMENTAL:
        from groundswell.transform.enrichment import incremental

        return getattr(incremental, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COMPLAINT_TYPES",
    "RULES_VERSION",
    "TEXT_SOURCES",
    "EnrichResult",
    "EnrichmentConfigError",
    "Rules",
    "TextSource",
    "clean_text",
    "complaint_type",
    "enrich",
    "load_rules",
    "sentiment_label",
    "sentiment_score",
]
