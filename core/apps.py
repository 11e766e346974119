from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: app-agnostic machinery (transitions, the audit trail) every app uses."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import signals
        from .audit import audit_transitions
        from .transitions import observe_all

        # Every state change of every machine, in one place.
        observe_all(audit_transitions)
        signals.connect()
