"""Documents in object storage, in a real browser: upload, permission-checked download, delete.

The portal's default storage is a bucket on moto's S3 server (tests/storage/conftest.py),
as `S3_BUCKET` configures it in production.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from challenges.models import Attachment
from entities.enums import MembershipRole
from tests.challenges.factories import ChallengeFactory
from tests.e2e.conftest import shot
from tests.e2e.test_challenge_journey import sign_in
from tests.factories import PDF_BYTES, OrganizationFactory, UserFactory, add_member
from tests.storage.conftest import bucket, s3_endpoint  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTACHMENTS = "private/challenges/attachment/"


def test_storage_document_journey_through_the_bucket(new_page, live_server, settings, bucket):  # noqa: F811
    base = live_server.url
    settings.SITE_URL = base
    challenge = ChallengeFactory(title="Flood forecasting for the Mekong Delta")
    editor = UserFactory(email="lan.nguyen@mdrri.example", full_name="Lan Nguyen")
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    outsider = UserFactory(email="otto@elsewhere.example", full_name="Otto Outsider")
    add_member(OrganizationFactory(), outsider, MembershipRole.OWNER)

    # --- the editor uploads a document; it lands in the bucket, not on the disk
    page = new_page()
    sign_in(page, base, editor.email)
    page.goto(f"{base}/challenges/{challenge.pk}/attachments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    page.get_by_label("File").set_input_files(
        {"name": "Gauge data sample.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label("Title").fill("Gauge data sample")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("The file was attached.")).to_be_visible()
    link = page.get_by_role("link", name="Gauge data sample", exact=True)
    expect(link).to_be_visible()
    attachment = Attachment.objects.get(challenge=challenge)
    assert bucket.object_keys(ATTACHMENTS) == [attachment.file.name]
    shot(page, "documents-with-the-upload")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "documents-phone")
    page.set_viewport_size({"width": 1280, "height": 860})

    # --- the download is streamed by the portal, with its headers, from the bucket
    href = link.get_attribute("href")
    download = page.request.get(base + href)
    assert download.status == 200 and download.body() == PDF_BYTES
    assert download.headers["content-disposition"] == 'inline; filename="Gauge data sample.pdf"'
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert download.url == base + href  # no redirect to a storage URL

    # --- another organization's member gets the portal's 404, no storage URL
    other = new_page()
    sign_in(other, base, outsider.email)
    response = other.goto(base + href)
    assert response.status == 404
    assert "X-Amz" not in other.content() and "portal-files" not in other.content()
    shot(other, "outsider-404")

    # --- the editor deletes it after confirming; the object goes with it
    page.get_by_role("link", name=re.compile(r"^Delete")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Gauge data sample”?")
    shot(page, "confirm-delete")
    page.get_by_role("button", name="Delete file").click()
    expect(page.get_by_text("“Gauge data sample” was deleted.")).to_be_visible()
    expect(page.get_by_text("No documents yet.")).to_be_visible()
    assert not Attachment.objects.filter(challenge=challenge).exists()
    assert bucket.object_keys(ATTACHMENTS) == []
    assert page.request.get(base + href).status == 404
