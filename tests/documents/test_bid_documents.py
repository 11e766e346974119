"""PDF documents of a bid: the receipt at submission, the decision letter, the certificate.

The PDFs are read back with pypdf (tests/documents/conftest.py) and checked in
English, Chinese and Thai.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from challenges import documents, lifecycle
from challenges.enums import DocumentKind
from challenges.models import Bid, BidDocument, Milestone
from entities.enums import MembershipRole
from evaluation import services
from portal.demo import builders
from tests.challenges.factories import draft_bid, listed_challenge
from tests.evaluation.conftest import assign, build_scenario, review
from tests.factories import OrganizationFactory, ReviewerFactory, UserFactory, add_member

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

THAI_TITLE = "การตรวจจับโรคข้าวจากภาพโดรน"
CHINESE_PARTNER = "广西农业科学院"


def _submit_with_partner(*, language: str, capture) -> Bid:
    challenge = listed_challenge(title=THAI_TITLE)
    bid = draft_bid(challenge)
    user = bid.applicant.memberships.first().user
    partner = OrganizationFactory(legal_name=CHINESE_PARTNER)
    add_member(partner, UserFactory(), MembershipRole.MANAGER)
    builders.partner_accepted(bid=bid, organization=partner, by=user)
    with capture(execute=True), translation.override(language):
        lifecycle.transition_bid(bid, "submit", by=user)
    return Bid.objects.get(pk=bid.pk)


def _get_pdf(client, bid: Bid, kind: str, language: str):
    client.cookies["django_language"] = language  # the switcher's choice
    return client.get(reverse("challenges:bid_document", args=[bid.pk, kind]))


def test_receipt_is_rendered_at_submission_in_the_submitters_language(
    django_capture_on_commit_callbacks,
):
    bid = _submit_with_partner(language="th", capture=django_capture_on_commit_callbacks)
    assert len(bid.submission_sha256) == 64
    # The hash on the bid is the hash of the content as submitted, recomputed now.
    assert bid.submission_sha256 == documents.bid_submission_sha256(bid)
    receipt = BidDocument.objects.get(bid=bid, kind=DocumentKind.RECEIPT)
    assert receipt.language == "th"
    assert receipt.content_sha256 == bid.submission_sha256
    text = pdf_text(receipt.file.read())
    assert "ยื่นแล้ว" in text  # "Submitted" in Thai
    assert "พันธมิตร" in text  # "Partners"
    assert THAI_TITLE in text
    assert CHINESE_PARTNER in text
    assert bid.submission_sha256 in text.replace("\n", "")
    assert "450100" in text  # the stored eligibility report's evidence (Guangxi region)
    assert "LEAD_IN_GUANGXI" not in text  # rule codes are for operators, not applicants
    assert "GMT+08:00" in text  # the server time with its zone


def test_receipt_download_in_chinese_and_english_renders_once_per_language(
    client_for, django_capture_on_commit_callbacks
):
    bid = _submit_with_partner(language="th", capture=django_capture_on_commit_callbacks)
    partner_row = bid.partners.get()
    client = client_for(bid.applicant.memberships.first().user)

    response = _get_pdf(client, bid, "receipt", "zh-hans")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "已提交" in text and "合作单位" in text and CHINESE_PARTNER in text
    assert bid.submission_sha256 in text.replace("\n", "")
    consent = timezone.localtime(partner_row.responded_at)
    assert f"{consent.year}年{consent.month}月{consent.day}日" in text  # consent date, Chinese

    english = pdf_text(b"".join(_get_pdf(client, bid, "receipt", "en").streaming_content))
    assert "Submission receipt" in english and "Partners" in english
    assert bid.submission_sha256 in english.replace("\n", "")

    _get_pdf(client, bid, "receipt", "zh-hans")  # served from storage, not rendered again
    assert sorted(bid.documents.values_list("language", flat=True)) == ["en", "th", "zh-hans"]


def test_submission_hash_changes_with_the_content(django_capture_on_commit_callbacks):
    bid = _submit_with_partner(language="en", capture=django_capture_on_commit_callbacks)
    before = documents.bid_submission_sha256(bid)
    Milestone.objects.filter(bid=bid).update(deliverable="Another deliverable")
    assert documents.bid_submission_sha256(bid) != before


def test_receipt_only_for_the_applicants_members_and_operators(
    client, client_for, operator, outsider, django_capture_on_commit_callbacks
):
    bid = _submit_with_partner(language="en", capture=django_capture_on_commit_callbacks)
    partner_manager = bid.partners.get().organization.memberships.first().user
    url = reverse("challenges:bid_document", args=[bid.pk, "receipt"])
    assert client_for(operator).get(url)["Content-Type"] == "application/pdf"
    assert client_for(partner_manager).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    member = bid.applicant.memberships.first().user
    assert client_for(member).get(url.replace("receipt", "nonsense")).status_code == 404
    # Not decided yet: no decision letter, no certificate.
    assert client_for(member).get(url.replace("receipt", "decision")).status_code == 404
    assert client_for(member).get(url.replace("receipt", "certificate")).status_code == 404


def test_a_draft_has_no_receipt_and_the_page_offers_none(client_for):
    bid = draft_bid(listed_challenge())
    client = client_for(bid.applicant.memberships.first().user)
    assert _get_pdf(client, bid, "receipt", "en").status_code == 404
    page = client.get(bid.get_absolute_url())
    assert b"documents/receipt.pdf" not in page.content
    assert not BidDocument.objects.exists()


def test_bid_page_lists_the_documents_for_members_not_partners(
    client_for, django_capture_on_commit_callbacks
):
    bid = _submit_with_partner(language="en", capture=django_capture_on_commit_callbacks)
    url = reverse("challenges:bid_document", args=[bid.pk, "receipt"]).encode()
    member_page = client_for(bid.applicant.memberships.first().user).get(bid.get_absolute_url())
    assert url in member_page.content
    partner_manager = bid.partners.get().organization.memberships.first().user
    assert url not in client_for(partner_manager).get(bid.get_absolute_url()).content


# --------------------------------------------------------------------------- decision, certificate
@pytest.fixture
def decided(operator):
    s = build_scenario(operator=operator)
    builders.panel_seated(s.challenge, [], by=operator)
    seat = assign(s, ReviewerFactory(full_name="Rosa Secretreviewer"))
    review(seat, s.bids[0], 9, comment="Superb plan.")
    review(seat, s.bids[1], 4, comment="Weak data plan.")
    services.decision_create(
        challenge=s.challenge,
        bid=s.bids[0],
        rationale="Better than the runner-up.",
        by=operator,
        quorum_override="Decided in a test before the full quorum.",
    )
    s.refresh()
    return s


def test_decision_letters_carry_only_the_bidders_own_feedback(decided, client_for):
    winner, loser = decided.bids
    win = pdf_text(
        b"".join(
            _get_pdf(client_for(decided.applicants[0]), winner, "decision", "th").streaming_content
        )
    )
    assert "ได้รับเลือก" in win and "ความเห็นของผู้ทรงคุณวุฒิ" in win
    assert "Superb plan." in win
    assert "Weak data plan." not in win and loser.applicant.legal_name not in win

    lose = pdf_text(
        b"".join(
            _get_pdf(
                client_for(decided.applicants[1]), loser, "decision", "zh-hans"
            ).streaming_content
        )
    )
    assert "未入选" in lose and "Weak data plan." in lose
    for secret in ("Superb plan.", winner.applicant.legal_name, "Rosa", "runner-up"):
        assert secret not in lose
    # The winner cannot read the loser's letter.
    assert _get_pdf(client_for(decided.applicants[0]), loser, "decision", "en").status_code == 404


def test_validation_certificate_for_the_lead_after_sign_off(decided, operator, client_for):
    from evaluation.models import MilestoneValidation

    s = decided
    services.validation_start(challenge=s.challenge, by=operator)
    lead = s.applicants[0]
    demand = UserFactory()
    add_member(s.challenge.organization, demand, MembershipRole.EDITOR)
    client = client_for(lead)
    assert _get_pdf(client, s.bids[0], "certificate", "en").status_code == 404  # not yet
    for validation in MilestoneValidation.objects.filter(challenge=s.challenge):
        services.milestone_report(validation=validation, text="Delivered.", by=lead)
        services.milestone_decide(validation=validation, accept=True, by=demand)
    services.validation_sign_off(challenge=s.challenge, by=operator)

    text = pdf_text(b"".join(_get_pdf(client, s.bids[0], "certificate", "en").streaming_content))
    assert "Validation certificate" in text
    assert s.bids[0].applicant.legal_name in text and s.partner.legal_name in text
    assert "Baseline model" in text  # the accepted milestone
    assert _get_pdf(client_for(s.applicants[1]), s.bids[1], "certificate", "en").status_code == 404


def test_engine_failure_answers_503_and_stores_nothing(
    client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from core.documents import DocumentError

    bid = _submit_with_partner(language="en", capture=django_capture_on_commit_callbacks)
    BidDocument.objects.all().delete()

    def broken(*args, **kwargs):
        raise DocumentError("Pango missing")

    monkeypatch.setattr(documents, "render_pdf", broken)
    response = _get_pdf(client_for(bid.applicant.memberships.first().user), bid, "receipt", "en")
    assert response.status_code == 503
    assert "cannot be produced" in response.content.decode()
    assert not BidDocument.objects.exists()


def test_render_task_is_idempotent_and_ignores_missing_bids(django_capture_on_commit_callbacks):
    from challenges.tasks import render_bid_document

    bid = _submit_with_partner(language="en", capture=django_capture_on_commit_callbacks)
    first = render_bid_document(bid.pk, DocumentKind.RECEIPT, "en")
    again = render_bid_document(bid.pk, DocumentKind.RECEIPT, "en")
    assert first == again == BidDocument.objects.get(bid=bid, language="en").pk
    assert render_bid_document(999_999, DocumentKind.RECEIPT, "en") is None
