"""What the weekly digest costs: its numbers, its charts, its PDF, per recipient.

    .venv/bin/python bench/digest.py [--home DIR] [--scale tiny|small|default] [--runs 3] [--json]

Uses the published snapshot of ``--home`` (default: a fresh home with the ``--scale`` demo
generated, landed and built first, not timed). Each run builds the all-units digest as
``groundswell digest`` does (groundswell.serve.digest): the metrics of every section from the semantic
layer (``compute``), the charts through Debian's chromium (``charts``, one browser per digest),
and the PDF (``render_pdf``); then the numbers alone for one business unit (its rows through the
access rules). Prints the median of ``--runs`` for each step, and the sizes of the PDF and HTML.
Sending is not timed: it is one SMTP transaction.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path


def _home(args) -> Path:
    if args.home:
        return Path(args.home)
    from dashboard import demo_home  # bench/dashboard.py: generated, landed, built, published

    return demo_home(args.scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home")
    parser.add_argument("--scale", default="tiny", choices=["tiny", "small", "default"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    home = _home(args)
    os.environ["GROUNDSWELL_HOME"] = str(home)

    from groundswell.config import Settings
    from groundswell.serve import digest
    from groundswell.transform.semantic import SemanticLayer

    settings = Settings(home=home)
    with digest.reader(settings, None) as con:
        (unit,) = con.execute("select min(business_unit) from seeds.business_units").fetchone()
        rows = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0]
                for t in ("fct_care_messages", "agg_mentions_hourly", "fct_post_performance")}
    times: dict[str, list[float]] = {"numbers": [], "charts": [], "pdf": [], "numbers, one unit": []}
    pdf = html = b""
    for _ in range(args.runs):
        with digest.reader(settings, None) as con:
            layer = SemanticLayer.from_manifest(
                con.execute("select definitions from meta.semantic_layer").fetchone()[0])
            week_end = digest.default_week_end(con)
            t = time.perf_counter()
            d = digest.compute(con, layer, week_end)
            times["numbers"].append(time.perf_counter() - t)
            t = time.perf_counter()
            d.charts = digest.charts(con, layer, d)
            times["charts"].append(time.perf_counter() - t)
        t = time.perf_counter()
        pdf = digest.render_pdf(d)
        times["pdf"].append(time.perf_counter() - t)
        html = digest.render_html(d, lambda name: f"cid:{name}.png").encode()
        with digest.reader(settings, frozenset({unit})) as con:
            t = time.perf_counter()
            digest.compute(con, layer, week_end, frozenset({unit}))
            times["numbers, one unit"].append(time.perf_counter() - t)
    result = {"home": str(home), "rows": rows, "week_end": str(week_end), "runs": args.runs,
              "seconds (median)": {k: round(statistics.median(v), 2) for k, v in times.items()},
              "pdf_bytes": len(pdf), "html_bytes": len(html), "charts": sorted(d.charts),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"snapshot {home}: {', '.join(f'{t} {n:,}' for t, n in rows.items())}")
    print(f"week ending {week_end}, median of {args.runs} runs ({result['machine']}):")
    for step, seconds in result["seconds (median)"].items():
        print(f"  {step:<20} {seconds:6.2f} s")
    print(f"  PDF {len(pdf):,} bytes, HTML {len(html):,} bytes, charts: {', '.join(result['charts'])}")


if __name__ == "__main__":
    main()
