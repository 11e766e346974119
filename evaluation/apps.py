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

        from . import documents, reopening
        from .events import EVENTS
        from .lifecycle import install
        from .services import decision
        from .services.conflicts import conflicts_detect_for_challenge
        from .signals import accept_reviewer_invitations, recheck_conflicts_on_membership
        from .tasks import queue_decision_feedback

        _ranking_hooks()

        register(*EVENTS)
        install()
        reopening.install()  # reopening the decision after an upheld appeal
        # The losing bids of a decision are told by the workers, not by the request.
        if queue_decision_feedback not in decision.FEEDBACK_FAN_OUT:
            decision.FEEDBACK_FAN_OUT.append(queue_decision_feedback)

        documents.install()  # the decision letter and the validation certificate (PDF)
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


def _ranking_hooks() -> None:
    """The cached ranking goes stale when a review, the rubric, the panel or a bid changes."""
    from django.db.models.signals import post_delete, post_save

    from challenges.lifecycle import BID
    from challenges.models import Bid

    from . import signals
    from .models import Criterion, Review, ReviewerAssignment

    for model, receiver in (
        (Review, signals.ranking_stale_on_review),
        (Criterion, signals.ranking_stale_on_criterion),
        (ReviewerAssignment, signals.ranking_stale_on_assignment),
        (Bid, signals.ranking_stale_on_bid),
    ):
        uid = f"evaluation.ranking:{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete")
    if signals.ranking_stale_on_bid_changes not in BID.audit:
        BID.audit.append(signals.ranking_stale_on_bid_changes)
