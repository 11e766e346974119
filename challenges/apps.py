from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = _("Challenges and bids")

    def ready(self) -> None:
        # Imported here: models must be loaded before the app's modules are.
        from notifications.events import register

        from .deadlines import install as install_deadline_rows
        from .events import EVENTS
        from .lifecycle import CHALLENGE
        from .tasks import queue_saved_search_alerts

        register(*EVENTS)
        install_deadline_rows()
        # Saved searches hear about a challenge once it is published (a Celery fan-out).
        CHALLENGE.on("publish", effects=[queue_saved_search_alerts])
