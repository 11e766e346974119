"""`manage.py restore <backup>`: verify a backup, restore it and prove the result."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backups import (
    BackupError,
    backup_find,
    backup_restore,
    backup_verify,
    default_backup_dir,
)


class Command(BaseCommand):
    # A backup or a restore after an incident must not wait for unrelated system checks.
    requires_system_checks = []
    help = (
        "Verify a backup made by `backup` (hashes, archive, dump), restore the database and "
        "the media files, then check row counts and file hashes against its manifest. "
        "Exits non-zero on any mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "backup", help="A backup directory, its name under the backup directory, or 'latest'."
        )
        parser.add_argument(
            "--backup-dir",
            type=Path,
            help="Where to look for named backups (default: BACKUP_DIR, else var/backups).",
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="Check the backup; restore nothing."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database or media folder that is not empty.",
        )
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the portal's (e.g. for a restore drill).",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            help="Restore the files into this folder instead of MEDIA_ROOT.",
        )

    def handle(self, *args, **options):
        try:
            path = backup_find(
                options["backup"], backup_dir=options["backup_dir"] or default_backup_dir()
            )
            if options["verify_only"]:
                _manifest, report = backup_verify(path)
            else:
                report = backup_restore(
                    path,
                    media_root=options["media_root"] or Path(settings.MEDIA_ROOT),
                    database_url=options["database_url"],
                    force=options["force"],
                )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines:
            self.stdout.write(f"  {line}")
        for problem in report.problems:
            self.stderr.write(self.style.ERROR(f"  {problem}"))
        if not report.ok:
            raise CommandError(f"{len(report.problems)} problem(s) with {path}.")
        done = "verified" if options["verify_only"] else "restored and verified"
        self.stdout.write(self.style.SUCCESS(f"Backup {path.name} {done}."))
