"""What the benchmark scripts share: paths, the environment, the bench databases, the accounts.

Each script (`seed.py`, `inprocess.py`, `run.py`) calls `configure()` before
it imports anything from Django, so they all run the portal with the same
production settings (`benchmarks.portal_settings`) against the bench
database named by `DATABASE_URL`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RUN_DIR = BENCH_DIR / ".run"
STATIC_DIR = BENCH_DIR / ".static"
MEDIA_DIR = BENCH_DIR / ".media"
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

# Overridable, so that two checkouts on one machine do not share (and flush) them.
LARGE_DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
SMALL_DB_URL = os.environ.get(
    "BENCH_SMALL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_small"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SECRET_KEY = "benchmark-only-secret-key-not-used-anywhere-else-0123456789-abcdefghij"

# Accounts made by the seed, with a password that works only on the bench databases.
PASSWORD = "Bench-Portal-2026"
OPERATOR_EMAIL = "bench.operator@bench.example"
REVIEWER_EMAIL = "bench.reviewer@bench.example"
MEMBER_EMAIL = "bench.member@bench.example"
# The authenticator app of the operator and the reviewer (second_factor.py), base32.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, period: int = 30, digits: int = 6) -> str:
    """The current TOTP code of `secret` (RFC 6238, SHA-1, as allauth checks it)."""
    import base64
    import hashlib
    import hmac
    import struct
    import time

    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // period), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


# The one big challenge in evaluation (found by its title) and the version of the seed:
# change SEED_VERSION whenever seed.py builds something different.
BIG_TITLE = "Province-scale rice yield forecasting from satellite and weather time series"
SEED_VERSION = "1"


def environment(database_url: str) -> dict[str, str]:
    """The production environment the portal runs with in the benchmark."""
    return {
        "DJANGO_SETTINGS_MODULE": "benchmarks.portal_settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",  # as in docker-compose.yml
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(MEDIA_DIR),
        "LOG_LEVEL": "WARNING",
        "DEMO_ENABLED": "false",
    }


def configure(database_url: str | None = None) -> None:
    """Put the project on sys.path and set the environment (before Django is imported)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    url = database_url or os.environ.get("BENCH_DATABASE_URL") or LARGE_DB_URL
    for key, value in environment(url).items():
        os.environ[key] = value
    os.chdir(ROOT)


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def maintenance_url(url: str) -> str:
    """The same server's `postgres` database, to create and drop the bench databases."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))


def check_bench_name(url: str) -> str:
    """Refuse any database whose name does not say it is a benchmark database."""
    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(
            f"refusing to touch database {name!r}: a bench database's name contains 'bench'"
        )
    return name


def connect(url: str, *, autocommit: bool = True):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=parts.path.lstrip("/"),
        autocommit=autocommit,
    )


def seed_marker(url: str) -> str | None:
    """The comment the seed leaves on a finished bench database, or None."""
    import psycopg

    name = database_name(url)
    try:
        with connect(maintenance_url(url)) as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return row[0] if row else None


def marker_text(*, challenges: int, bids: int, reviewers: int) -> str:
    return f"bench-seed v{SEED_VERSION} challenges={challenges} bids={bids} reviewers={reviewers}"
