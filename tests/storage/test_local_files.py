"""The embedded default keeps files on the local disk, served the same way as from a bucket."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from challenges.models import Attachment
from tests.challenges.factories import ChallengeFactory
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def _stored_attachment() -> Attachment:
    attachment = Attachment(challenge=ChallengeFactory(), public=False, title="Doc")
    attachment.file.save("doc.pdf", SimpleUploadedFile("doc.pdf", PDF_BYTES), save=False)
    attachment.original_name, attachment.content_type = "doc.pdf", "application/pdf"
    attachment.size, attachment.sha256 = len(PDF_BYTES), "0" * 64
    attachment.save()
    return attachment


def test_local_file_is_streamed_with_the_download_headers(client_for, operator, settings):
    attachment = _stored_attachment()
    assert (Path(settings.MEDIA_ROOT) / attachment.file.name).read_bytes() == PDF_BYTES
    response = client_for(operator).get(reverse("challenges:attachment", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert response["Content-Disposition"] == 'inline; filename="doc.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_local_file_missing_from_disk_is_a_404_and_logged(client_for, operator, settings, caplog):
    attachment = _stored_attachment()
    (Path(settings.MEDIA_ROOT) / attachment.file.name).unlink()
    response = client_for(operator).get(reverse("challenges:attachment", args=[attachment.pk]))
    assert response.status_code == 404
    assert "stored file missing" in caplog.text and attachment.file.name in caplog.text
