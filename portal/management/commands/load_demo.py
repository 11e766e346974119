from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load demo organizations, accounts and challenges (embedded default only; idempotent)."

    def handle(self, *args, **options):
        try:
            # Keep the console readable: demo e-mails go to memory, not to stdout.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                load_demo()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. Sign in with any of these accounts:")
        )
        width = max(len(a.email) for a in DEMO_ACCOUNTS)
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.role}")
        self.stdout.write(f"  password for all: {DEMO_PASSWORD}")
