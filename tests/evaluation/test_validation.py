"""Stage 4: the lead reports milestones, the demand entity accepts or rejects, the operator signs off."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from challenges.enums import ChallengeState
from challenges.models import ChallengeTransition, Milestone
from core.models import AuditEntry
from entities.enums import MembershipRole
from evaluation import services
from evaluation.enums import MilestoneState
from evaluation.models import (
    EvaluationEvent,
    MilestoneEntry,
    MilestoneEvidence,
    MilestoneValidation,
)
from tests.factories import PDF_BYTES, ReviewerFactory, UserFactory, add_member

from .conftest import assign, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(scenario, operator, reviewer_a):
    """The first bid selected; it gets a second milestone so the lifecycle has two steps."""
    winner = scenario.bids[0]
    Milestone.objects.create(
        bid=winner,
        deliverable="Field trial in two pilot sites",
        due_month=10,
        acceptance_criterion="KPI targets met in the operational scenario",
        evidence_expected="Signed trial report",
    )
    seat = assign(scenario, reviewer_a)
    review(seat, winner, 8)
    services.decision_create(
        challenge=scenario.challenge,
        bid=winner,
        rationale="The best bid by a clear margin.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    scenario.refresh()
    return scenario


def lead_editor(s):
    return s.applicants[0]


def demand_editor(s):
    user = UserFactory(full_name="Dora Demandeditor")
    add_member(s.challenge.organization, user, MembershipRole.EDITOR)
    return user


def pdf(name="trial-report.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


def test_validation_lifecycle_end_to_end(
    client_for, operator, decided, django_capture_on_commit_callbacks
):
    s = decided
    page = reverse("evaluation:validation", args=[s.challenge.pk])
    op = client_for(operator)
    # Start (operator, with a confirmation page).
    assert (
        "Start validation"
        in op.get(reverse("evaluation:validation_start", args=[s.challenge.pk])).content.decode()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        op.post(reverse("evaluation:validation_start", args=[s.challenge.pk]))
    s.refresh()
    assert s.challenge.state == ChallengeState.IN_VALIDATION
    items = list(
        MilestoneValidation.objects.filter(challenge=s.challenge).order_by("milestone__due_month")
    )
    assert [v.state for v in items] == [MilestoneState.PENDING, MilestoneState.PENDING]
    told = {a for m in mail.outbox for a in m.to}
    assert lead_editor(s).email in told and s.demand_owner.email in told

    # The lead reports the first milestone with evidence.
    lead = client_for(lead_editor(s))
    assert "Report progress" in lead.get(page).content.decode()
    report_url = reverse("evaluation:milestone_report", args=[items[0].pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(
            report_url, {"text": "Baseline delivered; see the report.", "files": [pdf()]}
        )
    assert response.status_code == 302
    items[0].refresh_from_db()
    assert items[0].state == MilestoneState.REPORTED
    evidence = MilestoneEvidence.objects.get()
    assert evidence.original_name == "trial-report.pdf"
    assert s.demand_owner.email in {a for m in mail.outbox for a in m.to}

    # The demand entity rejects it with a comment, the lead reports again, then it is accepted.
    demand = client_for(demand_editor(s))
    decide_url = reverse("evaluation:milestone_decide", args=[items[0].pk])
    assert "Baseline delivered" in demand.get(decide_url).content.decode()
    assert demand.get(reverse("evaluation:evidence", args=[evidence.pk])).status_code == 200
    downloaded = AuditEntry.objects.get(action="file.downloaded")  # the audit trail has it
    assert str(downloaded.actor_id) == demand.session["_auth_user_id"]
    assert downloaded.object_id == str(evidence.pk)
    assert downloaded.organization_id == evidence.entry.validation.milestone.bid.applicant_id
    response = demand.post(decide_url, {"decision": "reject", "comment": ""})
    assert "Say what is missing" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        demand.post(
            decide_url, {"decision": "reject", "comment": "Recall is below target on our ponds."}
        )
    items[0].refresh_from_db()
    assert items[0].state == MilestoneState.REJECTED
    rejected_mail = [m for m in mail.outbox if lead_editor(s).email in m.to]
    assert rejected_mail and "Recall is below target" in rejected_mail[0].body
    lead.post(report_url, {"text": "Retrained; recall now 87 %."})
    demand.post(decide_url, {"decision": "accept", "comment": "Checked: fine."})
    items[0].refresh_from_db()
    assert items[0].state == MilestoneState.ACCEPTED
    kinds = list(MilestoneEntry.objects.filter(validation=items[0]).values_list("kind", flat=True))
    assert kinds == ["report", "reject", "report", "accept"]

    # Sign-off is refused while a milestone is open.
    with pytest.raises(ValidationError, match="Every milestone must be accepted"):
        services.validation_sign_off(challenge=s.challenge, by=operator)
    lead.post(reverse("evaluation:milestone_report", args=[items[1].pk]), {"text": "Trial done."})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        demand.post(
            reverse("evaluation:milestone_decide", args=[items[1].pk]), {"decision": "accept"}
        )
    assert operator.email in {a for m in mail.outbox for a in m.to}  # ready for sign-off

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = op.post(
            reverse("evaluation:sign_off", args=[s.challenge.pk]),
            {"action": "validate", "reason": "All good."},
        )
    assert response.status_code == 302
    s.refresh()
    assert s.challenge.state == ChallengeState.VALIDATED
    assert ChallengeTransition.objects.filter(challenge=s.challenge, action="validate").exists()
    told = {a for m in mail.outbox for a in m.to}
    assert lead_editor(s).email in told and s.demand_owner.email in told
    actions = set(
        EvaluationEvent.objects.filter(challenge=s.challenge).values_list("action", flat=True)
    )
    assert {
        "validation_started",
        "milestone_reported",
        "milestone_rejected",
        "milestone_accepted",
        "validated",
    } <= actions
    body = op.get(page).content.decode()
    assert "Recall is below target" in body and "Validated" in body


def test_failed_validation_needs_a_reason(client_for, operator, decided):
    s = decided
    services.validation_start(challenge=s.challenge, by=operator)
    url = reverse("evaluation:sign_off", args=[s.challenge.pk])
    response = client_for(operator).post(url, {"action": "fail", "reason": ""})
    assert "Give the reason" in response.content.decode()
    s.refresh()
    assert s.challenge.state == ChallengeState.IN_VALIDATION
    client_for(operator).post(url, {"action": "fail", "reason": "The pilot sites withdrew."})
    s.refresh()
    assert s.challenge.state == ChallengeState.FAILED_VALIDATION
    assert (
        ChallengeTransition.objects.get(challenge=s.challenge, action="fail_validation").reason
        == "The pilot sites withdrew."
    )


def test_outsiders_cannot_see_or_validate_milestones(
    client_for, operator, outsider, reviewer_a, decided
):
    s = decided
    services.validation_start(challenge=s.challenge, by=operator)
    item = MilestoneValidation.objects.filter(challenge=s.challenge).first()
    services.milestone_report(validation=item, text="Delivered.", files=[], by=lead_editor(s))
    loser_member = s.applicants[1]
    partner_viewer = ReviewerFactory()
    add_member(s.partner, partner_viewer, MembershipRole.VIEWER)
    demand_viewer = UserFactory()
    add_member(s.challenge.organization, demand_viewer, MembershipRole.VIEWER)
    decide_url = reverse("evaluation:milestone_decide", args=[item.pk])
    for user in (outsider, loser_member, reviewer_a, partner_viewer):
        c = client_for(user)
        assert c.get(reverse("evaluation:validation", args=[s.challenge.pk])).status_code == 404
        assert c.get(decide_url).status_code == 404
        assert c.post(decide_url, {"decision": "accept"}).status_code == 404
    # Members who may look but not decide: the demand side's viewer and the lead itself.
    for user in (demand_viewer, lead_editor(s)):
        c = client_for(user)
        assert c.get(reverse("evaluation:validation", args=[s.challenge.pk])).status_code == 200
        assert c.post(decide_url, {"decision": "accept"}).status_code == 404
    for user in (outsider, loser_member, demand_viewer, lead_editor(s)):
        with pytest.raises(ValidationError, match="Only editors of the demand entity"):
            services.milestone_decide(validation=item, accept=True, by=user)
    item.refresh_from_db()
    assert item.state == MilestoneState.REPORTED
    assert not MilestoneEntry.objects.filter(kind__in=["accept", "reject"]).exists()
    # Reporting is for the lead's editors only.
    with pytest.raises(ValidationError, match="Only editors of the lead organization"):
        services.milestone_report(validation=item, text="x", by=s.demand_owner)


def test_milestone_actions_need_the_challenge_in_validation(client_for, operator, decided):
    s = decided
    page = client_for(lead_editor(s)).get(reverse("evaluation:validation", args=[s.challenge.pk]))
    assert page.status_code == 200
    assert "has not started yet" in page.content.decode()
    assert (
        client_for(operator).get(reverse("evaluation:sign_off", args=[s.challenge.pk])).status_code
        == 404
    )


def test_evidence_upload_is_checked(client_for, operator, decided):
    s = decided
    services.validation_start(challenge=s.challenge, by=operator)
    item = MilestoneValidation.objects.filter(challenge=s.challenge).first()
    fake = SimpleUploadedFile("report.pdf", b"MZ this is really an executable", "application/pdf")
    response = client_for(lead_editor(s)).post(
        reverse("evaluation:milestone_report", args=[item.pk]), {"text": "Here.", "files": [fake]}
    )
    assert response.status_code == 200
    assert "not a PDF" in response.content.decode()
    item.refresh_from_db()
    assert item.state == MilestoneState.PENDING and not MilestoneEntry.objects.exists()


def test_validation_todo_on_the_dashboards(client_for, operator, decided):
    s = decided
    services.validation_start(challenge=s.challenge, by=operator)
    item = MilestoneValidation.objects.filter(challenge=s.challenge).first()
    lead_page = client_for(lead_editor(s)).get(reverse("dashboard")).content.decode()
    assert "Milestones to validate" in lead_page and item.milestone.deliverable in lead_page
    services.milestone_report(validation=item, text="Delivered.", by=lead_editor(s))
    demand_page = client_for(s.demand_owner).get(reverse("dashboard")).content.decode()
    assert reverse("evaluation:milestone_decide", args=[item.pk]) in demand_page


def test_a_rejected_milestone_asks_the_lead_to_report_again(client_for, operator, decided):
    s = decided
    services.validation_start(challenge=s.challenge, by=operator)
    item = MilestoneValidation.objects.filter(challenge=s.challenge).first()
    lead = client_for(lead_editor(s))
    page = reverse("evaluation:validation", args=[s.challenge.pk])
    assert "Report progress" in lead.get(page).content.decode()
    assert "report your progress" in lead.get(reverse("dashboard")).content.decode()
    services.milestone_report(validation=item, text="Delivered.", by=lead_editor(s))
    services.milestone_decide(
        validation=item, accept=False, comment="Recall is below target.", by=s.demand_owner
    )
    item.refresh_from_db()
    assert item.state == MilestoneState.REJECTED
    assert "Report again" in lead.get(page).content.decode()
    assert "rejected: report again" in lead.get(reverse("dashboard")).content.decode()
