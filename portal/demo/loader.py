"""`load_demo`: the whole demo, in one transaction; idempotent, refused without DEBUG."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from entities.models import Organization

from .accounts import load_people
from .challenges import load_challenges
from .evaluation import load_evaluation


@transaction.atomic
def load_demo() -> dict[str, Organization]:
    """Load the demo accounts, organizations, challenges, bids, reviews and validation.

    Accounts and organizations are completed on every run; challenges and
    everything built on them only when there is no challenge yet.
    """
    if not settings.DEMO_ENABLED:
        raise ImproperlyConfigured(
            "Demo data is only for the embedded default (DEBUG=true); refusing to create "
            "accounts with published passwords."
        )
    people = load_people()
    challenges = load_challenges(people)
    if challenges:
        load_evaluation(people, challenges)
    return people.organizations
