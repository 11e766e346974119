from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: app-agnostic machinery (the transition engine) that every app uses."""

    name = "core"
    verbose_name = _("Core")
