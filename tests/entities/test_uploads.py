"""Evidence uploads: the type comes from the content, not the name; size limited; private."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.enums import CapabilityKey
from entities.files import inspect_upload
from entities.models import CapabilityDeclaration, CapabilityEvidence
from tests.conftest import assert_error_tied_to_field
from tests.factories import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db

KEY = CapabilityKey.RESEARCH_FACILITIES
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
DESCRIPTION = "Two GPU clusters (64 A100) and a field laboratory in Wuming district."


def _upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _post(client, org, *files, description=DESCRIPTION):
    return client.post(
        reverse("entities:capability_edit", args=[org.pk, KEY]),
        {"description": description, "files": list(files)},
    )


def _declaration(org) -> CapabilityDeclaration:
    return CapabilityDeclaration.objects.get(organization=org, key=KEY)


@pytest.fixture
def before(org):
    """What the research-facilities declaration looks like before the test touches it."""
    declaration = _declaration(org)
    return declaration.description, set(declaration.evidence.values_list("pk", flat=True))


def _assert_unchanged(org, before) -> None:
    declaration = _declaration(org)
    assert declaration.description == before[0]
    assert set(declaration.evidence.values_list("pk", flat=True)) == before[1]


# --------------------------------------------------------------------------- accepted
def test_upload_pdf_is_stored_privately_with_its_facts(client_for, org, editor, before, settings):
    response = _post(client_for(editor), org, _upload("Lab inventory 2024.pdf", PDF_BYTES))
    assert response.status_code == 302
    declaration = _declaration(org)
    assert declaration.description == DESCRIPTION
    assert declaration.updated_by == editor
    new = declaration.evidence.exclude(pk__in=before[1]).get()
    assert new.original_name == "Lab inventory 2024.pdf"
    assert new.content_type == "application/pdf"
    assert new.size == len(PDF_BYTES)
    assert len(new.sha256) == 64
    assert new.uploaded_by == editor
    # The original name is not used on disk; the file lives under a random private path.
    assert new.file.name.startswith("private/entities/capabilityevidence/")
    assert "inventory" not in new.file.name
    assert (settings.MEDIA_ROOT / new.file.name).read_bytes() == PDF_BYTES


def test_upload_png_is_typed_from_content_not_browser(client_for, org, editor, before):
    _post(client_for(editor), org, _upload("floor-plan.PNG", PNG_BYTES, "application/octet-stream"))
    new = _declaration(org).evidence.exclude(pk__in=before[1]).get()
    assert new.content_type == "image/png"


def test_upload_several_files_at_once(client_for, org, editor, before):
    _post(
        client_for(editor),
        org,
        _upload("a.pdf", PDF_BYTES),
        _upload("b.png", PNG_BYTES, "image/png"),
    )
    assert _declaration(org).evidence.exclude(pk__in=before[1]).count() == 2


# --------------------------------------------------------------------------- rejected
@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("report.pdf", PNG_BYTES, "named .pdf but its content is PNG"),
        ("report.pdf", EXE_BYTES, "is not a PDF, image or office document"),
        ("setup.exe", EXE_BYTES, "is not a PDF, image or office document"),
        ("report.pdf", b"#!/bin/sh\nrm -rf /\n" * 4, "is not a PDF, image or office document"),
        ("photo.png", PDF_BYTES, "named .png but its content is PDF"),
        ("report", PDF_BYTES, "named .? but its content is PDF"),
        ("report.pdf.exe", PDF_BYTES, "named .exe but its content is PDF"),
        ("empty.pdf", b"", ""),
    ],
    ids=[
        "png-as-pdf",
        "exe-as-pdf",
        "exe",
        "script-as-pdf",
        "pdf-as-png",
        "no-ext",
        "double-ext",
        "empty",
    ],
)
def test_upload_disguised_or_unknown_file_is_rejected(
    client_for, org, editor, before, name, content, fragment
):
    response = _post(client_for(editor), org, _upload(name, content))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "files" in errors
    assert fragment in errors["files"][0]
    assert_error_tied_to_field(response.content, "files")
    _assert_unchanged(org, before)


def test_upload_one_bad_file_rejects_the_whole_submission(client_for, org, editor, before):
    response = _post(
        client_for(editor),
        org,
        _upload("fine.pdf", PDF_BYTES),
        _upload("bad.pdf", EXE_BYTES),
    )
    assert response.status_code == 200
    _assert_unchanged(org, before)


def test_upload_over_the_size_limit_is_rejected(client_for, org, editor, before, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = PDF_BYTES + b"0" * 2048
    response = _post(client_for(editor), org, _upload("big.pdf", big))
    assert response.status_code == 200
    message = response.context["form"].errors["files"][0]
    assert "the limit is 1.0\xa0KB" in message
    _assert_unchanged(org, before)


def test_upload_exactly_at_the_size_limit_is_accepted(org, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF_BYTES)
    info = inspect_upload(_upload("exact.pdf", PDF_BYTES))
    assert info.size == len(PDF_BYTES)


def test_upload_short_description_is_rejected(client_for, org, editor, before):
    response = _post(client_for(editor), org, _upload("a.pdf", PDF_BYTES), description="GPUs")
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    _assert_unchanged(org, before)


def test_upload_unknown_capability_is_404(client_for, org, editor):
    response = client_for(editor).get(
        reverse("entities:capability_edit", args=[org.pk, "time_travel"])
    )
    assert response.status_code == 404


def test_upload_by_viewer_is_refused(client_for, org, viewer, before):
    response = _post(client_for(viewer), org, _upload("a.pdf", PDF_BYTES))
    assert response.status_code == 404
    _assert_unchanged(org, before)


def test_upload_form_accept_attribute_lists_allowed_types(client_for, org, editor):
    response = client_for(editor).get(reverse("entities:capability_edit", args=[org.pk, KEY]))
    assert b'accept=".pdf,' in response.content
    assert b'enctype="multipart/form-data"' in response.content


# --------------------------------------------------------------------------- download
def _evidence(org) -> CapabilityEvidence:
    return CapabilityEvidence.objects.filter(declaration__organization=org).first()


def test_download_member_gets_file_with_safe_headers(client_for, org, viewer):
    evidence = _evidence(org)
    response = client_for(viewer).get(reverse("entities:evidence", args=[org.pk, evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert evidence.original_name in response["Content-Disposition"]


def test_download_office_document_is_an_attachment(client_for, org, editor):
    evidence = _evidence(org)
    CapabilityEvidence.objects.filter(pk=evidence.pk).update(
        content_type="application/vnd.oasis.opendocument.text", original_name="plan.odt"
    )
    response = client_for(editor).get(reverse("entities:evidence", args=[org.pk, evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment")


def test_download_outsider_gets_404(client_for, org, outsider):
    evidence = _evidence(org)
    response = client_for(outsider).get(reverse("entities:evidence", args=[org.pk, evidence.pk]))
    assert response.status_code == 404


def test_download_anonymous_is_sent_to_login(client, org):
    evidence = _evidence(org)
    response = client.get(reverse("entities:evidence", args=[org.pk, evidence.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_download_operator_may_read_evidence(client_for, org, operator):
    evidence = _evidence(org)
    response = client_for(operator).get(reverse("entities:evidence", args=[org.pk, evidence.pk]))
    assert response.status_code == 200


def test_evidence_delete_by_editor_removes_row_and_file(
    client_for, org, editor, settings, django_capture_on_commit_callbacks
):
    evidence = _evidence(org)
    path = settings.MEDIA_ROOT / evidence.file.name
    assert path.exists()
    c = client_for(editor)
    url = reverse("entities:evidence_delete", args=[org.pk, evidence.pk])
    assert c.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(url)
    assert response.status_code == 302
    assert not CapabilityEvidence.objects.filter(pk=evidence.pk).exists()
    assert not path.exists()


def test_evidence_delete_by_viewer_is_refused(client_for, org, viewer, settings):
    evidence = _evidence(org)
    response = client_for(viewer).post(
        reverse("entities:evidence_delete", args=[org.pk, evidence.pk])
    )
    assert response.status_code == 404
    assert CapabilityEvidence.objects.filter(pk=evidence.pk).exists()
    assert (settings.MEDIA_ROOT / evidence.file.name).exists()
