"""Make, find, prune, verify and restore backups (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from portal.backups.common import (
    DUMP_NAME,
    FORMAT,
    MANIFEST_NAME,
    MEDIA_NAME,
    PREFIX,
    BackupError,
    Report,
    sha256_file,
)
from portal.backups.database import (
    check_dump,
    compare_counts,
    dump_database,
    restore_database,
    row_counts,
    table_names,
    target_connection,
)
from portal.backups.media import (
    archive_media,
    check_archive,
    compare_media,
    media_files,
    unpack_media,
)


def default_backup_dir() -> Path:
    """BACKUP_DIR from the settings (or the environment until settings declare it)."""
    configured = getattr(settings, "BACKUP_DIR", None) or os.environ.get("BACKUP_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "backups"


def _git_commit() -> str | None:
    if commit := os.environ.get("PORTAL_GIT_COMMIT"):
        return commit
    try:
        result = subprocess.run(  # nosec B603 B607  # a fixed git command, no shell
            ["git", "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def _new_directory(root: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name, n = f"{PREFIX}{stamp}", 1
    while (root / name).exists():
        n += 1
        name = f"{PREFIX}{stamp}-{n}"
    return root / name


def backup_create(*, backup_dir: Path, media_root: Path, now: dt.datetime | None = None) -> Path:
    """Write a new backup of the default database and media_root; return its directory.

    The backup is written to a hidden directory and renamed when complete, so a
    backup that failed half-way never looks like one.
    """
    now = now or dt.datetime.now(dt.UTC)
    backup_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = _new_directory(backup_dir, now)
    work = backup_dir / f".{final.name}.partial"
    work.mkdir(mode=0o700)  # password hashes and confidential bids: owner only
    try:
        source, tables = dump_database(work / DUMP_NAME)
        files = archive_media(Path(media_root), work / MEDIA_NAME)
        manifest = {
            "format": FORMAT,
            "created_at": now.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "git_commit": _git_commit(),
            "database": {
                "engine": source.settings_dict["ENGINE"],
                "vendor": source.vendor,
                "file": DUMP_NAME,
                "size": (work / DUMP_NAME).stat().st_size,
                "sha256": sha256_file(work / DUMP_NAME),
                "tables": tables,
            },
            "media": {
                "file": MEDIA_NAME,
                "size": (work / MEDIA_NAME).stat().st_size,
                "sha256": sha256_file(work / MEDIA_NAME),
                "files": files,
            },
        }
        (work / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def backup_list(backup_dir: Path) -> list[Path]:
    """Complete backups under backup_dir, oldest first."""
    if not backup_dir.is_dir():
        return []
    return sorted(
        p
        for p in backup_dir.iterdir()
        if p.name.startswith(PREFIX) and (p / MANIFEST_NAME).is_file()
    )


def backup_prune(backup_dir: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backups; return the deleted ones."""
    if keep < 1:
        raise BackupError("Keep at least one backup.")
    doomed = backup_list(backup_dir)[:-keep]
    for path in doomed:
        shutil.rmtree(path)
    return doomed


def backup_find(name: str, *, backup_dir: Path) -> Path:
    """A backup directory from a path, a name under backup_dir, or `latest`."""
    if name == "latest":
        backups = backup_list(backup_dir)
        if not backups:
            raise BackupError(f"No backup in {backup_dir}.")
        return backups[-1]
    for candidate in (Path(name), backup_dir / name):
        if candidate.is_dir():
            return candidate
    raise BackupError(f"No backup at {name} (nor in {backup_dir}).")


def _manifest_complete(manifest: dict) -> bool:
    try:
        parts = [manifest["database"], manifest["media"]]
        hashes_ok = all(isinstance(p["sha256"], str) and isinstance(p["size"], int) for p in parts)
        tables_ok = all(isinstance(n, int) for n in manifest["database"]["tables"].values())
        files_ok = all({"path", "size", "sha256"} <= set(f) for f in manifest["media"]["files"])
    except (KeyError, TypeError, AttributeError):
        return False
    return hashes_ok and tables_ok and files_ok


def _load_manifest(path: Path) -> dict:
    try:
        manifest = json.loads((path / MANIFEST_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{path}: no {MANIFEST_NAME}; this is not a complete backup.") from exc
    except (ValueError, OSError) as exc:
        raise BackupError(f"{path / MANIFEST_NAME}: unreadable ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path / MANIFEST_NAME}: not a backup manifest of format {FORMAT}.")
    if not _manifest_complete(manifest):
        raise BackupError(f"{path / MANIFEST_NAME}: incomplete manifest.")
    return manifest


def backup_verify(path: Path) -> tuple[dict, Report]:
    """Check a backup without restoring it: file hashes, archive members, dump readability."""
    manifest = _load_manifest(path)
    report = Report()
    report.lines.append(
        f"backup {path.name}: made {manifest.get('created_at')}, commit "
        f"{manifest.get('git_commit') or 'unknown'}, {manifest['database'].get('vendor')}."
    )
    for part, name in (("database", DUMP_NAME), ("media", MEDIA_NAME)):
        file, expected = path / name, manifest[part]
        if not file.is_file():
            report.problems.append(f"{name}: missing; the backup is incomplete.")
        elif file.stat().st_size != expected["size"] or sha256_file(file) != expected["sha256"]:
            report.problems.append(f"{name}: SHA-256 or size differs from the manifest.")
        else:
            report.lines.append(f"{name}: SHA-256 matches the manifest.")
    if report.problems:
        return manifest, report  # never read the contents of a file that fails its hash
    check_dump(path / DUMP_NAME, manifest["database"], report)
    check_archive(path / MEDIA_NAME, manifest["media"]["files"], report)
    return manifest, report


def _refuse_overwrite(target: BaseDatabaseWrapper, media_root: Path) -> None:
    tables = table_names(target)
    if tables:
        raise BackupError(
            f"The target database already has {len(tables)} tables. Restore into an empty "
            "database, or stop the portal and pass --force to replace its contents."
        )
    if next(media_files(media_root), None) is not None:
        raise BackupError(
            f"The media folder {media_root} is not empty. Restore into an empty folder, "
            "or pass --force to overwrite the files of the backup in it."
        )


def _restore_into(
    target: BaseDatabaseWrapper,
    path: Path,
    manifest: dict,
    media_root: Path,
    force: bool,
    report: Report,
) -> None:
    if target.vendor != manifest["database"]["vendor"]:
        raise BackupError(
            f"This is a {manifest['database']['vendor']} backup; "
            f"the target database is {target.vendor}."
        )
    if not force:
        _refuse_overwrite(target, media_root)
    restore_database(target, path / DUMP_NAME)
    unpack_media(path / MEDIA_NAME, media_root)
    with target.cursor() as cursor:
        counts = row_counts(target, cursor, table_names(target, cursor))
    compare_counts(counts, manifest["database"]["tables"], report, where="database")
    compare_media(media_root, manifest["media"]["files"], report)


def backup_restore(
    path: Path, *, media_root: Path, database_url: str | None = None, force: bool = False
) -> Report:
    """Verify the backup, restore it into the database and media_root, then check both.

    database_url: a database other than the portal's (a restore drill); by default the
    portal's own. Raises BackupError before touching anything when the backup is not
    sound, the engines differ, or the target is not empty and force is off.
    """
    manifest, report = backup_verify(path)
    if not report.ok:
        raise BackupError(
            "The backup is not sound; nothing was restored.\n  " + "\n  ".join(report.problems)
        )
    with target_connection(database_url) as target:
        _restore_into(target, path, manifest, media_root, force, report)
    return report
