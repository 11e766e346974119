from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # Imported here: the signal handlers need the apps loaded.
        from django.contrib.auth.signals import user_logged_in

        from .privacy import on_logged_in
        from .signals import on_post_migrate

        user_logged_in.connect(on_logged_in, dispatch_uid="portal.privacy_check")

        # post_migrate is sent per app with models (the portal has none) after every
        # migrate and test flush; the handler acts on the last one, when every app's
        # permissions exist.
        post_migrate.connect(on_post_migrate, dispatch_uid="portal.operators_group")
