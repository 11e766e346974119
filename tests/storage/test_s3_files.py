"""Uploaded files in S3-compatible object storage (moto's real server, see conftest).

For each kind of file: upload through the page → the object is in the bucket
and nothing on the local disk → a permitted download is streamed by the portal
with its safety headers → an outsider gets 404 and no signed URL → deleting
removes the object.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from botocore.response import StreamingBody
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from challenges.models import Attachment
from entities.enums import CapabilityKey, MembershipRole
from entities.files import serve_stored_file
from entities.models import CapabilityEvidence
from evaluation import services as evaluation_services
from evaluation.models import MilestoneEvidence, MilestoneValidation
from tests.challenges.factories import ChallengeFactory, draft_bid, listed_challenge
from tests.evaluation.conftest import assign, build_scenario, review
from tests.factories import PDF_BYTES, PNG_BYTES, UserFactory, add_member

pytestmark = pytest.mark.django_db

SANDBOX_CSP = "default-src 'none'; sandbox"
# Where each kind of file lives in the bucket (entities.files.private_upload_path).
ATTACHMENTS = "private/challenges/attachment/"
MILESTONE_EVIDENCE = "private/evaluation/milestoneevidence/"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def local_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_streamed(response, body: bytes, *, name: str, attachment: bool) -> None:
    """The portal itself sends the bytes, with the download headers; no storage URL."""
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == body
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment" if attachment else "inline")
    assert f'filename="{name}"' in disposition
    assert response["Content-Length"] == str(len(body))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX_CSP
    assert response["Cache-Control"] == "private, no-store"
    assert_no_storage_url(response)


def assert_no_storage_url(response) -> None:
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    body = b"" if response.streaming else response.content
    for text in (headers, body.decode(errors="replace")):
        assert "X-Amz-" not in text and "Signature=" not in text and "/portal-files-" not in text
    assert not response.has_header("Location")


def assert_outsider_refused(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert_no_storage_url(response)


# --------------------------------------------------------------------------- challenge attachments
def test_s3_challenge_attachment_upload_download_delete(
    client_for, bucket, settings, outsider, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory()
    editor = UserFactory()
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    client = client_for(editor)
    response = client.post(
        reverse("challenges:attachments", args=[challenge.pk]),
        {"file": SimpleUploadedFile("Terms of reference.pdf", PDF_BYTES), "title": "ToR"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert bucket.object_keys(ATTACHMENTS) == [attachment.file.name]
    assert bucket.read(attachment.file.name) == PDF_BYTES
    assert local_files(settings) == []

    url = reverse("challenges:attachment", args=[attachment.pk])
    assert_streamed(client.get(url), PDF_BYTES, name="Terms of reference.pdf", attachment=False)
    assert_outsider_refused(client_for(outsider), url)

    delete_url = reverse("challenges:attachment_delete", args=[attachment.pk])
    assert client_for(outsider).post(delete_url).status_code == 404
    assert bucket.object_keys(ATTACHMENTS) == [attachment.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete_url).status_code == 302
    assert not Attachment.objects.exists()
    assert bucket.object_keys(ATTACHMENTS) == []
    # The row is gone: the link answers 404 like any unknown file.
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- bid attachments
def test_s3_bid_attachment_upload_download_delete(
    client_for, bucket, settings, outsider, django_capture_on_commit_callbacks
):
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    lead_editor = bid.applicant.memberships.get().user
    demand_member = UserFactory()
    add_member(challenge.organization, demand_member, MembershipRole.OWNER)
    client = client_for(lead_editor)
    body = docx_bytes()
    response = client.post(
        reverse("challenges:bid_attachment_add", args=[bid.pk]),
        {"file": SimpleUploadedFile("Work plan.docx", body), "title": "Plan"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(bid=bid)
    assert bucket.object_keys(ATTACHMENTS) == [attachment.file.name]
    assert bucket.read(attachment.file.name) == body
    assert local_files(settings) == []

    url = reverse("challenges:attachment", args=[attachment.pk])
    # An office document is always a download, never shown in the browser.
    assert_streamed(client.get(url), body, name="Work plan.docx", attachment=True)
    # A draft bid is confidential: neither an outsider nor the challenge's owner sees it.
    assert_outsider_refused(client_for(outsider), url)
    assert_outsider_refused(client_for(demand_member), url)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("challenges:attachment_delete", args=[attachment.pk]))
    assert not Attachment.objects.filter(bid=bid).exists()
    assert bucket.object_keys(ATTACHMENTS) == []


# --------------------------------------------------------------------------- capability evidence
def test_s3_capability_evidence_upload_download_delete(
    client_for, bucket, settings, org, editor, viewer, outsider, django_capture_on_commit_callbacks
):
    key = CapabilityKey.RESEARCH_FACILITIES
    before = set(CapabilityEvidence.objects.values_list("pk", flat=True))
    client = client_for(editor)
    response = client.post(
        reverse("entities:capability_edit", args=[org.pk, key]),
        {
            "description": "Two GPU clusters and a field laboratory in Wuming district.",
            "files": [SimpleUploadedFile("floor plan.png", PNG_BYTES, "image/png")],
        },
    )
    assert response.status_code == 302
    evidence = CapabilityEvidence.objects.exclude(pk__in=before).get()
    assert evidence.file.name in bucket.object_keys()
    assert bucket.read(evidence.file.name) == PNG_BYTES
    assert local_files(settings) == []

    url = reverse("entities:evidence", args=[org.pk, evidence.pk])
    assert_streamed(client.get(url), PNG_BYTES, name="floor plan.png", attachment=False)
    # Any member may read the evidence; another organization may not.
    assert_streamed(client_for(viewer).get(url), PNG_BYTES, name="floor plan.png", attachment=False)
    assert_outsider_refused(client_for(outsider), url)

    delete_url = reverse("entities:evidence_delete", args=[org.pk, evidence.pk])
    assert client_for(viewer).post(delete_url).status_code == 404
    assert evidence.file.name in bucket.object_keys()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete_url).status_code == 302
    assert not CapabilityEvidence.objects.filter(pk=evidence.pk).exists()
    assert evidence.file.name not in bucket.object_keys()


# --------------------------------------------------------------------------- milestone evidence
@pytest.fixture
def milestone(operator):
    """A challenge in validation: the selected lead has a milestone to report."""
    scenario = build_scenario(operator=operator)
    from portal.demo import builders

    builders.panel_seated(scenario.challenge, [], by=operator)
    winner = scenario.bids[0]
    review(assign(scenario), winner, 8)
    evaluation_services.decision_create(
        challenge=scenario.challenge,
        bid=winner,
        rationale="The best bid.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    evaluation_services.validation_start(challenge=scenario.challenge, by=operator)
    item = MilestoneValidation.objects.filter(challenge=scenario.challenge).first()
    return scenario, item


def test_s3_milestone_evidence_upload_download(client_for, bucket, settings, outsider, milestone):
    scenario, item = milestone
    lead = client_for(scenario.applicants[0])
    response = lead.post(
        reverse("evaluation:milestone_report", args=[item.pk]),
        {"text": "Baseline delivered.", "files": [SimpleUploadedFile("trial.pdf", PDF_BYTES)]},
    )
    assert response.status_code == 302
    evidence = MilestoneEvidence.objects.get()
    assert bucket.object_keys(MILESTONE_EVIDENCE) == [evidence.file.name]
    assert bucket.read(evidence.file.name) == PDF_BYTES
    assert local_files(settings) == []

    url = reverse("evaluation:evidence", args=[evidence.pk])
    assert_streamed(lead.get(url), PDF_BYTES, name="trial.pdf", attachment=False)
    # The demand entity checks the evidence in its scenario.
    demand = client_for(scenario.demand_owner)
    assert_streamed(demand.get(url), PDF_BYTES, name="trial.pdf", attachment=False)
    # A losing applicant and an outsider get nothing.
    assert_outsider_refused(client_for(scenario.applicants[1]), url)
    assert_outsider_refused(client_for(outsider), url)
    # Evidence of a report is part of the record: it is never deleted.
    assert bucket.object_keys(MILESTONE_EVIDENCE) == [evidence.file.name]


# --------------------------------------------------------------------------- the bucket itself
def _stored_attachment(public: bool = False) -> Attachment:
    challenge = ChallengeFactory()
    attachment = Attachment(challenge=challenge, public=public, title="Doc")
    attachment.file.save("doc.pdf", SimpleUploadedFile("doc.pdf", PDF_BYTES), save=False)
    attachment.original_name, attachment.content_type = "doc.pdf", "application/pdf"
    attachment.size, attachment.sha256 = len(PDF_BYTES), "0" * 64
    attachment.save()
    return attachment


def test_s3_objects_are_private_to_unsigned_requests(bucket):
    attachment = _stored_attachment(public=True)
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=attachment.file.name)["Grants"]
    assert [g["Grantee"]["Type"] for g in grants] == ["CanonicalUser"]  # the owner only
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{bucket.endpoint}/{bucket.name}/{attachment.file.name}")
    assert refused.value.code == 403


def test_s3_any_storage_url_is_signed_and_short_lived(bucket):
    attachment = _stored_attachment()
    url = attachment.file.url
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    assert urllib.request.urlopen(url).read() == PDF_BYTES


def test_s3_download_streams_the_object_body_without_buffering_it(bucket):
    """botocore's body is read as the response goes out, not downloaded first."""
    attachment = _stored_attachment()
    response = serve_stored_file(attachment)
    assert isinstance(response.file_to_stream, StreamingBody)
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert b"".join(response.streaming_content) == PDF_BYTES
    response.close()


def test_s3_missing_object_is_a_404_not_a_500(client_for, bucket, operator, caplog):
    attachment = _stored_attachment()
    bucket.client.delete_object(Bucket=bucket.name, Key=attachment.file.name)
    response = client_for(operator).get(reverse("challenges:attachment", args=[attachment.pk]))
    assert response.status_code == 404
    assert "stored file missing" in caplog.text and attachment.file.name in caplog.text
