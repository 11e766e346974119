"""`manage.py backup` with files in object storage says the bucket is not in the backup."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

# SQLite's backup API cannot read the in-memory test database inside the test transaction.
pytestmark = pytest.mark.django_db(transaction=not settings.IS_POSTGRES)


def _backup(tmp_path) -> str:
    out = StringIO()
    call_command("backup", backup_dir=tmp_path / "backups", stdout=out, stderr=out)
    return out.getvalue()


def test_backup_with_a_bucket_names_it_as_not_included(tmp_path, settings):
    settings.S3_BUCKET = "portal-files"
    output = _backup(tmp_path)
    assert "Backup written to" in output
    assert "'portal-files', not in this backup" in output


def test_backup_with_local_files_has_no_bucket_notice(tmp_path, settings):
    settings.S3_BUCKET = ""
    output = _backup(tmp_path)
    assert "Backup written to" in output and "bucket" not in output
