"""Models learned from analysts' corrections, per industry: which exist, training them, versions.

What a model learns from: the corrected records in ``enrichment.texts`` (``reviewed_text``, their
pre-cleaned text, and the labels the analyst set). Per industry (the records' industry hint; ``""``
for records without one) and per label (sentiment, topic): at least
``Settings.model_min_corrections`` corrections setting that label train a model
(``groundswell.transform.enrichment.learned``), which then labels every uncorrected text of the industry.
Below it, VADER and the keyword rules label them, as before any correction.

A model's version is a hash of its corrections (``learned.model_version``): the same corrections
give the same model, which is trained once and kept in ``Settings.models_dir``
(``<industry>/<kind>-<version>.pkl``); ``ops.label_models`` lists each industry's current
models. The industry's version (both models', with the rules version) is the ``rules_version`` of
its rows in ``enrichment.texts``: a new model version re-scores its industry, and only it.

Agreement with analysts is measured on corrections a model did not train on: at training, each
corrected record's label is predicted by a model trained on the other folds (5-fold
cross-validation), kept in ``enrichment.held_out``; a record corrected after the model was trained
is held out already. ``enrichment.texts.machine_*`` carries them for every corrected record.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from groundswell.config import Settings
from groundswell.transform.enrichment.rules import Rules

log = logging.getLogger(__name__)

KINDS = ("sentiment", "topic")
LABELS_DDL = """CREATE TABLE IF NOT EXISTS ops.label_models (
  industry VARCHAR NOT NULL,        -- '' for records without an industry hint
  kind VARCHAR NOT NULL,            -- sentiment or topic
  version VARCHAR NOT NULL,
  corrections BIGINT NOT NULL,      -- what it trained on
  held_out_agreement DOUBLE,        -- share of them its cross-validated predictions got right
  trained_at TIMESTAMP NOT NULL,
  path VARCHAR NOT NULL
)"""
@dataclass(frozen=True)
class IndustryModels:
    industry: str
    sentiment: object | None  # learned.LabelModel
    topic: object | None
    versions: tuple[str, str]  # each model's version, "" for none

    @property
    def version(self) -> str:
        """Both models' versions in one: the industry's part of its rows' ``rules_version``."""
        return hashlib.sha256("|".join(self.versions).encode()).hexdigest()[:12]


