from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = _("Challenges and bids")

    def ready(self) -> None:
        # Imported here: models must be loaded before the app's modules are.
        from notifications.events import register

        from .events import EVENTS

        register(*EVENTS)
