"""Label corrections: an analyst's sentiment, complaint type and complaint topic of a text.

Enrichment labels every inbound message and mention by rules (VADER, seed 004's complaint
types, keyword topics); an analyst who reads one and disagrees corrects it, as Sprout Social's
sentiment reclassification lets them.  A correction names its record by the ids enrichment
uses (``source``, the raw table without its schema, and ``record_id``, the record's natural key
there), and sets any of the three labels; the labels it leaves blank keep what enrichment says,
made consistent with the ones set (docs/metrics.md, "Analyst corrections").

The log is append-only: the dashboards write one small CSV per saved correction into the drop
folder (``groundswell.land.corrections``), a team's own export can be dropped beside them, and both
land like any source.  The latest correction of a record wins (``corrected_at``, then the later
landing), at the next ``groundswell enrich``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from groundswell.land.sources.base import Bounds, Field, Source, quote_ident, quote_literal

SENTIMENT_LABELS = ("positive", "neutral", "negative")
#: Seed 004's types of a negative text; the type of a non-negative text is its sentiment label.
NEGATIVE_TYPES = ("troll", "rage", "misinformation", "unhappy_customer")
COMPLAINT_TYPES = ("positive", "neutral", *NEGATIVE_TYPES)
#: What a correction may name: each enriched raw table, and its natural key
#: (groundswell.transform.enrichment.incremental.TEXT_SOURCES; a unit test holds the two equal).
CORRECTABLE: dict[str, str] = {
    "customer_support__tweets": "tweet_id",
    "x__tweets": "id",
    "facebook__comments": "id",
    "facebook__messages": "id",
    "listening__mentions": "mention_id",
    "airline_sentiment__tweets": "tweet_id",
}
TOPICS_CONFIGURATION = "dbt/seeds/complaint_topics.csv"
NO_TOPIC = "other"


def topic_names(seeds_dir: Path) -> tuple[str, ...]:
    """Every topic a correction may name, as enrichment's rules have them
    (groundswell.transform.enrichment.rules, whose ``Rules.topic_names`` a unit test holds equal):
    the seed's, in seed order, then ``other``."""
    with (seeds_dir / Path(TOPICS_CONFIGURATION).name).open(newline="", encoding="utf-8") as seed:
        return tuple(dict.fromkeys([*(row["topic"].strip() for row in csv.DictReader(seed)), NO_TOPIC]))


def _record_checks(bounds: Bounds) -> list[str]:
    """The checks a field alone cannot make: a label at all, type consistent with sentiment, a
    configured topic, and a record that has landed."""
    checks = [
        "WHEN sentiment_label IS NULL AND complaint_type IS NULL AND complaint_topic IS NULL THEN "
        "'no label: set at least one of sentiment_label, complaint_type, complaint_topic'",
        "WHEN sentiment_label IN ('positive', 'neutral') AND complaint_type IS NOT NULL "
        "AND complaint_type <> sentiment_label THEN 'complaint_type ' || complaint_type || "
        "' contradicts sentiment_label ' || sentiment_label || ': a ' || sentiment_label || "
        "' text has complaint_type ' || sentiment_label || ' (the four types are of negative texts)'",
        "WHEN sentiment_label = 'negative' AND complaint_type IN ('positive', 'neutral') THEN "
        "'complaint_type ' || complaint_type || ' contradicts sentiment_label negative: a negative "
        "text is troll, rage, misinformation or unhappy_customer'",
    ]
    if bounds.topics:
        topics = ", ".join(quote_literal(t) for t in (*bounds.topics, NO_TOPIC))
        checks.append(
            f"WHEN complaint_topic IS NOT NULL AND complaint_topic NOT IN ({topics}) THEN 'complaint_topic ' "
            f"|| left(complaint_topic, 200) || {quote_literal(f' is not a topic of {TOPICS_CONFIGURATION}')} "
            f"|| ' (nor other): add it there, or correct the file, then land it again'")
    if bounds.read_raw is not None:
        known = " ".join(
            f"WHEN {quote_literal(table)} THEN record_id IN "
            f"(SELECT {quote_ident(key)}::VARCHAR FROM {bounds.read_raw(table)})"
            for table, key in CORRECTABLE.items())
        checks.append(
            f"WHEN NOT coalesce(CASE source {known} END, false) THEN 'record_id ' || left(record_id, 200) "
            "|| ' is not a record of raw.' || source || ': land the record first, or correct the file, "
            "then land it again'")
    return checks


LABELS = Source(
    key="label-corrections",
    family="corrections",
    entity="labels",
    description="Analysts' corrections of a text's sentiment label, complaint type and complaint topic.",
    shape="append-only log (CSV, header row), one correction per row: written by the dashboards "
          "(analyst role), or exported by a team's own labelling tool",
    file_pattern="*.csv",
    format="csv",
    natural_key=("source", "record_id", "corrected_at"),
    freshness_hours=None,  # corrections come when analysts review: never stale
    fields=(
        Field("source", "VARCHAR", required=True, choices=tuple(CORRECTABLE),
              doc="the raw table of the record, without the schema: " + ", ".join(CORRECTABLE)),
        Field("record_id", "VARCHAR", required=True,
              doc="the record's natural key in that table (`tweet_id`, `id` or `mention_id`); "
                  "it must have landed"),
        Field("sentiment_label", "VARCHAR", choices=SENTIMENT_LABELS,
              doc="positive, neutral or negative; blank keeps enrichment's"),
        Field("complaint_type", "VARCHAR", choices=COMPLAINT_TYPES,
              doc="positive or neutral (as the sentiment), or troll, rage, misinformation, "
                  "unhappy_customer (of a negative text); blank keeps enrichment's, made consistent"),
        Field("complaint_topic", "VARCHAR",
              doc=f"a topic of `{TOPICS_CONFIGURATION}`, or `other`; blank keeps enrichment's"),
        Field("corrected_by", "VARCHAR", required=True, doc="who corrected it (the dashboard login)"),
        Field("corrected_at", "TIMESTAMP", required=True,
              doc="when; of two corrections of a record, the later wins (then the later landing)"),
    ),
    record_checks=_record_checks,
    extra_doc=(
        "A correction is refused (quarantined, with the reason) when it sets no label, when its "
        "complaint type contradicts its sentiment label, when its topic is not configured, or when "
        "its record has not landed in `raw.<source>`. Landed corrections apply at the next "
        "`groundswell enrich` (every build): the corrected labels replace enrichment's in "
        "`enrichment.texts` (`label_source` `analyst`) and so in every mart."
    ),
    example=(
        "source,record_id,sentiment_label,complaint_type,complaint_topic,corrected_by,corrected_at\n"
        "airline_sentiment__tweets,570306133677760513,negative,unhappy_customer,late_flight,"
        "ana,2026-11-30T09:15:00Z\n"
    ),
)
