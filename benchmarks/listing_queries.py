"""Benchmark: the public challenge listing at 1,000 challenges.

Prints the number of SQL queries and the time per request for the listing
(plain, searched, filtered, sorted, page 40) and for a challenge page.
Runs against a throw-away test database: SQLite by default, PostgreSQL when
DATABASE_URL is set (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal).

    .venv/bin/python benchmarks/listing_queries.py [--challenges 1000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
sys.modules.setdefault("pytest", type(sys)("pytest"))  # TESTING=True: test-friendly settings

import warnings  # noqa: E402

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def build(n: int) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from challenges.enums import ChallengeState
    from challenges.models import Challenge, ChallengeKPI
    from challenges.search import update_search_vector
    from tests.factories import OrganizationFactory

    sectors = ["agriculture", "health", "disaster_warning", "logistics", "energy", "education"]
    modes = [
        "collaborative_rnd",
        "technology_transfer",
        "personnel_training",
        "technology_licensing",
    ]
    organizations = [OrganizationFactory(asean=True) for _ in range(40)]
    now = timezone.now()
    challenges = [
        Challenge(
            organization=organizations[i % len(organizations)],
            title=f"Challenge {i}: {'flood' if i % 7 == 0 else 'rice'} {sectors[i % 6]} analytics",
            summary="Operational problem statement summary " * 4,
            problem_statement="Detect, forecast and optimise " * 10,
            operational_scenario="Provincial offices and cooperatives " * 5,
            sector=sectors[i % 6],
            cooperation_modes=[modes[i % 4], modes[(i + 1) % 4]],
            budget_min=Decimal(1000 * i),
            budget_max=Decimal(1000 * i + 5000),
            deadline=now + dt.timedelta(days=1 + i % 90),
            state=ChallengeState.LISTED if i % 10 else ChallengeState.EVALUATION,
            published_at=now - dt.timedelta(minutes=i),
        )
        for i in range(n)
    ]
    Challenge.objects.bulk_create(challenges, batch_size=500)
    ChallengeKPI.objects.bulk_create(
        [
            ChallengeKPI(challenge=c, metric="Recall", target="85 %")
            for c in Challenge.objects.all()
        ],
        batch_size=500,
    )
    for pk in Challenge.objects.values_list("pk", flat=True):
        update_search_vector(pk)


def measure(client: Client, url: str, repeat: int = 5) -> tuple[int, float, int]:
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return queries, statistics.median(times), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--challenges", type=int, default=1000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        build(args.challenges)
        print(
            f"database: {connection.vendor}; {args.challenges} challenges built in {time.perf_counter() - started:.1f} s"
        )
        from challenges.models import Challenge

        client = Client()
        some = Challenge.objects.filter(state="listed").first()
        rows = [
            ("listing, page 1", "/challenges/"),
            ("listing, page 40", "/challenges/?page=40"),
            ("search 'flood'", "/challenges/?q=flood"),
            (
                "filters sector+mode+open",
                "/challenges/?sector=health&mode=collaborative_rnd&status=open",
            ),
            ("sort by deadline", "/challenges/?sort=deadline"),
            ("challenge page", f"/challenges/{some.pk}/"),
            ("home page", "/"),
        ]
        print(f"{'page':28} {'queries':>8} {'median ms':>10} {'bytes':>9}")
        for label, url in rows:
            queries, ms, size = measure(client, url)
            print(f"{label:28} {queries:8d} {ms:10.1f} {size:9d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
