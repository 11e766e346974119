"""Public results: achieved KPI values reported by the lead and confirmed by the demand entity;
the result block on the challenge page and the results page (only what the programme publishes)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from challenges.enums import ChallengeState
from challenges.models import ChallengeKPI
from entities.enums import MembershipRole
from entities.selectors import organization_users
from evaluation import services
from evaluation.enums import EventAction, KPIState
from evaluation.models import EvaluationEvent, KPIAchievement, MilestoneValidation
from notifications.models import Notification
from tests.factories import ReviewerFactory, UserFactory, add_member

from .conftest import assign, review

pytestmark = pytest.mark.django_db

RATIONALE = "Chosen over the runner-up for its field-trial plan."


@pytest.fixture
def decided(scenario, operator):
    """The first bid selected as lead after a review; the challenge has two KPIs."""
    ChallengeKPI.objects.create(
        challenge=scenario.challenge, metric="Precision", target="≥ 90 %", baseline="60 %", order=1
    )
    winner = scenario.bids[0]
    seat = assign(scenario, ReviewerFactory(full_name="Rosa Secretreviewer"))
    review(seat, winner, 9, comment="Superb plan.")
    review(seat, scenario.bids[1], 4, comment="Weak data plan.")
    services.decision_create(
        challenge=scenario.challenge,
        bid=winner,
        rationale=RATIONALE,
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    scenario.refresh()
    return scenario


@pytest.fixture
def in_validation(decided, operator):
    services.validation_start(challenge=decided.challenge, by=operator)
    decided.refresh()
    return decided


def lead_editor(s):
    return s.applicants[0]


def demand_editor(s):
    user = UserFactory(full_name="Dora Demandeditor")
    add_member(s.challenge.organization, user, MembershipRole.EDITOR)
    return user


def kpis(s) -> list[ChallengeKPI]:
    return list(s.challenge.kpis.order_by("order", "pk"))


def report(s, values: list[tuple[str, str]], by=None):
    return services.kpi_results_report(
        challenge=s.challenge,
        values=[services.KPIValue(k, v, n) for k, (v, n) in zip(kpis(s), values, strict=True)],
        by=by or lead_editor(s),
    )


def sign_off(s, operator):
    lead, demand = lead_editor(s), demand_editor(s)
    for validation in MilestoneValidation.objects.filter(challenge=s.challenge):
        services.milestone_report(validation=validation, text="Delivered.", by=lead)
        services.milestone_decide(validation=validation, accept=True, by=demand)
    services.validation_sign_off(challenge=s.challenge, by=operator)
    s.refresh()


# --------------------------------------------------------------------------- services
def test_lead_reports_and_demand_confirms_or_sends_back(in_validation):
    s = in_validation
    demand = demand_editor(s)
    reported = report(s, [("87 %", "Held-out set of 2,000 images."), ("91 %", "")])
    assert [a.state for a in reported] == [KPIState.REPORTED, KPIState.REPORTED]
    # One e-mail to each of the demand entity's editors, not one per KPI.
    told = Notification.objects.filter(event="kpi.reported")
    editors = organization_users(s.challenge.organization, min_role=MembershipRole.EDITOR)
    assert {demand, s.demand_owner} <= set(editors)
    assert sorted(n.recipient_id for n in told) == sorted(u.pk for u in editors)
    recall, precision = (KPIAchievement.objects.get(kpi=k) for k in kpis(s))
    services.kpi_results_decide(
        challenge=s.challenge,
        verdicts=[
            services.KPIVerdict(recall, True),
            services.KPIVerdict(precision, False, "Measured on the training set."),
        ],
        by=demand,
    )
    recall.refresh_from_db()
    precision.refresh_from_db()
    assert (recall.state, recall.confirmed_by) == (KPIState.CONFIRMED, demand)
    assert (precision.state, precision.comment) == (
        KPIState.RETURNED,
        "Measured on the training set.",
    )
    [decided] = Notification.objects.filter(event="kpi.decided")
    assert decided.recipient == lead_editor(s)
    assert (decided.context["confirmed"], decided.context["returned"]) == (1, 1)
    assert "Precision: Measured on the training set." in decided.context["comments"]
    actions = list(
        EvaluationEvent.objects.filter(challenge=s.challenge, action__startswith="kpi_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        EventAction.KPI_REPORTED,
        EventAction.KPI_REPORTED,
        EventAction.KPI_CONFIRMED,
        EventAction.KPI_RETURNED,
    ]


def test_a_returned_value_is_reported_again_and_a_confirmed_one_is_final(in_validation):
    s = in_validation
    demand = demand_editor(s)
    report(s, [("87 %", ""), ("91 %", "")])
    recall, precision = (KPIAchievement.objects.get(kpi=k) for k in kpis(s))
    services.kpi_results_decide(
        challenge=s.challenge,
        verdicts=[services.KPIVerdict(recall, True), services.KPIVerdict(precision, False, "No.")],
        by=demand,
    )
    again = report(s, [("99 %", "changed"), ("92 %", "On the test set.")])
    assert [a.kpi.metric for a in again] == ["Precision"]
    recall.refresh_from_db()
    precision.refresh_from_db()
    assert recall.achieved == "87 %" and recall.state == KPIState.CONFIRMED
    assert (precision.achieved, precision.state, precision.comment) == (
        "92 %",
        KPIState.REPORTED,
        "",
    )
    # Reporting the same values again changes nothing and tells nobody.
    before = Notification.objects.filter(event="kpi.reported").count()
    assert report(s, [("99 %", "changed"), ("92 %", "On the test set.")]) == []
    assert Notification.objects.filter(event="kpi.reported").count() == before


def test_sending_back_needs_a_comment(in_validation):
    s = in_validation
    report(s, [("87 %", ""), ("91 %", "")])
    recall = KPIAchievement.objects.get(kpi=kpis(s)[0])
    with pytest.raises(ValidationError):
        services.kpi_results_decide(
            challenge=s.challenge,
            verdicts=[services.KPIVerdict(recall, False, "  ")],
            by=demand_editor(s),
        )
    recall.refresh_from_db()
    assert recall.state == KPIState.REPORTED


def test_only_the_right_people_report_and_confirm(in_validation, operator):
    s = in_validation
    viewer = UserFactory()
    add_member(s.bids[0].applicant, viewer, MembershipRole.VIEWER)
    rival = s.applicants[1]
    for user in (viewer, rival, demand_editor(s), operator):
        with pytest.raises(ValidationError):
            report(s, [("87 %", ""), ("91 %", "")], by=user)
    assert not KPIAchievement.objects.exists()
    report(s, [("87 %", ""), ("91 %", "")])
    recall = KPIAchievement.objects.get(kpi=kpis(s)[0])
    for user in (lead_editor(s), viewer, operator):
        with pytest.raises(ValidationError):
            services.kpi_results_decide(
                challenge=s.challenge, verdicts=[services.KPIVerdict(recall, True)], by=user
            )
    recall.refresh_from_db()
    assert recall.state == KPIState.REPORTED


def test_values_cannot_be_reported_before_the_validation_starts(decided):
    with pytest.raises(ValidationError):
        report(decided, [("87 %", ""), ("91 %", "")])


# --------------------------------------------------------------------------- the validation page
def test_validation_page_shows_each_side_its_form(in_validation, client_for, operator):
    s = in_validation
    url = reverse("evaluation:validation", args=[s.challenge.pk])
    lead_page = client_for(lead_editor(s)).get(url).content.decode()
    assert reverse("evaluation:kpi_report", args=[s.challenge.pk]) in lead_page
    assert reverse("evaluation:kpi_confirm", args=[s.challenge.pk]) not in lead_page
    report(s, [("87 %", "Held-out set."), ("91 %", "")])
    demand_page = client_for(demand_editor(s)).get(url).content.decode()
    assert reverse("evaluation:kpi_confirm", args=[s.challenge.pk]) in demand_page
    assert reverse("evaluation:kpi_report", args=[s.challenge.pk]) not in demand_page
    assert "Held-out set." in demand_page
    operator_page = client_for(operator).get(url).content.decode()
    assert "Achieved KPI values" in operator_page
    assert 'action="' + reverse("evaluation:kpi_report", args=[s.challenge.pk]) not in operator_page


def test_report_and_confirm_through_the_pages(in_validation, client_for):
    s = in_validation
    recall, precision = kpis(s)
    lead = client_for(lead_editor(s))
    response = lead.post(
        reverse("evaluation:kpi_report", args=[s.challenge.pk]),
        {f"achieved_{recall.pk}": "87 %", f"note_{recall.pk}": "Held-out set."},
    )
    assert response.status_code == 302 and response["Location"].endswith("#kpis")
    achievement = KPIAchievement.objects.get(kpi=recall)
    assert (achievement.achieved, achievement.note) == ("87 %", "Held-out set.")
    assert not KPIAchievement.objects.filter(kpi=precision).exists()
    demand = client_for(demand_editor(s))
    response = demand.post(
        reverse("evaluation:kpi_confirm", args=[s.challenge.pk]),
        {f"decision_{achievement.pk}": "confirm"},
    )
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert achievement.state == KPIState.CONFIRMED


def test_invalid_posts_change_nothing_and_say_why(in_validation, client_for):
    s = in_validation
    recall, _precision = kpis(s)
    lead = client_for(lead_editor(s))
    response = lead.post(
        reverse("evaluation:kpi_report", args=[s.challenge.pk]),
        {f"achieved_{recall.pk}": "", f"note_{recall.pk}": "A note without a value."},
    )
    assert response.status_code == 400
    assert "Give the achieved value this note is about." in response.content.decode()
    response = lead.post(reverse("evaluation:kpi_report", args=[s.challenge.pk]), {})
    assert "Give the achieved value of at least one KPI." in response.content.decode()
    assert not KPIAchievement.objects.exists()
    report(s, [("87 %", ""), ("91 %", "")])
    achievement = KPIAchievement.objects.get(kpi=recall)
    response = client_for(demand_editor(s)).post(
        reverse("evaluation:kpi_confirm", args=[s.challenge.pk]),
        {f"decision_{achievement.pk}": "return", f"comment_{achievement.pk}": ""},
    )
    assert response.status_code == 400
    assert "Say what is wrong with the value" in response.content.decode()
    achievement.refresh_from_db()
    assert achievement.state == KPIState.REPORTED


def test_kpi_pages_are_404_for_others(in_validation, client_for, outsider):
    s = in_validation
    for name in ("evaluation:kpi_report", "evaluation:kpi_confirm"):
        url = reverse(name, args=[s.challenge.pk])
        assert client_for(outsider).post(url, {}).status_code == 404
        assert client_for(s.applicants[1]).post(url, {}).status_code == 404
    assert (
        client_for(lead_editor(s))
        .post(reverse("evaluation:kpi_confirm", args=[s.challenge.pk]), {})
        .status_code
        == 404
    )


# --------------------------------------------------------------------------- public
def _public_pages(client, s) -> list[str]:
    detail = client.get(reverse("challenges:detail", args=[s.challenge.pk])).content.decode()
    results = client.get(reverse("evaluation:results")).content.decode()
    return [detail, results]


def test_public_pages_show_the_lead_partners_and_modes(decided, client):
    s = decided
    winner = s.bids[0]
    for html in _public_pages(client, s):
        assert winner.applicant.legal_name in html
        assert s.partner.legal_name in html
        assert "Collaborative R&amp;D" in html
    detail = _public_pages(client, s)[0]
    assert "Selected lead" in detail
    assert "published here after the programme office signs off the validation" in detail


def test_public_pages_never_show_scores_reviewers_rivals_or_the_rationale(decided, client):
    s = decided
    rival = s.bids[1].applicant.legal_name
    for html in _public_pages(client, s):
        for secret in (rival, "Rosa Secretreviewer", RATIONALE, "Superb plan.", "Weak data plan."):
            assert secret not in html
        assert "score" not in html.lower()
        assert "ranking" not in html.lower()


def test_only_confirmed_values_are_public_and_only_after_validation(
    in_validation, client, operator
):
    s = in_validation
    report(s, [("87 %", "Held-out set."), ("91 %", "Unchecked claim.")])
    recall = KPIAchievement.objects.get(kpi=kpis(s)[0])
    services.kpi_results_decide(
        challenge=s.challenge, verdicts=[services.KPIVerdict(recall, True)], by=demand_editor(s)
    )
    detail_url = reverse("challenges:detail", args=[s.challenge.pk])
    assert "87 %" not in client.get(detail_url).content.decode()  # not validated yet
    sign_off(s, operator)
    assert s.challenge.state == ChallengeState.VALIDATED
    html = client.get(detail_url).content.decode()
    assert "KPIs: targets and achieved values" in html
    assert "87 %" in html and "Held-out set." in html
    assert "91 %" not in html and "Unchecked claim." not in html
    assert "not confirmed" in html


def test_no_result_block_before_a_lead_is_selected(scenario, client):
    html = client.get(reverse("challenges:detail", args=[scenario.challenge.pk])).content.decode()
    assert "Selected lead" not in html
    results = client.get(reverse("evaluation:results")).content.decode()
    assert "No result yet" in results


def test_results_page_filters(decided, client):
    s = decided
    url = reverse("evaluation:results")
    year = s.challenge.decision.decided_at.year
    assert s.challenge.title in client.get(url + f"?country=VN&year={year}").content.decode()
    for query in ("?country=TH", "?sector=health"):
        html = client.get(url + query).content.decode()
        assert s.challenge.title not in html
        assert "No selected lead matches these filters." in html
    html = client.get(url + "?year=abc&sector=agriculture").content.decode()
    assert s.challenge.title in html  # the invalid year is ignored, the sector applies
    assert "Select a valid choice." in html
    # Only years with a decision are offered.
    assert f'<option value="{year}"' in html and f'<option value="{year - 1}"' not in html


def test_results_page_query_count_is_constant(
    decided, client, operator, django_assert_max_num_queries
):
    from .conftest import build_scenario

    url = reverse("evaluation:results")
    with django_assert_max_num_queries(12) as first:
        client.get(url)
    for _index in range(2):
        extra = build_scenario(operator=operator)
        services.panel_create(challenge=extra.challenge, by=operator)
        seat = assign(extra)
        review(seat, extra.bids[0], 7)
        services.decision_create(
            challenge=extra.challenge,
            bid=extra.bids[0],
            rationale="Best.",
            quorum_override="Decided in a test before the full quorum.",
            by=operator,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(url).content.decode()
    assert "3 challenges with a selected lead" in html
