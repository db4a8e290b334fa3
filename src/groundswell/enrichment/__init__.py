"""Enrichment of inbound messages and mentions, in Python before dbt.

Every text customers and the public write (``incremental.TEXT_SOURCES``) gets a
VADER sentiment score and label (``text``), a complaint type from the US Air
Force's response process of seed 004 and a complaint topic from an editable
keyword seed (``rules``).  ``enrich`` writes them to ``enrichment.texts``,
scoring only what is new; dbt reads that table as source ``enrichment``.
Definitions and measured accuracy: docs/metrics.md.
"""

from groundswell.enrichment.incremental import TEXT_SOURCES, EnrichResult, TextSource, enrich
from groundswell.enrichment.rules import (
    COMPLAINT_TYPES,
    RULES_VERSION,
    EnrichmentConfigError,
    Rules,
    complaint_type,
    load_rules,
)
from groundswell.enrichment.text import clean_text, sentiment_label, sentiment_score

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
