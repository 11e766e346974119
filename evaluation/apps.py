from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation and validation")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from .signals import accept_reviewer_invitations

        email_confirmed.connect(
            accept_reviewer_invitations, dispatch_uid="evaluation.reviewer_invitations"
        )
