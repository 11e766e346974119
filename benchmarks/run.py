"""The programme-scale benchmark: seeds, serves, drives every page with wrk, prints ratios.

    .venv/bin/python benchmarks/run.py [--duration 20] [--connections 4] [--only KEY]
                                       [--skip-seed] [--reseed] [--memory-requests 10000]

1. Seeds the large bench database (100,000 challenges, 1,000 bids × 5
   reviews) and a small one (1,000 challenges, 10 bids) unless they are
   seeded already (`seed.py`), and collects the static files.
2. Counts SQL queries per page on both databases, and measures bid
   submission with 5 partners and lead selection, in-process (`inprocess.py`).
3. Serves the portal (production settings, PostgreSQL, Redis) and a Django
   hello-world with gunicorn, 2 sync workers each; signs the operator,
   reviewer and member in through the real login form; drives each page with
   `wrk -t2 -c4 -d<duration>s --latency` after a warm-up, and measures the
   workers' RSS before and after 10,000 requests.
4. Prints the table and writes it to benchmarks/results/<date>.md.

Ratios to hello-world, not absolute times, are the figures to compare:
the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common, loadtest, pages, report  # noqa: E402
from benchmarks.servers import WORKERS, Server  # noqa: E402

MAX_DURATION = 120  # seconds: the longest a slow page is driven

ACCOUNTS = {
    "operator": common.OPERATOR_EMAIL,
    "reviewer": common.REVIEWER_EMAIL,
    "member": common.MEMBER_EMAIL,
}


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _python(script: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(common.PYTHON), str(common.BENCH_DIR / script), *args],
        cwd=common.ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )


def seed(args: argparse.Namespace) -> None:
    sizes = [
        (args.database_url, args.challenges, args.bids),
        (args.small_database_url, args.small_challenges, args.small_bids),
    ]
    for url, challenges, bids in sizes:
        extra = ["--reset"] if args.reseed else []
        log(f"seeding {common.database_name(url)} (skipped when already seeded)")
        done = _python(
            "seed.py",
            f"--database-url={url}",
            f"--challenges={challenges}",
            f"--bids={bids}",
            *extra,
        )
        print(done.stdout, end="", file=sys.stderr)


def second_factor(args: argparse.Namespace) -> None:
    """Staff and reviewers must use a second factor: give them an authenticator app."""
    for url in (args.database_url, args.small_database_url):
        _python("second_factor.py", f"--database-url={url}")


def collectstatic() -> None:
    log("collecting static files into benchmarks/.static")
    env = common.environment(common.LARGE_DB_URL)
    subprocess.run(
        [str(common.PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=common.ROOT,
        env={**os.environ, **env},
        check=True,
    )


def inprocess(url: str, only: list[str]) -> dict:
    log(f"in-process measurements on {common.database_name(url)}")
    extra = [f"--only={','.join(only)}"] if only else []
    done = _python("inprocess.py", f"--database-url={url}", *extra)
    return json.loads(done.stdout.strip().splitlines()[-1])


def flush_cache() -> None:
    import redis

    redis.Redis.from_url(common.REDIS_URL).flushdb()


def page_cache_keys() -> int:
    """Keys in the bench Redis database other than allauth's rate-limit counters."""
    import redis

    client = redis.Redis.from_url(common.REDIS_URL)
    return sum(1 for key in client.scan_iter(count=1000) if b"allauth" not in key)


# --------------------------------------------------------------------------- measuring
def _headers(cookie: str) -> dict[str, str]:
    return {**({"Cookie": cookie} if cookie else {}), "X-Forwarded-Proto": "https"}


def _warm(server: Server, path: str, cookie: str, args: argparse.Namespace, bust: bool):
    """Check the page answers 200 and warm it up; returns (seconds of one request, problem)."""
    started = time.monotonic()
    answer = server.get(path, cookie, timeout=max(120, args.timeout))
    single = time.monotonic() - started
    if answer.status != 200:
        return single, f"HTTP {answer.status} for {path}"
    if single < 2:
        loadtest.run(
            server.base + path,
            duration=min(3, args.duration),
            connections=args.connections,
            headers=_headers(cookie),
            bust=bust,
            timeout=args.timeout,
        )
    return single, ""


