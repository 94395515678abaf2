"""The results: one row per scenario and database, as a table and as JSON."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from databases import Skipped
from loadgen import Measurement
from quiz import describe
from scenarios import BASELINE

NO_DATABASE = "—"  # the hello-world app has none
LESSON_BUDGET_BYTES = 60 * 1024  # DESIGN §7: a lesson page under 60 KB before media


@dataclass
class Row:
    scenario: str
    database: str
    path: str = ""
    method: str = "GET"
    measurement: Measurement | None = None
    failure: str = ""
    html_bytes: int | None = None  # body of one response
    asset_bytes: int | None = None  # the stylesheets and scripts it loads
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # what a Feed reports (quiz-submit)


def ratios(row: Row, baseline: Row | None) -> dict[str, float | None]:
    """Throughput and latency as multiples of the hello-world route's in the same run."""
    mine, base = row.measurement, baseline.measurement if baseline else None
    if mine is None or base is None:
        return {"rps_ratio": None, "p50_ratio": None, "p99_ratio": None}
    return {
        "rps_ratio": _divide(mine.rps, base.rps),
        "p50_ratio": _divide(mine.p50_ms, base.p50_ms),
        "p99_ratio": _divide(mine.p99_ms, base.p99_ms),
    }


def _divide(a: float, b: float) -> float | None:
    return a / b if b else None


def baseline_of(rows: list[Row]) -> Row | None:
    return next((row for row in rows if row.scenario == BASELINE and row.measurement), None)


COLUMNS = ("scenario", "database", "req/s", "p50 ms", "p99 ms",
           "req/s ÷ hello", "p50 ÷ hello", "p99 ÷ hello", "errors", "HTML bytes")


def table(rows: list[Row]) -> str:
    """A Markdown table, readable in a terminal and pasteable into bench/README.md."""
    baseline = baseline_of(rows)
    lines = [COLUMNS]
    for row in rows:
        m = row.measurement
        if m is None:
            lines.append((row.scenario, row.database, "failed", *[""] * (len(COLUMNS) - 3)))
            continue
        r = ratios(row, baseline)
        lines.append((
            row.scenario, row.database, f"{m.rps:,.0f}", f"{m.p50_ms:.2f}", f"{m.p99_ms:.2f}",
            _times(r["rps_ratio"]), _times(r["p50_ratio"]), _times(r["p99_ratio"]),
            str(m.error_count), "" if row.html_bytes is None else f"{row.html_bytes:,}",
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    numeric = range(2, len(COLUMNS))

    def render(cells: tuple[str, ...]) -> str:
        padded = [c.rjust(w) if i in numeric else c.ljust(w)
                  for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i in numeric else "-")
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])


def _times(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    if value < 0.1:
        return f"{value:.3f}×"
    return f"{value:.2f}×" if value < 10 else f"{value:.1f}×"


def lesson_weight(rows: list[Row]) -> list[str]:
    """One line per database: the lesson page's size against the 60 KB budget."""
    lines = []
    for row in rows:
        if row.scenario != "lesson" or row.html_bytes is None:
            continue
        total = row.html_bytes + (row.asset_bytes or 0)
        verdict = "within" if total < LESSON_BUDGET_BYTES else "OVER"
        lines.append(
            f"Lesson page on {row.database}: HTML {row.html_bytes:,} bytes + CSS/JS "
            f"{row.asset_bytes or 0:,} bytes = {total:,} bytes, {verdict} the "
            f"{LESSON_BUDGET_BYTES:,}-byte budget (60 KB before media; uncompressed)."
        )
    return lines


def feed_lines(rows: list[Row]) -> list[str]:
    """One line per database for the scenarios that send prepared requests (quiz-submit)."""
    return [describe(row.database, row.details) for row in rows if row.details]


def to_json(rows: list[Row], skipped: list[Skipped], meta: dict[str, Any]) -> dict[str, Any]:
    baseline = baseline_of(rows)
    results = []
    for row in rows:
        entry: dict[str, Any] = {
            "scenario": row.scenario, "database": None if row.database == NO_DATABASE else row.database,
            "path": row.path,
            "method": row.method, "html_bytes": row.html_bytes, "asset_bytes": row.asset_bytes,
            "notes": row.notes,
        }
        if row.details:
            entry["details"] = row.details
        if row.measurement is None:
            entry["failure"] = row.failure
        else:
            entry.update(asdict(row.measurement))
            entry.update(ratios(row, baseline))
        results.append(entry)
    return {
        **meta,
        "lesson_budget_bytes": LESSON_BUDGET_BYTES,
        "skipped": [asdict(s) for s in skipped],
        "results": results,
    }


def write_json(document: dict[str, Any], folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