def ensure_registry(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute(LABELS_DDL)


def row_version(rules: Rules, models: IndustryModels | None) -> str:
    """``rules_version`` of a row of the industry: the rules', and its models' when it has any."""
    return rules.version if models is None else f"{rules.version}+{models.version}"


def _folder_name(industry: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "_", industry.lower()) or "_none"


def current(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, IndustryModels]:
    """The models each industry has now (``ops.label_models``), loaded; none before any training."""
    ensure_registry(con)
    found: dict[str, dict[str, tuple[object, str]]] = {}
    for industry, kind, version, path in con.execute(
            "SELECT industry, kind, version, path FROM ops.label_models ORDER BY ALL").fetchall():
        from groundswell.transform.enrichment import learned  # scikit-learn: only where a model exists

        if not Path(path).exists():
            log.warning("enrichment: model %s is missing; its industry %r is labelled by rules until "
                        "it is trained again", path, industry)
            continue
        try:
            found.setdefault(industry, {})[kind] = (learned.load(Path(path)), version)
        except learned.StaleModelError:
            log.warning("enrichment: model %s is of an older format; its industry %r is labelled by "
                        "rules until it is trained again (this run)", path, industry)
    return {industry: _models(industry, kinds) for industry, kinds in found.items()}


def _models(industry: str, kinds: dict[str, tuple[object, str]]) -> IndustryModels:
    sentiment, topic = (kinds.get(k, (None, "")) for k in KINDS)
    return IndustryModels(industry, sentiment[0], topic[0], (sentiment[1], topic[1]))


def train(con: duckdb.DuckDBPyConnection, settings: Settings, rules: Rules) -> dict[str, IndustryModels]:
    """Bring each industry's models in line with its corrections: train what changed (reuse a model
    already trained on the same corrections), drop what no longer has enough; the current models."""
    from groundswell.runs import utcnow
    from groundswell.transform.enrichment.text import finish_cleaning

    ensure_registry(con)
    rows = con.execute("""
        SELECT coalesce(industry_hint, '') AS industry, source, record_id, reviewed_text,
               -- the sentiment the analyst set, or the one their complaint type implies (the row's)
               CASE WHEN analyst_sentiment_label IS NOT NULL OR analyst_complaint_type IS NOT NULL
                    THEN sentiment_label END AS sentiment,
               analyst_complaint_topic AS topic
        FROM enrichment.texts WHERE reviewed_text IS NOT NULL
        ORDER BY industry, source, record_id
    """).fetchall()
    examples: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    for industry, source, record_id, text, sentiment, topic in rows:
        for kind, label in zip(KINDS, (sentiment, topic), strict=True):
            if label is not None:
                examples.setdefault((industry, kind), []).append((source, record_id, text, label))
    registry = {(i, k): v for i, k, v in con.execute(
        "SELECT industry, kind, version FROM ops.label_models").fetchall()}
    kept: dict[str, dict[str, tuple[object, str]]] = {}
    for (industry, kind), found in examples.items():
        if len(found) < settings.model_min_corrections:
            continue
        # scikit-learn: imported only where an industry has enough corrections
        from groundswell.transform.enrichment import learned

        texts = [finish_cleaning(t) for _, _, t, _ in found]
        labels = [label for *_, label in found]
        # The rules are features (VADER, the keyword hits): new rules, a new model.
        version = hashlib.sha256(f"{rules.version}:{learned.model_version(kind, industry, texts, labels)}"
                                 .encode()).hexdigest()[:16]
        path = settings.models_dir / _folder_name(industry) / f"{kind}-{version}.pkl"
        if registry.get((industry, kind)) == version and path.exists():
            kept.setdefault(industry, {})[kind] = (learned.load(path), version)
            continue
        log.info("enrichment: training the %s model of industry %r on %d corrections", kind, industry,
                 len(found))
        model = learned.train(kind, industry, texts, labels, rules)
        held_out = learned.cross_val_predict_labels(kind, industry, texts, labels, rules)
        path.parent.mkdir(parents=True, exist_ok=True)
        learned.save(model, path)
        agreement = sum(p == a for p, a in zip(held_out, labels, strict=True)) / len(labels)
        column = "sentiment_label" if kind == "sentiment" else "complaint_topic"
        con.execute("DELETE FROM enrichment.held_out WHERE industry = ? AND version = ?", [industry, version])
        con.execute(f"""INSERT INTO enrichment.held_out (industry, version, source, record_id, {column})
                        SELECT ?, ?, unnest(?), unnest(?), unnest(?)""",
                    [industry, version, [s for s, *_ in found], [r for _, r, *_ in found], held_out])
        con.execute("DELETE FROM ops.label_models WHERE industry = ? AND kind = ?", [industry, kind])
        con.execute("INSERT INTO ops.label_models VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [industry, kind, version, len(found), agreement, utcnow(), str(path)])
        log.info("enrichment: %s model %s of industry %r agrees with analysts on %.1f %% of %d "
                 "held-out corrections", kind, version, industry, 100 * agreement, len(found))
        kept.setdefault(industry, {})[kind] = (model, version)
    # An industry or label below the threshold now (a correction withdrawn, a text gone): rules again.
    for industry, kind in registry:
        if kind not in kept.get(industry, {}):
            con.execute("DELETE FROM ops.label_models WHERE industry = ? AND kind = ?", [industry, kind])
    current_versions = [[i, v] for i, kinds in kept.items() for _, v in kinds.values()]
    con.execute("DELETE FROM enrichment.held_out "
                "WHERE NOT list_contains(?::VARCHAR[][], [industry, version])", [current_versions])
    return {industry: _models(industry, kinds) for industry, kinds in kept.items()}


def held_out_labels(con: duckdb.DuckDBPyConnection, models: dict[str, IndustryModels]) -> None:
    """``_enrich_held_out (industry, source, record_id, sentiment_label, complaint_topic)``: the
    out-of-fold labels of the corrected records under each industry's current models."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _enrich_held_out (
        industry VARCHAR, source VARCHAR, record_id VARCHAR, sentiment_label VARCHAR,
        complaint_topic VARCHAR)""")
    for industry, found in models.items():
        sentiment_version, topic_version = found.versions
        con.execute("""
            INSERT INTO _enrich_held_out
            SELECT ?, source, record_id,
                   max(sentiment_label) FILTER (WHERE version = ?),
                   max(complaint_topic) FILTER (WHERE version = ?)
            FROM enrichment.held_out WHERE industry = ? AND version IN (?, ?)
            GROUP BY source, record_id
        """, [industry, sentiment_version, topic_version, industry, sentiment_version, topic_version])
