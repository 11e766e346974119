"""Recompute every challenge's search vector (after changing how text is segmented or indexed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection

from challenges.search import rebuild_search_vectors


class Command(BaseCommand):
    help = "Recompute the full-text search vector of every challenge, in all language versions."

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write(
                "No search vectors to rebuild: this database searches the text directly."
            )
            return
        count = rebuild_search_vectors()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the search vector of {count} challenges."))
