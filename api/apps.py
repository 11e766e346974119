from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API access")

    def ready(self) -> None:
        from notifications.events import register

        from .events import EVENTS

        register(*EVENTS)
