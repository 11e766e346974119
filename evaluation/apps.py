from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation and validation")

    def ready(self) -> None:
        # Imported here: models must be loaded before the app's modules are.
        from allauth.account.signals import email_confirmed
        from django.db.models.signals import post_save

        from challenges.lifecycle import CHALLENGE
        from entities.models import Membership
        from notifications.events import register

        from .events import EVENTS
        from .lifecycle import install
        from .services.conflicts import conflicts_detect_for_challenge
        from .signals import accept_reviewer_invitations, recheck_conflicts_on_membership

        register(*EVENTS)
        install()
        # When bidding closes, reviewers already on the panel are checked against the bids.
        CHALLENGE.on("close", effects=[conflicts_detect_for_challenge])
        CHALLENGE.on("close_early", effects=[conflicts_detect_for_challenge])
        post_save.connect(
            recheck_conflicts_on_membership,
            sender=Membership,
            dispatch_uid="evaluation.recheck_conflicts",
        )
        email_confirmed.connect(
            accept_reviewer_invitations, dispatch_uid="evaluation.reviewer_invitations"
        )
