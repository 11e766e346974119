"""`manage.py backup`: dump the database and archive the media, with a manifest of hashes."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backups import (
    BackupError,
    backup_create,
    backup_prune,
    backup_verify,
    default_backup_dir,
)


class Command(BaseCommand):
    # A backup or a restore after an incident must not wait for unrelated system checks.
    requires_system_checks = []
    help = (
        "Back up the database (pg_dump, or an SQLite copy) and MEDIA_ROOT into a new "
        "directory under BACKUP_DIR, with a manifest of row counts and SHA-256 hashes, "
        "and verify what was written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backup-dir",
            type=Path,
            help="Where to write the backup (default: BACKUP_DIR, else var/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="Afterwards delete all but the newest N backups in the directory.",
        )

    def handle(self, *args, backup_dir=None, keep=None, **options):
        backup_dir = backup_dir or default_backup_dir()
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            path = backup_create(backup_dir=backup_dir, media_root=Path(settings.MEDIA_ROOT))
            manifest, report = backup_verify(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines:
            self.stdout.write(f"  {line}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"The backup in {path} does not verify.")
        tables = manifest["database"]["tables"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path}: {len(tables)} tables, {sum(tables.values())} rows, "
                f"{len(manifest['media']['files'])} media files."
            )
        )
        if getattr(settings, "S3_BUCKET", ""):
            # The files are not under MEDIA_ROOT: say so, rather than let an empty
            # media archive look like a complete backup.
            self.stdout.write(
                self.style.WARNING(
                    f"Uploaded files are in the object-storage bucket {settings.S3_BUCKET!r}, "
                    "not in this backup: back the bucket up with the object store's own tools "
                    '(versioning and replication, or a mirror; README "Scaling out").'
                )
            )
        if keep is not None:
            for old in backup_prune(backup_dir, keep=keep):
                self.stdout.write(f"  deleted the older backup {old.name}")
