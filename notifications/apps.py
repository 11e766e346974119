from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Imported here: the tasks module needs the apps loaded. The services hand
        # deliveries to these tasks through PUBLISHERS, so they never import tasks.
        from .services import PUBLISHERS
        from .tasks import deliver, send_digest

        PUBLISHERS.update(delivery=deliver, digest=send_digest)
