"""Write an analyst's correction into the corrections log: the dashboards' only write.

A correction is one small CSV in today's drop partition of ``label-corrections``
(``landing/corrections/labels/dt=YYYY-MM-DD/``), in the contract's columns
(``groundswell.land.sources.corrections``). Written under a temporary name and renamed, so a landing
never reads half a file; never rewritten, so the log is append-only. The next landing of the day
lands every file of it as one batch (a re-landing replaces the day's batch: nothing doubles), and
the landing's checks judge the file as they judge any other: the dashboards never write to the
warehouse.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from groundswell.config import Settings, get_settings
from groundswell.land.sources.corrections import LABELS
from groundswell.runs import utcnow

COLUMNS = tuple(f.name for f in LABELS.fields)


@dataclass(frozen=True)
class Correction:
    source: str  # the raw table of the record, without the schema (enrichment.texts' `source`)
    record_id: str
    sentiment_label: str | None
    complaint_type: str | None
    complaint_topic: str | None
    corrected_by: str
    corrected_at: datetime | None = None  # default: now (UTC)


def record(correction: Correction, settings: Settings | None = None) -> Path:
    """Append ``correction`` to the log; the file written."""
    settings = settings or get_settings()
    at = correction.corrected_at or utcnow()
    folder = settings.landing_dir / LABELS.drop_dir / f"dt={at.date().isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    row = {**correction.__dict__, "corrected_at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    buffer = io.StringIO()
    out = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    out.writeheader()
    out.writerow({k: "" if row[k] is None else row[k] for k in COLUMNS})
    target = folder / f"dashboard-{at.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}.csv"
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, target)
    return target
