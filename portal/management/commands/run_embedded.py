"""`make run`: the development server plus an in-process stand-in for Celery beat."""

from __future__ import annotations

import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.celery import app

log = logging.getLogger(__name__)


def _beat_loop(interval: float) -> None:
    """Run the beat schedule's periodic tasks in-process (no Redis in the embedded default)."""
    last_run: dict[str, float] = {}
    while True:
        now = time.monotonic()
        for name, entry in app.conf.beat_schedule.items():
            schedule = entry["schedule"]
            every = schedule if isinstance(schedule, int | float) else 24 * 3600.0
            if now - last_run.get(name, 0.0) >= every:
                last_run[name] = now
                try:
                    app.tasks[entry["task"]].apply()
                except Exception:  # noqa: BLE001 - keep the loop alive, log the failure
                    log.exception("periodic task %s failed", name)
        time.sleep(interval)


class Command(BaseCommand):
    help = "Serve the portal with periodic tasks running in-process (embedded default)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        app.loader.import_default_modules()
        threading.Thread(target=_beat_loop, args=(30.0,), daemon=True, name="embedded-beat").start()
        call_command("runserver", options["addrport"], use_reloader=False)