def _stretch(single: float, args: argparse.Namespace) -> tuple[float, int, str]:
    """Duration and timeout for a page: longer for slow pages, so some requests complete.

    With more connections than workers a request waits for the ones ahead of
    it: its latency is about one request's time × connections / workers.
    """
    latency = single * args.connections / WORKERS
    duration = max(args.duration, min(MAX_DURATION, math.ceil(3 * latency)))
    timeout = max(args.timeout, math.ceil(4 * latency))  # a loaded machine doubles it
    note = ""
    if duration > args.duration or timeout > args.timeout:
        note = f"one request {single:.1f} s: ran {duration:.0f} s, timeout {timeout} s"
    return duration, timeout, note


def measure(
    server: Server, path: str, cookie: str, args: argparse.Namespace, *, bust: bool = False
) -> tuple[loadtest.Result | None, list[str]]:
    database = args.database_url if server.name == "portal" else None
    single, problem = _warm(server, path, cookie, args, bust)
    server.wait_idle(database)
    if problem:
        return None, [problem]
    duration, timeout, note = _stretch(single, args)
    notes = [note] if note else []
    result = loadtest.run(
        server.base + path,
        duration=duration,
        connections=args.connections,
        headers=_headers(cookie),
        bust=bust,
        timeout=timeout,
    )
    if not result.requests:
        notes.append(f"no request completed in {duration:.0f} s")
    waited = server.wait_idle(database)
    if waited > 5:
        notes.append(f"idle {waited:.0f} s after the run")
    return result, notes


def _no_page_cache(portal: Server, path: str, cookie: str) -> bool:
    """True when two requests of the page leave nothing but rate limits in the cache."""
    for _ in range(2):
        portal.get(path, cookie, timeout=120)
    return page_cache_keys() == 0


def measure_pages(portal, cookies, subjects, measured, keys, args) -> None:
    for page in pages.PAGES:
        if keys and page.key not in keys:
            continue
        cookie = cookies.get(page.who, "")
        if page.key.endswith("-cached") and _no_page_cache(portal, page.url(subjects), cookie):
            uncached = measured.pages.get(page.key.removesuffix("-cached"))
            if uncached is not None:
                measured.pages[page.key] = uncached
                measured.notes.setdefault(page.key, []).append(
                    "no page cache yet: the uncached figure"
                )
                continue
        log(f"{page.key}: {page.url(subjects)}")
        result, notes = measure(portal, page.url(subjects), cookie, args, bust=page.bust)
        if result is not None:
            measured.pages[page.key] = result
        measured.notes.setdefault(page.key, []).extend(notes)


