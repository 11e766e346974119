"""Seed a bench database: 100,000 challenges and a 1,000-bid competition in under 3 minutes.

    .venv/bin/python benchmarks/seed.py                      # portal_bench, full size
    .venv/bin/python benchmarks/seed.py --challenges 1000 --bids 10 \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_small

Creates the database if it is missing and migrates it, then writes with
bulk inserts: ASEAN demand organizations in the 11 member states (100 per
country at full size) and one verified Guangxi organization per bid, each
with an owner, its members' group, object permissions and capabilities
declared with evidence; N challenges in public and other states with
varied texts (about 4 % mention floods) and the search vectors filled by
one UPDATE with the app's own expression; the big challenge in evaluation
with its bids under review, the default rubric, five reviewers and a
submitted review of every bid by every reviewer. The accounts in
`benchmarks/common.py` (operator, reviewer, organization member) get the
password `Bench-Portal-2026`.

Idempotent: a database already seeded with the same sizes is left alone
(the seed leaves a comment on it); otherwise, or with --reset, it is dropped
and built again. Only databases whose name contains "bench" are touched.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common  # noqa: E402


def _recreate(url: str) -> None:
    name = common.check_bench_name(url)
    with common.connect(common.maintenance_url(url)) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _mark(url: str, text: str) -> None:
    name = common.database_name(url)
    with common.connect(common.maintenance_url(url)) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{text}'")


class Clock:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()

    def step(self, label: str) -> None:
        now = time.perf_counter()
        print(f"  {label:<46} {now - self.last:6.1f} s", flush=True)
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.start


def _build(args: argparse.Namespace, clock: Clock) -> dict[str, int]:
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import builders, competition
    from challenges.enums import ChallengeState
    from challenges.models import Challenge
    from challenges.search import search

    call_command("migrate", verbosity=0, interactive=False)
    clock.step("migrate")
    rng = random.Random(args.random_seed)
    builders.write_evidence_file(common.MEDIA_DIR)
    cast = builders.build_cast(
        rng,
        orgs_per_country=max(5, args.challenges // 1000),
        leads=args.bids,
        password=make_password(common.PASSWORD),
        unusable=make_password(None),
    )
    clock.step(f"{len(cast.demand) + len(cast.leads)} organizations and their owners")
    builders.build_challenges(rng, args.challenges - 1, cast.demand)
    clock.step(f"{args.challenges - 1} challenges and their KPIs")
    competition.build_competition(rng, cast, bids=args.bids)
    clock.step(f"the big challenge: {args.bids} bids x {len(cast.reviewers)} reviews")
    builders.fill_search_vectors()
    clock.step("search vectors (one UPDATE)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    clock.step("VACUUM ANALYZE")
    public = Challenge.objects.filter(state__in=ChallengeState.public())
    return {
        "challenges": Challenge.objects.count(),
        "public": public.count(),
        "flood": search(public, "flood").count(),
        "reviewers": len(cast.reviewers),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=common.LARGE_DB_URL)
    parser.add_argument("--challenges", type=int, default=100_000)
    parser.add_argument("--bids", type=int, default=1000)
    parser.add_argument("--random-seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="drop and rebuild even if seeded")
    args = parser.parse_args(argv)
    url = args.database_url
    name = common.check_bench_name(url)
    expected = common.marker_text(challenges=args.challenges, bids=args.bids, reviewers=5)
    if not args.reset and common.seed_marker(url) == expected:
        print(f"{name}: already seeded ({expected}); --reset rebuilds it")
        return 0
    common.configure(url)
    print(f"{name}: seeding {args.challenges} challenges, {args.bids} bids", flush=True)
    clock = Clock()
    _recreate(url)
    clock.step("create database")
    stats = _build(args, clock)
    _mark(url, expected)
    print(
        f"{name}: done in {clock.total:.1f} s: {stats['challenges']} challenges "
        f"({stats['public']} public, {stats['flood']} match 'flood'), "
        f"{args.bids} bids x {stats['reviewers']} reviews",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
