"""The restore drill: back up a small dataset, restore it somewhere fresh, prove it equal.

pg_dump reads committed data from another connection, so the tests that compare
the data are transaction=True tests. The refusals only need some backup to damage:
on PostgreSQL they run in the ordinary (much faster) test transaction; SQLite's
backup API cannot read the in-memory test database while that transaction holds
its write lock, so there they are transaction=True tests too (cheap on SQLite).
"""

from __future__ import annotations

import hashlib
import stat
import tarfile
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from portal import backups
from portal.backups import services as backup_services
from portal.backups.media import unpack_media

from .helpers import (
    build_dataset,
    file_hashes,
    flip_byte,
    model_counts,
    read_manifest,
    replace_archive,
    sqlite_counts,
    write_manifest,
)

committed = pytest.mark.django_db(transaction=True)
pytestmark = pytest.mark.django_db(transaction=not settings.IS_POSTGRES)
sqlite_only = pytest.mark.skipif(
    settings.IS_POSTGRES,
    reason="SQLite only: the default database is PostgreSQL (the postgres drill covers it)",
)


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.fixture
def backup_dir(tmp_path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def dataset(db):
    """The small dataset; request it before `backup` (in transaction=True tests)."""
    return build_dataset()


@pytest.fixture
def backup(db, backup_dir, settings) -> Path:
    """A backup made by the command, with at least one media file to damage."""
    sample = Path(settings.MEDIA_ROOT) / "private" / "sample.bin"
    sample.parent.mkdir(parents=True, exist_ok=True)
    sample.write_bytes(bytes(range(256)) * 64)
    run("backup", backup_dir=backup_dir)
    (path,) = backups.backup_list(backup_dir)
    return path


@committed
def test_backup_writes_dump_archive_and_manifest(dataset, backup, settings):
    assert sorted(p.name for p in backup.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
    ]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    manifest = read_manifest(backup)
    assert manifest["format"] == 1
    assert manifest["created_at"].endswith("Z")
    assert "git_commit" in manifest
    database, media = manifest["database"], manifest["media"]
    assert database["vendor"] == connection.vendor
    assert database["engine"] == connection.settings_dict["ENGINE"]
    for part, name in ((database, "database.dump"), (media, "media.tar.gz")):
        content = (backup / name).read_bytes()
        assert part["size"] == len(content)
        assert part["sha256"] == hashlib.sha256(content).hexdigest()
    for table, rows in model_counts().items():
        assert database["tables"][table] == rows
    assert "django_migrations" in database["tables"]
    listed = {entry["path"]: entry["sha256"] for entry in media["files"]}
    assert listed == file_hashes(Path(settings.MEDIA_ROOT))
    assert any(path.startswith("private/challenges/attachment/") for path in listed)
    assert any(path.startswith("private/entities/capabilityevidence/") for path in listed)


@committed
@sqlite_only
def test_restore_drill_sqlite(dataset, backup, tmp_path, settings):
    target, media = tmp_path / "restored.sqlite3", tmp_path / "restored-media"

    out = run("restore", str(backup), database_url=f"sqlite:///{target}", media_root=media)

    assert "restored and verified" in out
    expected = model_counts()
    assert sqlite_counts(target, expected) == expected
    tables = read_manifest(backup)["database"]["tables"]
    assert sqlite_counts(target, tables) == tables
    assert file_hashes(media) == file_hashes(Path(settings.MEDIA_ROOT))


@sqlite_only
def test_restore_refuses_a_non_empty_target_unless_forced(backup, tmp_path):
    target, media = f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "restored-media"
    run("restore", str(backup), database_url=target, media_root=media)

    with pytest.raises(CommandError, match="already has .* tables"):
        run("restore", str(backup), database_url=target, media_root=media)
    assert "restored and verified" in run(
        "restore", str(backup), database_url=target, media_root=media, force=True
    )


@sqlite_only
def test_verify_only_reports_row_counts_that_differ_from_the_manifest(backup):
    manifest = read_manifest(backup)
    manifest["database"]["tables"]["entities_organization"] += 1
    write_manifest(backup, manifest)

    with pytest.raises(CommandError, match="problem"):
        run("restore", str(backup), verify_only=True)


@committed
@pytest.mark.postgres
def test_restore_drill_postgres(dataset, backup, tmp_path, settings):
    name = f"restore_drill_{uuid.uuid4().hex[:12]}"
    config = connection.settings_dict
    user = quote(config["USER"]) + (f":{quote(config['PASSWORD'])}" if config["PASSWORD"] else "")
    url = f"postgres://{user}@{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}/{name}"
    media = tmp_path / "restored-media"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        assert "verified" in run("restore", str(backup), verify_only=True)
        out = run("restore", str(backup), database_url=url, media_root=media)
        assert "restored and verified" in out

        expected = model_counts()
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as restored:
            tables = read_manifest(backup)["database"]["tables"]
            for table in set(expected) | set(tables):
                (rows,) = restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()
                assert rows == expected.get(table, tables.get(table)), table
        assert file_hashes(media) == file_hashes(Path(settings.MEDIA_ROOT))

        with pytest.raises(CommandError, match="already has .* tables"):
            run("restore", str(backup), database_url=url, media_root=media)

        # A manifest that disagrees with the dump is caught after the restore.
        manifest = read_manifest(backup)
        manifest["database"]["tables"]["challenges_bid"] += 1
        write_manifest(backup, manifest)
        with pytest.raises(CommandError, match="problem"):
            run("restore", str(backup), database_url=url, media_root=media, force=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------- refusals
def _restore_fresh(backup: Path, tmp_path: Path, **options) -> str:
    """Restore into a database and folder that do not exist yet (nothing may create them)."""
    return run(
        "restore",
        str(backup),
        database_url=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        media_root=tmp_path / "fresh-media",
        **options,
    )


def _assert_untouched(tmp_path: Path) -> None:
    assert not (tmp_path / "fresh.sqlite3").exists()
    assert not (tmp_path / "fresh-media").exists()


@pytest.mark.parametrize("name", ["media.tar.gz", "database.dump"])
def test_a_tampered_backup_is_refused(backup, tmp_path, name):
    flip_byte(backup / name, 200)

    with pytest.raises(CommandError, match="problem"):
        run("restore", str(backup), verify_only=True)
    with pytest.raises(CommandError, match=rf"not sound(.|\n)*{name}: SHA-256"):
        _restore_fresh(backup, tmp_path)
    _assert_untouched(tmp_path)


@pytest.mark.parametrize("name", ["media.tar.gz", "database.dump"])
def test_an_incomplete_backup_is_refused(backup, tmp_path, name):
    (backup / name).unlink()

    with pytest.raises(CommandError, match=rf"{name}: missing"):
        _restore_fresh(backup, tmp_path)
    _assert_untouched(tmp_path)


def test_a_directory_without_manifest_is_not_a_backup(backup, tmp_path):
    (backup / "manifest.json").unlink()

    with pytest.raises(CommandError, match="not a complete backup"):
        run("restore", str(backup), verify_only=True)


def _member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


@pytest.mark.parametrize(
    "member, content",
    [
        (_member("../escape.txt"), b"outside"),
        (_member("private/../../escape.txt"), b"outside"),
        (_member("/tmp/escape.txt"), b"outside"),
        (_member("private/link", tarfile.SYMTYPE, "/etc/passwd"), None),
        (_member("private/hard", tarfile.LNKTYPE, "../escape.txt"), None),
    ],
    ids=["parent", "nested-parent", "absolute", "symlink", "hardlink"],
)
def test_an_archive_leaving_the_media_folder_is_refused(backup, tmp_path, member, content):
    replace_archive(backup, [(_member("private/ok.pdf"), b"%PDF-1.4"), (member, content)])

    with pytest.raises(CommandError, match="refused"):
        _restore_fresh(backup, tmp_path)
    _assert_untouched(tmp_path)
    assert not (tmp_path / "escape.txt").exists()


def test_unpacking_refuses_traversal_even_without_verification(backup, tmp_path):
    replace_archive(backup, [(_member("../escape.txt"), b"outside")])

    with pytest.raises(backups.BackupError, match="leaves the media folder"):
        unpack_media(backup / "media.tar.gz", tmp_path / "media-out")
    assert not (tmp_path / "escape.txt").exists()


def test_restore_into_the_portals_own_non_empty_database_is_refused(backup, tmp_path):
    with pytest.raises(CommandError, match="already has .* tables"):
        run("restore", str(backup), media_root=tmp_path / "fresh-media")


def test_restore_finds_the_latest_backup_by_name(backup, backup_dir):
    out = run("restore", "latest", backup_dir=backup_dir, verify_only=True)
    assert f"Backup {backup.name} verified." in out
    with pytest.raises(CommandError, match="No backup"):
        run("restore", "latest", backup_dir=backup_dir / "nothing-here", verify_only=True)
    with pytest.raises(CommandError, match="No backup at"):
        run("restore", "portal-19990101T000000Z", backup_dir=backup_dir, verify_only=True)


def test_backup_keep_deletes_the_oldest(backup_dir):
    for _ in range(3):
        run("backup", backup_dir=backup_dir, keep=2)
    kept = backups.backup_list(backup_dir)
    assert len(kept) == 2


def test_a_failed_backup_leaves_nothing_behind(backup_dir, monkeypatch):
    def broken(root, path):
        raise OSError("disk full")

    monkeypatch.setattr(backup_services, "archive_media", broken)
    with pytest.raises(OSError, match="disk full"):
        run("backup", backup_dir=backup_dir)
    assert list(backup_dir.iterdir()) == []


@sqlite_only
def test_an_sqlite_backup_inside_a_transaction_is_refused(backup_dir):
    with transaction.atomic(), pytest.raises(CommandError, match="outside a transaction"):
        run("backup", backup_dir=backup_dir)