def measure_memory(portal, cookies, subjects, large, args) -> tuple:
    mix = [
        (p.url(subjects), cookies.get(p.who, "")) for p in pages.PAGES if p.key in pages.MEMORY_MIX
    ]
    mix += [(f"/challenges/{pk}/", "") for pk in subjects.get("details", [])]
    log(f"memory: warm-up, then {args.memory_requests} requests over {len(mix)} pages")
    warm = min(1000, max(100, args.memory_requests // 10))
    loadtest.run_mix(portal.base, mix, requests=warm, connections=args.connections)
    portal.wait_idle(args.database_url)
    before = portal.rss()
    result = loadtest.run_mix(
        portal.base, mix, requests=args.memory_requests, connections=args.connections
    )
    portal.wait_idle(args.database_url)
    return before, portal.rss(), result


def serve_and_measure(args, keys, measured: report.Measured) -> None:
    subjects = (measured.large or measured.small or {}).get("subjects", {})
    hello_env = {**common.environment(""), "DJANGO_SETTINGS_MODULE": "benchmarks.hello.settings"}
    hello = Server("hello", "benchmarks.hello.wsgi:application", hello_env)
    portal = Server("portal", "portal.wsgi:application", common.environment(args.database_url))
    try:
        log("starting gunicorn: hello-world and the portal")
        hello.start("/")
        portal.start("/healthz")
        wanted = {p.who for p in pages.PAGES if (not keys or p.key in keys) and p.who != "anon"}
        if not keys or "memory" in keys:
            wanted |= {p.who for p in pages.PAGES if p.key in pages.MEMORY_MIX} - {"anon"}
        cookies = {who: portal.login(ACCOUNTS[who], common.PASSWORD) for who in sorted(wanted)}
        if not keys or "hello" in keys or set(keys) & set(pages.PAGE_KEYS):
            log("hello-world")
            measured.hello.append(measure(hello, "/", "", args)[0] or loadtest.Result())
        measure_pages(portal, cookies, subjects, measured, keys, args)
        if measured.pages:
            log("hello-world again")
            measured.hello.append(measure(hello, "/", "", args)[0] or loadtest.Result())
        if not keys or "memory" in keys:
            measured.memory = measure_memory(portal, cookies, subjects, measured.large or {}, args)
    finally:
        portal.stop()
        hello.stop()


# --------------------------------------------------------------------------- output
def _size(data: dict | None) -> str:
    sizes = (data or {}).get("sizes")
    if not sizes:
        return "?"
    return (
        f"{sizes['challenges']:,} challenges ({sizes['public']:,} public), "
        f"big challenge with {sizes['bids']:,} bids × 5 reviews"
    )


def header(args: argparse.Namespace, started: dt.datetime, measured: report.Measured) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=common.ROOT, capture_output=True, text=True
    ).stdout.strip()
    load = os.getloadavg()
    return "\n".join(
        [
            f"# Benchmark {started:%Y-%m-%d %H:%M} UTC",
            "",
            f"- commit {commit or '?'} (plus uncommitted changes, if any); {os.cpu_count()} CPUs, "
            f"load average {load[0]:.2f} at the start",
            f"- wrk -t2 -c{args.connections} -d{args.duration}s --latency --timeout {args.timeout}s; "
            f"gunicorn 2 sync workers; DEBUG off, PostgreSQL, Redis",
            f"- large DB: {_size(measured.large)}; small DB: {_size(measured.small)}",
            "- queries: per warm request, in-process (Django test client); "
            "cached pages repeat one URL, uncached ones bust any page cache",
            "",
            "",
        ]
    )


def write_results(text: str, started: dt.datetime) -> Path:
    common.RESULTS_DIR.mkdir(exist_ok=True)
    path = common.RESULTS_DIR / f"{started:%Y-%m-%d}.md"
    if path.exists():
        path = common.RESULTS_DIR / f"{started:%Y-%m-%d-%H%M}.md"
    path.write_text(text + "\n")
    return path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds per page (20)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument("--timeout", type=int, default=30, help="wrk request timeout, s (30)")
    choices = ", ".join(pages.PAGE_KEYS + pages.OTHER_KEYS)
    parser.add_argument("--only", action="append", default=[], help=f"repeatable: {choices}")
    parser.add_argument("--skip-seed", action="store_true", help="use the databases as they are")
    parser.add_argument("--reseed", action="store_true", help="rebuild both databases")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--database-url", default=common.LARGE_DB_URL)
    parser.add_argument("--small-database-url", default=common.SMALL_DB_URL)
    parser.add_argument("--challenges", type=int, default=100_000)
    parser.add_argument("--bids", type=int, default=1000)
    parser.add_argument("--small-challenges", type=int, default=1000)
    parser.add_argument("--small-bids", type=int, default=10)
    args = parser.parse_args(argv)
    args.keys = [k for item in args.only for k in item.split(",") if k]
    unknown = set(args.keys) - set(pages.PAGE_KEYS + pages.OTHER_KEYS)
    if unknown:
        parser.error(f"unknown --only {', '.join(sorted(unknown))}; choose from {choices}")
    args.connections = max(args.connections, 2)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    loadtest.require_wrk()
    started = dt.datetime.now(dt.UTC)
    if not args.skip_seed:
        seed(args)
    second_factor(args)
    collectstatic()
    flush_cache()
    keys = args.keys
    measured = report.Measured()
    inprocess_keys = [k for k in keys if k not in ("hello", "memory")]
    if not keys or inprocess_keys:
        measured.small = inprocess(args.small_database_url, inprocess_keys)
        measured.large = inprocess(args.database_url, inprocess_keys)
    else:
        measured.large = inprocess(args.database_url, ["subjects-only"])
    serve_and_measure(args, keys, measured)
    text = header(args, started, measured) + report.table(measured, keys or None)
    print(text)
    log(f"written to {write_results(text, started).relative_to(common.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
