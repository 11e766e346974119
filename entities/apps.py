from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = _("Organizations and people")

    def ready(self) -> None:
        # Imported here: models must be loaded before the app's modules are.
        from notifications.events import register

        from . import signals
        from .eligibility import set_facts_loader
        from .events import EVENTS
        from .selectors import eligibility_facts

        register(*EVENTS)
        # The pure engine turns organizations into facts through this selector.
        set_facts_loader(eligibility_facts)
        signals.connect()
