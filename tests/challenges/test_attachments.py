"""Attachments: type from the content, size limit, private storage, permission-checked downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from challenges.enums import ChallengeState
from challenges.models import Attachment, Challenge
from entities.enums import MembershipRole
from tests.factories import PDF_BYTES, PNG_BYTES, UserFactory, add_member

from .factories import ChallengeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_and_editor():
    challenge = ChallengeFactory()
    editor = UserFactory()
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    return challenge, editor


def upload(client, challenge, name, content, public=True):
    data = {"file": SimpleUploadedFile(name, content), "title": "Spec"}
    if public:
        data["public"] = "on"
    return client.post(reverse("challenges:attachments", args=[challenge.pk]), data)


def test_attachment_pdf_is_stored_outside_static_and_served_with_permission(
    client_for, draft_and_editor, settings
):
    challenge, editor = draft_and_editor
    response = upload(client_for(editor), challenge, "spec.pdf", PDF_BYTES)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.original_name == "spec.pdf"
    assert str(settings.MEDIA_ROOT) in attachment.file.path and "static" not in attachment.file.path
    assert "spec" not in attachment.file.name  # random name on disk
    download = client_for(editor).get(reverse("challenges:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", PNG_BYTES, "its content is PNG"),
        ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 200, "not a PDF, image or office document"),
        ("notes.txt", b"plain text", "not a PDF, image or office document"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_attachment_disguised_or_unsupported_files_are_refused(
    client_for, draft_and_editor, name, content, message
):
    challenge, editor = draft_and_editor
    response = upload(client_for(editor), challenge, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachment_over_the_size_limit_is_refused(client_for, draft_and_editor, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    challenge, editor = draft_and_editor
    response = upload(client_for(editor), challenge, "big.pdf", PDF_BYTES + b"0" * 2048)
    assert "the limit is 1.0" in response.content.decode()
    assert not Attachment.objects.exists()


def _attach(challenge, public):
    attachment = Attachment(challenge=challenge, public=public, title="Doc")
    attachment.set_upload(
        SimpleUploadedFile("doc.pdf", PDF_BYTES),
        type(
            "I",
            (),
            {
                "original_name": "doc.pdf",
                "content_type": "application/pdf",
                "size": len(PDF_BYTES),
                "sha256": "x",
            },
        )(),
    )
    attachment.save()
    return attachment


def test_attachment_public_file_of_a_listed_challenge_is_open_to_anyone(client):
    challenge = ChallengeFactory()
    public, private = _attach(challenge, True), _attach(challenge, False)
    assert (
        client.get(reverse("challenges:attachment", args=[public.pk])).status_code == 404
    )  # still a draft
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.LISTED)
    assert client.get(reverse("challenges:attachment", args=[public.pk])).status_code == 200
    assert client.get(reverse("challenges:attachment", args=[private.pk])).status_code == 404


def test_attachment_private_file_is_readable_by_members_and_operators(
    client_for, outsider, operator
):
    challenge = ChallengeFactory()
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.LISTED)
    private = _attach(challenge, False)
    member = UserFactory()
    add_member(challenge.organization, member, MembershipRole.VIEWER)
    url = reverse("challenges:attachment", args=[private.pk])
    assert client_for(member).get(url).status_code == 200
    assert client_for(operator).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404


def test_attachment_delete_needs_confirmation_and_edit_rights(
    client_for, draft_and_editor, outsider
):
    challenge, editor = draft_and_editor
    attachment = _attach(challenge, True)
    url = reverse("challenges:attachment_delete", args=[attachment.pk])
    assert client_for(outsider).post(url).status_code == 404
    confirm = client_for(editor).get(url)
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    client_for(editor).post(url)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
