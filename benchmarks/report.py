"""The table run.py prints (Markdown, also written to benchmarks/results/<date>.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .loadtest import Result
from .pages import (
    MAX_BID_SUBMIT_QUERIES,
    MAX_LEAD_SELECTION_QUERIES,
    MAX_LEAD_SELECTION_SECONDS,
    MAX_QUERIES,
    MEMORY_TOLERANCE,
    PAGES,
)

OK, FAIL = "✓", "✗"


@dataclass
class Measured:
    """Everything one run measured; missing parts are None and printed as "–"."""

    hello: list[Result] = field(default_factory=list)
    pages: dict[str, Result] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    small: dict | None = None  # inprocess.py on the small database
    large: dict | None = None  # inprocess.py on the large database
    memory: tuple[dict[int, int], dict[int, int], Result] | None = None

    @property
    def hello_rps(self) -> float | None:
        runs = [r.rps for r in self.hello if r.rps]
        return sum(runs) / len(runs) if runs else None


def _time(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms"


def _percent(share: float | None) -> str:
    if share is None:
        return "–"
    return f"{share * 100:.2f} %" if share < 0.01 else f"{share * 100:.1f} %"


def _queries(data: dict | None, key: str) -> int | None:
    if not data:
        return None
    row = data.get("pages", {}).get(key)
    return row["queries"] if row and row.get("status") == 200 else None


def _dash(value) -> str:
    return "–" if value is None else str(value)


def _page_row(measured: Measured, page) -> list[str]:
    result = measured.pages.get(page.key)
    done = bool(result and result.requests)
    small, large = _queries(measured.small, page.key), _queries(measured.large, page.key)
    hello = measured.hello_rps
    share = result.rps / hello if result and hello else None
    speed_ok = share is not None and share >= page.target and not result.errors
    queries_ok = large is not None and large <= MAX_QUERIES and (small is None or small == large)
    failed = [name for name, ok in (("speed", speed_ok), ("queries", queries_ok)) if not ok]
    notes = list(measured.notes.get(page.key, []))
    if result and result.errors:
        notes.append(f"{result.errors} errors of {result.requests + result.timeouts} requests")
    if page.note:
        notes.append(page.note)
    return [
        page.label,
        f"{result.rps:.1f}" if result else "–",
        _time(result.p50_ms) if done else "–",
        _time(result.p99_ms) if done else "–",
        _percent(share),
        _dash(small),
        _dash(large),
        f"≥ {page.target * 100:g} % · ≤ {MAX_QUERIES} q, same",
        OK if not failed else f"{FAIL} {', '.join(failed)}",
        "; ".join(notes),
    ]


def _hello_row(measured: Measured) -> list[str]:
    runs = [r for r in measured.hello if r.rps]
    if not runs:
        return ["hello-world (Django)", "–", "–", "–", "100 %", "–", "–", "", "", ""]
    mean = measured.hello_rps
    return [
        "hello-world (Django)",
        f"{mean:.1f}",
        _time(runs[0].p50_ms),
        _time(runs[0].p99_ms),
        "100 %",
        "–",
        "–",
        "the yardstick",
        "",
        "runs: " + ", ".join(f"{r.rps:.0f} req/s" for r in runs),
    ]


NOT_MEASURED = "not measured (--only)"


def _not_measured(label: str, target: str) -> list[str]:
    return [label, "–", "–", "–", "–", "–", "–", target, "", NOT_MEASURED]


def _bid_row(measured: Measured) -> list[str]:
    small = (measured.small or {}).get("bid_submit")
    large = (measured.large or {}).get("bid_submit")
    if small is None and large is None:
        return _not_measured(
            "bid submission, 5 partners (in-process)", f"≤ {MAX_BID_SUBMIT_QUERIES} q"
        )
    counts = [d["queries"] for d in (small, large) if d and d.get("ok")]
    ok = bool(counts) and max(counts) <= MAX_BID_SUBMIT_QUERIES
    broken = [d for d in (small, large) if d and not d.get("ok")]
    return [
        "bid submission, 5 partners (in-process)",
        "–",
        "–",
        "–",
        "–",
        _dash(small and small["queries"]),
        _dash(large and large["queries"]),
        f"≤ {MAX_BID_SUBMIT_QUERIES} q",
        OK if ok and not broken else FAIL,
        "the bid was not submitted!" if broken else "POST of the submit form",
    ]


def _lead_row(measured: Measured) -> list[str]:
    small = (measured.small or {}).get("lead_selection")
    large = (measured.large or {}).get("lead_selection")
    target = f"≤ {MAX_LEAD_SELECTION_QUERIES} q, < {MAX_LEAD_SELECTION_SECONDS:g} s, same"
    if small is None and large is None:
        return _not_measured("lead selection, decision_create (in-process)", target)
    ok = (
        large is not None
        and large["queries"] <= MAX_LEAD_SELECTION_QUERIES
        and large["seconds"] < MAX_LEAD_SELECTION_SECONDS
        and (small is None or small["queries"] == large["queries"])
    )
    notes = [f"{d['seconds']:.2f} s at {d['bids']} bids" for d in (small, large) if d]
    return [
        "lead selection, decision_create (in-process)",
        "–",
        "–",
        "–",
        "–",
        _dash(small and small["queries"]),
        _dash(large and large["queries"]),
        target,
        OK if ok else FAIL,
        "; ".join(notes),
    ]


def _memory_row(measured: Measured) -> list[str]:
    if measured.memory is None:
        return _not_measured("worker memory (RSS)", f"± {MEMORY_TOLERANCE * 100:g} %")
    before, after, result = measured.memory
    total_before, total_after = sum(before.values()), sum(after.values())
    change = (total_after - total_before) / total_before if total_before else 0.0
    same_workers = set(before) == set(after)
    ok = same_workers and abs(change) <= MEMORY_TOLERANCE
    note = (
        f"{total_before / 1024:.1f} → {total_after / 1024:.1f} MiB ({change * 100:+.1f} %), "
        f"{result.requests} requests at {result.rps:.0f} req/s"
    )
    if not same_workers:
        note += "; a worker was restarted during the run"
    if result.errors:
        note += f"; {result.errors} errors"
    return [
        "worker memory (RSS)",
        f"{result.rps:.1f}",
        _time(result.p50_ms),
        _time(result.p99_ms),
        "–",
        "–",
        "–",
        f"± {MEMORY_TOLERANCE * 100:g} %",
        OK if ok else FAIL,
        note,
    ]


HEADER = [
    "page",
    "req/s",
    "p50",
    "p99",
    "% of hello-world",
    "queries (small DB)",
    "queries (large DB)",
    "target",
    "✓/✗",
    "notes",
]


def table(measured: Measured, keys: list[str] | None = None) -> str:
    rows = [_hello_row(measured)]
    rows += [_page_row(measured, p) for p in PAGES if not keys or p.key in keys]
    rows += [_bid_row(measured), _lead_row(measured), _memory_row(measured)]
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)
