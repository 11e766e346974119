"""Demo data for the embedded default (`make run`, `manage.py load_demo`).

One account per role, realistic organizations on both sides, a dozen
challenges in every stage, bids, reviews and a validation in progress; all
built through the apps' services and lifecycle by `portal.demo.builders`,
the same builders the test factories use. Idempotent; refused without DEBUG.

- `accounts`: organizations, accounts and memberships (`DEMO_ACCOUNTS`, `DEMO_PASSWORD`)
- `challenges`: challenges and bids
- `evaluation`: panels, reviews, a decision and a validation
- `loader`: `load_demo`, which runs them in one transaction
"""

from .accounts import DEMO_ACCOUNTS, DEMO_ORGANIZATIONS, DEMO_PASSWORD, DemoAccount
from .loader import load_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_ORGANIZATIONS", "DEMO_PASSWORD", "DemoAccount", "load_demo"]
