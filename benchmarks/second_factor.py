"""Give the bench's programme-office and reviewer accounts an authenticator app (TOTP).

Those accounts must use a second factor (`portal.mfa`); the benchmark signs
them in through the real login form and answers the second step with a code
of `common.TOTP_SECRET`. Idempotent; bench databases only.

    .venv/bin/python benchmarks/second_factor.py --database-url URL
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=common.LARGE_DB_URL)
    args = parser.parse_args(argv)
    common.check_bench_name(args.database_url)
    common.configure(args.database_url)
    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model

    for email in (common.OPERATOR_EMAIL, common.REVIEWER_EMAIL):
        user = get_user_model().objects.filter(email=email).first()
        if user is None:
            continue
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, common.TOTP_SECRET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
