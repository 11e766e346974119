from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = _("Challenges and bids")

    def ready(self) -> None:
        # Imported here: models must be loaded before the app's modules are.
        from entities.models import Organization, OrganizationTranslation
        from entities.privacy import register_personal_data
        from notifications.events import register

        from . import publiccache
        from .deadlines import install as install_deadline_rows
        from .events import EVENTS
        from .lifecycle import BID, CHALLENGE
        from .models import (
            Attachment,
            Challenge,
            ChallengeKPI,
            ChallengeTranslation,
            ClarificationQuestion,
        )
        from .privacy import erase_personal_data, export_personal_data
        from .tasks import queue_bid_receipt, queue_saved_search_alerts

        register(*EVENTS)
        # A person's saved searches are in their data download and go with their account.
        register_personal_data(exporter=export_personal_data, eraser=erase_personal_data)

        install_deadline_rows()
        # Saved searches hear about a challenge once it is published (a Celery fan-out).
        CHALLENGE.on("publish", effects=[queue_saved_search_alerts])
        # Cached public pages go stale when what they show changes (challenges.publiccache).
        # Language versions of a challenge or of its organization's profile, and
        # published answers to questions, show on the cached pages too.
        publiccache.connect(
            challenge=Challenge,
            parts=(ChallengeKPI, Attachment, ClarificationQuestion),
            owners=(Organization, ChallengeTranslation, OrganizationTranslation),
            machine=CHALLENGE,
        )

        # The submission receipt (PDF) is rendered and stored once the bid is submitted.
        BID.on("submit", effects=[queue_bid_receipt])
