"""The reviewers' admin panel at /review/: isolation, conflicts, blind review, scoring."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges.models import Attachment
from entities.enums import MembershipRole
from entities.files import inspect_upload
from entities.models import Membership
from evaluation import services
from evaluation.enums import EventAction
from evaluation.models import (
    ConflictDeclaration,
    EvaluationEvent,
    Review,
    ReviewerAssignment,
    Score,
)
from tests.factories import (
    PDF_BYTES,
    OrganizationFactory,
    ReviewerFactory,
    UserFactory,
    add_member,
    totp_code,
)

from .conftest import assign, build_scenario, full_scores, review

pytestmark = pytest.mark.django_db


def bid_url(bid) -> str:
    return reverse("review:evaluation_bidtoreview_change", args=[bid.pk])


def seat_url(assignment) -> str:
    return reverse("review:evaluation_reviewerassignment_change", args=[assignment.pk])


LIST_URL = "/review/evaluation/bidtoreview/"
SEATS_URL = "/review/evaluation/reviewerassignment/"


def attach(bid, name="annex-secret-plan.pdf") -> Attachment:
    upload = SimpleUploadedFile(name, PDF_BYTES, "application/pdf")
    attachment = Attachment(bid=bid, title="Technical annex", public=False)
    attachment.set_upload(upload, inspect_upload(upload))
    attachment.save()
    return attachment


# --------------------------------------------------------------------------- access
def test_anonymous_is_sent_to_the_portal_sign_in(client):
    response = client.get("/review/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "next=/review/" in response.redirect_chain[-1][0].replace("%2F", "/")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/dashboard/"])
def test_review_login_never_redirects_off_the_panel(client, client_for, reviewer_a, target):
    response = client.get("/review/login/", {"next": target})
    assert "evil" not in response["Location"] and "dashboard" not in response["Location"]
    response = client_for(reviewer_a).get("/review/login/", {"next": target})
    assert response["Location"] == "/review/"


def test_member_without_reviewer_access_gets_a_clear_page_and_no_data(client_for, owner, scenario):
    response = client_for(owner).get("/review/", follow=True)
    assert response.status_code == 403
    assert b"No access to the review panel" in response.content
    assert scenario.challenge.title.encode() not in response.content


def test_reviewer_signs_in_through_the_portal_and_lands_on_the_panel(client, reviewer_a, scenario):
    assign(scenario, reviewer_a)
    response = client.post(
        reverse("account_login") + "?next=/review/",
        {"login": reviewer_a.email, "password": "correct horse battery"},
        follow=True,
    )
    # Reviewers have a second factor (tests/factories.py): the code comes next.
    assert response.request["PATH_INFO"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()}, follow=True)
    assert response.request["PATH_INFO"] == "/review/"
    assert scenario.challenge.title.encode() in response.content


# --------------------------------------------------------------------------- isolation
def test_reviewer_lists_only_their_own_assignments(
    client_for, operator, reviewer_a, reviewer_b, scenario
):
    other = build_scenario(operator=operator)
    services.panel_create(challenge=other.challenge, by=operator)
    services.reviewer_assign(challenge=other.challenge, reviewer=reviewer_b, by=operator)
    assign(scenario, reviewer_a)
    c = client_for(reviewer_a)
    for url in ("/review/", LIST_URL, SEATS_URL):
        body = c.get(url).content.decode()
        assert scenario.challenge.title in body
        assert other.challenge.title not in body, url
        for bid in other.bids:
            assert bid.applicant.legal_name not in body
    body = client_for(reviewer_b).get(LIST_URL).content.decode()
    assert scenario.challenge.title not in body


def test_reviewer_cannot_open_or_guess_an_unassigned_bid(
    client_for, operator, reviewer_a, scenario
):
    other = build_scenario(operator=operator)
    services.panel_create(challenge=other.challenge, by=operator)
    assign(scenario, reviewer_a)
    c = client_for(reviewer_a)
    for bid in other.bids:
        response = c.get(bid_url(bid))
        assert response.status_code == 404  # as if it did not exist
        followed = response.content.decode()
        assert bid.applicant.legal_name not in followed
        assert bid.technical_approach not in followed
        assert other.challenge.title not in followed
        # Posting a declaration or scores to it changes nothing.
        c.post(bid_url(bid), {"action": "declare", "coi-has_conflict": "no"})
        assert not ConflictDeclaration.objects.filter(bid=bid).exists()
    assert c.get(bid_url(other.bids[0]) + "../history/").status_code in (302, 404)
    assert c.get("/review/evaluation/bidtoreview/999999/change/").status_code == 404


def test_reviewer_cannot_open_another_reviewers_assignment(
    client_for, reviewer_a, reviewer_b, scenario
):
    mine = assign(scenario, reviewer_a)
    theirs = assign(scenario, reviewer_b)
    c = client_for(reviewer_a)
    assert c.get(seat_url(mine)).status_code == 200
    response = c.get(seat_url(theirs))
    assert response.status_code == 404
    assert reviewer_b.full_name not in response.content.decode()
    assert reviewer_b.email not in response.content.decode()


def test_removed_reviewer_loses_the_bids(client_for, operator, reviewer_a, scenario):
    seat = assign(scenario, reviewer_a)
    bid = scenario.bids[0]
    services.conflict_declare(assignment=seat, bid=bid, has_conflict=False, by=reviewer_a)
    services.reviewer_remove(assignment=seat, by=operator)
    c = client_for(reviewer_a)
    assert scenario.challenge.title not in c.get(LIST_URL).content.decode()
    assert c.get(bid_url(bid)).status_code == 404
    reviewer_a.refresh_from_db()
    assert not reviewer_a.has_perm("challenges.review_bid", bid)


def test_no_add_delete_or_history_views(client_for, reviewer_a, scenario):
    seat = assign(scenario, reviewer_a)
    c = client_for(reviewer_a)
    for url in (
        "/review/evaluation/bidtoreview/add/",
        f"/review/evaluation/bidtoreview/{scenario.bids[0].pk}/delete/",
        f"/review/evaluation/reviewerassignment/{seat.pk}/history/",
    ):
        response = c.get(url, follow=True)
        assert scenario.bids[0].technical_approach not in response.content.decode()
        assert b"Delete" not in response.content


# --------------------------------------------------------------------------- conflicts
def test_bid_content_is_hidden_until_no_conflict_is_declared(client_for, reviewer_a, scenario):
    assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    c = client_for(reviewer_a)
    body = c.get(bid_url(bid)).content.decode()
    assert "declare before you read the bid" in body
    assert bid.technical_approach not in body
    assert bid.lead_cv not in body
    response = c.post(bid_url(bid), {"action": "declare", "coi-has_conflict": "no"}, follow=True)
    body = response.content.decode()
    assert bid.technical_approach in body
    assert "Your review" in body
    assert ConflictDeclaration.objects.get(bid=bid).has_conflict is False


def test_declared_conflict_hides_the_bid_and_needs_an_explanation(client_for, reviewer_a, scenario):
    assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    c = client_for(reviewer_a)
    response = c.post(
        bid_url(bid), {"action": "declare", "coi-has_conflict": "yes", "coi-explanation": ""}
    )
    assert response.status_code == 200
    assert "Say briefly what the conflict is" in response.content.decode()
    assert not ConflictDeclaration.objects.exists()
    c.post(
        bid_url(bid),
        {"action": "declare", "coi-has_conflict": "yes", "coi-explanation": "Former employer"},
    )
    body = c.get(bid_url(bid)).content.decode()
    assert "You have a conflict of interest with this bid" in body
    assert bid.technical_approach not in body
    # Scores posted anyway are refused.
    c.post(bid_url(bid), {"action": "submit", "confirm_submit": "yes", **_form(bid, 5)})
    assert not Review.objects.exists()
    assert not reviewer_a.has_perm("challenges.review_bid", bid)


@pytest.mark.parametrize("where", ["applicant", "partner"])
def test_automatic_conflict_for_members_of_applicant_or_partner(client_for, where, scenario):
    bid = scenario.bids[0]
    organization = bid.applicant if where == "applicant" else scenario.partner
    insider = ReviewerFactory()
    add_member(organization, insider, MembershipRole.VIEWER)
    assign(scenario, insider)
    declaration = ConflictDeclaration.objects.get(bid=bid)
    assert declaration.has_conflict and declaration.automatic
    assert organization.legal_name in declaration.explanation
    c = client_for(insider)
    body = c.get(bid_url(bid)).content.decode()
    assert "recorded a conflict of interest automatically" in body
    assert bid.technical_approach not in body
    # Declaring "no conflict" is refused.
    c.post(bid_url(bid), {"action": "declare", "coi-has_conflict": "no"})
    declaration.refresh_from_db()
    assert declaration.has_conflict
    # A competitor's member must not score the rival bid either.
    rival = ConflictDeclaration.objects.get(bid=scenario.bids[1])
    assert rival.has_conflict and rival.automatic
    assert organization.legal_name in rival.explanation


def test_automatic_conflict_does_not_touch_reviewers_outside_the_competition(scenario):
    outsider_org = OrganizationFactory(asean=True)
    reviewer = ReviewerFactory()
    add_member(outsider_org, reviewer, MembershipRole.OWNER)
    assign(scenario, reviewer)
    assert not ConflictDeclaration.objects.filter(assignment__reviewer=reviewer).exists()


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))
    ]


@pytest.mark.parametrize("declared_first", [False, True])
def test_get_by_a_newly_conflicted_reviewer_writes_nothing_and_shows_nothing(
    client_for, reviewer_a, scenario, declared_first
):
    seat = assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    if declared_first:
        review(seat, bid, 5, submit=False)  # "no conflict" and a draft, then a membership
    # A membership written without the services' signal (e.g. a data import): the
    # conflict exists but is not recorded yet (the signal case is in test_conflicts_membership).
    Membership.objects.bulk_create(
        [Membership(organization=bid.applicant, user=reviewer_a, role=MembershipRole.EDITOR)]
    )
    reviewer_a.groups.add(bid.applicant.members_group)
    declarations = list(ConflictDeclaration.objects.values())
    events = EvaluationEvent.objects.count()
    reviews = list(Review.objects.values_list("pk", flat=True))
    may_review = reviewer_a.has_perm("challenges.review_bid", bid)
    assert may_review is declared_first
    c = client_for(reviewer_a)
    with CaptureQueriesContext(connection) as ctx:
        body = c.get(bid_url(bid)).content.decode()
    assert _writes(ctx.captured_queries) == []
    assert list(ConflictDeclaration.objects.values()) == declarations
    assert EvaluationEvent.objects.count() == events
    assert list(Review.objects.values_list("pk", flat=True)) == reviews
    assert (
        ReviewerAssignment.objects.get(pk=seat.pk).reviewer.has_perm("challenges.review_bid", bid)
        is may_review
    )
    assert "You have a conflict of interest with this bid" in body
    assert "member of an organization taking part in this bid" in body
    assert bid.technical_approach not in body
    assert bid.lead_cv not in body
    assert 'name="action" value="declare"' not in body

    # The next POST (whatever it asks) records the conflict, and nothing else.
    response = c.post(bid_url(bid), {"action": "save", **_form(bid, 9)}, follow=True)
    assert "Your conflict of interest is recorded" in response.content.decode()
    declaration = ConflictDeclaration.objects.get(assignment=seat, bid=bid)
    assert declaration.has_conflict and declaration.automatic
    assert bid.applicant.legal_name in declaration.explanation
    assert not Review.objects.filter(bid=bid).exists()
    assert EvaluationEvent.objects.filter(
        action=EventAction.CONFLICT_AUTOMATIC, bid=bid, subject=str(reviewer_a)
    ).exists()
    fresh = ReviewerAssignment.objects.get(pk=seat.pk).reviewer
    assert not fresh.has_perm("challenges.review_bid", bid)
    body = c.get(bid_url(bid)).content.decode()
    assert "recorded a conflict of interest automatically" in body
    assert bid.technical_approach not in body


def test_membership_gained_after_assignment_is_refused_by_the_declaration(
    client_for, reviewer_a, scenario
):
    seat = assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    add_member(bid.applicant, reviewer_a, MembershipRole.EDITOR)
    with pytest.raises(Exception, match="member of an organization"):
        services.conflict_declare(assignment=seat, bid=bid, has_conflict=False, by=reviewer_a)
    c = client_for(reviewer_a)
    c.post(bid_url(bid), {"action": "declare", "coi-has_conflict": "no"})
    declaration = ConflictDeclaration.objects.get(assignment=seat, bid=bid)
    assert declaration.has_conflict and declaration.automatic


def test_late_conflict_discards_the_draft(client_for, reviewer_a, scenario):
    seat = assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    review(seat, bid, 5, submit=False)
    c = client_for(reviewer_a)
    c.post(
        bid_url(bid),
        {"action": "late_conflict", "late-explanation": "I recognise my former student's work"},
    )
    assert ConflictDeclaration.objects.get(bid=bid).has_conflict
    assert not Review.objects.filter(bid=bid).exists()
    assert bid.technical_approach not in c.get(bid_url(bid)).content.decode()


# --------------------------------------------------------------------------- blind review
def test_blind_review_hides_applicant_and_partner_names(client_for, reviewer_a, blind_scenario):
    s = blind_scenario
    seat = assign(s, reviewer_a)
    bid = s.bids[0]
    attach(bid, name=f"{bid.applicant.legal_name} annex.pdf")
    names = [
        bid.applicant.legal_name,
        s.partner.legal_name,
        s.bids[1].applicant.legal_name,
        bid.lead_name,
        bid.lead_email,
    ]
    c = client_for(reviewer_a)
    pages = ["/review/", LIST_URL, SEATS_URL, seat_url(seat), bid_url(bid)]
    c.post(bid_url(bid), {"action": "declare", "coi-has_conflict": "no"})
    pages.append(bid_url(bid))  # now with the bid's content
    for url in pages:
        body = c.get(url).content.decode()
        for name in names:
            assert name not in body, (url, name)
    body = c.get(bid_url(bid)).content.decode()
    assert bid.technical_approach in body
    assert "[the applicant]" in body
    assert "Blind review" in body


def test_without_blind_review_the_names_are_shown_for_the_declaration(
    client_for, reviewer_a, scenario
):
    assign(scenario, reviewer_a)
    bid = scenario.bids[0]
    body = client_for(reviewer_a).get(bid_url(bid)).content.decode()
    assert bid.applicant.legal_name in body
    assert scenario.partner.legal_name in body
    assert bid.technical_approach not in body


# --------------------------------------------------------------------------- scoring
def _form(bid, values, comment="ok", overall="Overall fine."):
    criteria = list(bid.challenge.criteria.order_by("order", "pk"))
    if isinstance(values, int):
        values = [values] * len(criteria)
    data = {"overall_comment": overall}
    for c, v in zip(criteria, values, strict=True):
        data[f"score_{c.pk}"] = "" if v is None else str(v)
        data[f"comment_{c.pk}"] = comment
    return data


def test_score_save_then_submit_locks_the_review(client_for, reviewer_a, scenario):
    assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    c = client_for(reviewer_a)
    c.post(bid_url(bid), {"action": "declare", "coi-has_conflict": "no"})
    c.post(bid_url(bid), {"action": "save", **_form(bid, [7, None, None, None, None])})
    draft = Review.objects.get(bid=bid)
    assert draft.status == "draft"
    assert sorted(v for v in draft.scores.values_list("value", flat=True) if v is not None) == [7]
    # Submitting with a criterion unscored is refused, nothing changes.
    response = c.post(bid_url(bid), {"action": "submit", **_form(bid, [7, None, None, None, None])})
    assert "before submitting" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    response = c.post(
        bid_url(bid), {"action": "submit", "confirm_submit": "yes", **_form(bid, 8)}, follow=True
    )
    assert "Your review is submitted" in response.content.decode()
    submitted = Review.objects.get(bid=bid)
    assert submitted.status == "submitted" and submitted.submitted_at
    assert "80.0" in response.content.decode()  # the weighted total


def test_score_out_of_bounds_is_refused_and_nothing_saved(client_for, reviewer_a, scenario):
    assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    c = client_for(reviewer_a)
    c.post(bid_url(bid), {"action": "declare", "coi-has_conflict": "no"})
    for bad in ([11, 5, 5, 5, 5], [-1, 5, 5, 5, 5], ["x", 5, 5, 5, 5]):
        response = c.post(bid_url(bid), {"action": "submit", **_form(bid, bad)})
        assert response.status_code == 200
        assert (
            "Scores go from 0 to 10" in response.content.decode()
            or "Enter a whole number" in response.content.decode()
        )
    assert not Review.objects.exists()
    with pytest.raises(Exception, match="scored from 0 to 10"):
        services.review_save(
            assignment=ReviewerAssignment.objects.get(reviewer=reviewer_a),
            bid=bid,
            scores=full_scores(scenario.challenge, [5, 5, 5, 5, 99]),
            by=reviewer_a,
            submit=True,
        )
    assert not Review.objects.exists() and not Score.objects.exists()


def test_submitted_review_cannot_be_edited(client_for, reviewer_a, scenario):
    seat = assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    submitted = review(seat, bid, 6, overall="first")
    before = list(Score.objects.filter(review=submitted).values_list("value", flat=True))
    c = client_for(reviewer_a)
    response = c.post(
        bid_url(bid), {"action": "save", **_form(bid, 9, overall="changed")}, follow=True
    )
    assert "submitted and is locked" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.overall_comment == "first"
    assert list(Score.objects.filter(review=submitted).values_list("value", flat=True)) == before
    with pytest.raises(Exception, match="locked"):
        review(seat, bid, 9)


def test_others_scores_are_hidden_until_the_reviewer_submits(
    client_for, reviewer_a, reviewer_b, scenario
):
    seat_a = assign(scenario, reviewer_a)
    seat_b = assign(scenario, reviewer_b)
    bid = scenario.bids[1]
    review(seat_b, bid, 3, comment="A very distinctive comment from B")
    c = client_for(reviewer_a)
    c.post(bid_url(bid), {"action": "declare", "coi-has_conflict": "no"})
    body = c.get(bid_url(bid)).content.decode()
    assert "A very distinctive comment from B" not in body
    assert "The other reviewers" not in body
    review(seat_a, bid, 8)
    body = c.get(bid_url(bid)).content.decode()
    assert "A very distinctive comment from B" in body
    assert "Reviewer 1" in body
    assert reviewer_b.full_name not in body


def test_attachments_and_eligibility_are_readable_after_the_declaration(
    client_for, reviewer_a, scenario
):
    seat = assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    attachment = attach(bid)
    url = reverse("challenges:attachment", args=[attachment.pk])
    c = client_for(reviewer_a)
    assert c.get(url).status_code == 404
    services.conflict_declare(assignment=seat, bid=bid, has_conflict=False, by=reviewer_a)
    body = c.get(bid_url(bid)).content.decode()
    assert url in body
    assert "Eligibility at submission" in body
    assert bid.eligibility_record.results[0]["title"] in body
    response = c.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    # The bid page itself (with names) stays closed to reviewers.
    assert c.get(reverse("challenges:bid_detail", args=[bid.pk])).status_code == 404


def test_a_stranger_reviewer_cannot_download_the_attachment(
    client_for, reviewer_a, reviewer_b, scenario
):
    seat = assign(scenario, reviewer_a)
    assign(scenario, reviewer_b)
    bid = scenario.bids[1]
    attachment = attach(bid)
    services.conflict_declare(assignment=seat, bid=bid, has_conflict=False, by=reviewer_a)
    url = reverse("challenges:attachment", args=[attachment.pk])
    assert client_for(reviewer_b).get(url).status_code == 404
    assert client_for(UserFactory()).get(url).status_code == 404


# --------------------------------------------------------------------------- query counts
def test_list_pages_run_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, operator, reviewer_a, scenario
):
    seat = assign(scenario, reviewer_a)
    review(seat, scenario.bids[0], 5)
    c = client_for(reviewer_a)
    counts = {}
    for url in ("/review/", LIST_URL, SEATS_URL):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    # More challenges and bids: the same number of queries.
    for _ in range(2):
        more = build_scenario(operator=operator, bids=3)
        services.panel_create(challenge=more.challenge, by=operator)
        services.reviewer_assign(challenge=more.challenge, reviewer=reviewer_a, by=operator)
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            assert c.get(url).status_code == 200


# --------------------------------------------------------------------------- status labels
def test_the_lists_show_the_reviewers_progress_and_next_step(
    client_for, reviewer_a, reviewer_b, scenario
):
    seat = assign(scenario, reviewer_a)
    first, second = scenario.bids
    c = client_for(reviewer_a)

    def cell(body: str, bid) -> str:
        """The index row of one bid (its label, status and next step)."""
        start = body.index(f'href="{bid_url(bid)}"')
        return body[start : body.index("</tr>", start)]

    body = c.get("/review/").content.decode()
    assert "review-status-todo" in cell(body, first)
    assert "Declare conflict of interest" in cell(body, first) and "Declare →" in cell(body, first)
    review(seat, first, 5, submit=False)
    c.post(
        bid_url(second),
        {"action": "declare", "coi-has_conflict": "yes", "coi-explanation": "Former employer"},
    )
    body = c.get("/review/").content.decode()
    assert "Draft saved" in cell(body, first) and "Score →" in cell(body, first)
    assert "Conflict declared" in cell(body, second) and "Open →" in cell(body, second)
    assert "review-status-conflict" in cell(body, second)
    review(seat, first, 6)
    for url in ("/review/", seat_url(seat), LIST_URL):
        body = c.get(url).content.decode()
        assert "review-status-done" in body and "Submitted" in body
    other = client_for(reviewer_b)
    assign(scenario, reviewer_b)
    other.post(bid_url(first), {"action": "declare", "coi-has_conflict": "no"})
    body = other.get("/review/").content.decode()
    assert "To score" in cell(body, first) and "Score →" in cell(body, first)
