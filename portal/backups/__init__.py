"""Backups that are proven: a database dump, a media archive and a manifest that checks both.

A backup is one directory under BACKUP_DIR (`portal-<UTC timestamp>/`):

- `database.dump`: `pg_dump --format=custom` on PostgreSQL; on SQLite a consistent copy
  of the database file made with SQLite's online backup API;
- `media.tar.gz`: every regular file under MEDIA_ROOT;
- `manifest.json`: when and from which commit it was made, the database engine, the
  row count of every table *as dumped*, every media file's path, size and SHA-256,
  and the size and SHA-256 of the dump and of the archive.

The row counts come from the very snapshot the dump is taken from (PostgreSQL: an
exported snapshot shared with pg_dump; SQLite: counted in the copy), so a restore can
be checked against them exactly even when the portal was busy during the backup.

`backup_verify` proves a backup sound without restoring it; `backup_restore` verifies,
restores into an empty database and media folder (or over them when forced), then
compares the restored rows and files with the manifest. The commands `backup` and
`restore` are the interface; `database` and `media` hold the two halves.
"""

from portal.backups.common import BackupError, Report
from portal.backups.services import (
    backup_create,
    backup_find,
    backup_list,
    backup_prune,
    backup_restore,
    backup_verify,
    default_backup_dir,
)

__all__ = [
    "BackupError",
    "Report",
    "backup_create",
    "backup_find",
    "backup_list",
    "backup_prune",
    "backup_restore",
    "backup_verify",
    "default_backup_dir",
]
