"""A second factor is required of the programme office, reviewers, and members of orgs that ask."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from entities.enums import MembershipRole
from portal.demo.builders import add_member
from tests.factories import (
    OrganizationFactory,
    ReviewerFactory,
    UserFactory,
    give_second_factor,
    totp_code,
)

pytestmark = pytest.mark.django_db

PROTECTED = [
    "/admin/",
    "/admin/entities/organization/",
    "/review/",
    "/operator/",
    "/operator/challenges/",
    "/operator/evaluation/",
    "/dashboard/",
]


def _enrolment_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith("/accounts/2fa/")


@pytest.fixture
def bare_operator():
    return UserFactory(
        email="ops@example.org", is_staff=True, is_superuser=True, second_factor=False
    )


@pytest.fixture
def bare_reviewer():
    return ReviewerFactory(email="expert@example.org", second_factor=False)


@pytest.mark.parametrize("path", PROTECTED)
def test_second_factor_operator_without_one_reaches_no_protected_page(
    client_for, bare_operator, path
):
    response = client_for(bare_operator).get(path)
    assert _enrolment_redirect(response), (path, response.status_code)


@pytest.mark.parametrize("path", PROTECTED)
def test_second_factor_reviewer_without_one_reaches_no_protected_page(
    client_for, bare_reviewer, path
):
    response = client_for(bare_reviewer).get(path)
    assert _enrolment_redirect(response), (path, response.status_code)


def test_second_factor_staff_without_superuser_is_also_held(client_for):
    staff = UserFactory(email="clerk@example.org", is_staff=True, second_factor=False)
    assert _enrolment_redirect(client_for(staff).get("/operator/"))


def test_second_factor_posts_are_refused_too(client_for, bare_operator):
    client = client_for(bare_operator)
    response = client.post("/operator/challenges/1/", {"action": "publish"})
    assert _enrolment_redirect(response)


def test_second_factor_enrolment_pages_stay_reachable(client_for, bare_operator):
    client = client_for(bare_operator)
    assert client.get("/accounts/2fa/").status_code == 200
    # allauth asks for the password again before enrolment: still an account page.
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/")
    assert client.get("/accounts/logout/").status_code == 200


def test_second_factor_redirect_explains_why(client_for, bare_operator):
    response = client_for(bare_operator).get("/operator/", follow=True)
    assert b"must use a second factor" in response.content


def test_second_factor_operator_with_one_gets_in(client_for, operator):
    assert Authenticator.objects.filter(user=operator).exists()
    client = client_for(operator)
    assert client.get("/operator/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_second_factor_reviewer_with_one_gets_in(client_for, reviewer):
    assert client_for(reviewer).get("/review/").status_code == 200


def test_second_factor_recovery_codes_alone_do_not_count(client_for, bare_operator):
    Authenticator.objects.create(
        user=bare_operator,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "x", "used_mask": 0},
    )
    assert _enrolment_redirect(client_for(bare_operator).get("/operator/"))


def test_second_factor_session_from_before_enrolment_cannot_skip_it(client):
    """Signed in as a plain user, then made staff: the very next request is held."""
    user = UserFactory(email="later@example.org")
    client.post("/accounts/login/", {"login": user.email, "password": "correct horse battery"})
    assert client.get("/dashboard/").status_code == 200
    user.is_staff = True
    user.save()
    assert _enrolment_redirect(client.get("/dashboard/"))
    assert _enrolment_redirect(client.get("/admin/"))


def test_second_factor_removed_later_holds_the_session_again(client_for, operator):
    client = client_for(operator)
    assert client.get("/operator/").status_code == 200
    Authenticator.objects.filter(user=operator).delete()
    assert _enrolment_redirect(client.get("/operator/"))


def test_second_factor_password_alone_does_not_sign_an_operator_in(client, operator):
    response = client.post(
        "/accounts/login/", {"login": operator.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert "_auth_user_id" in client.session
    assert client.get("/admin/").status_code == 200


def test_second_factor_admin_login_form_is_not_a_back_door(client, operator):
    response = client.post(
        "/admin/login/", {"username": operator.email, "password": "correct horse battery"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_second_factor_demo_accounts_exempt_only_in_the_embedded_default(client_for, settings):
    demo = UserFactory(email="ops@demo.example", is_staff=True, second_factor=False)
    demo.is_demo = True
    demo.save()
    settings.DEMO_ENABLED = True
    assert client_for(demo).get("/operator/").status_code == 200
    settings.DEMO_ENABLED = False
    assert _enrolment_redirect(client_for(demo).get("/operator/"))


def test_second_factor_settings_offer_totp_passkeys_and_recovery_codes(settings):
    assert set(settings.MFA_SUPPORTED_TYPES) == {"totp", "webauthn", "recovery_codes"}
    assert settings.MFA_PASSKEY_LOGIN_ENABLED


# --------------------------------------------------------------------------- organizations
@pytest.fixture
def strict_org():
    organization = OrganizationFactory(capabilities=True, require_second_factor=True)
    return organization


def test_second_factor_plain_member_is_free_by_default(client_for, owner):
    assert client_for(owner).get("/dashboard/").status_code == 200


def test_second_factor_org_requirement_holds_its_members(client_for, strict_org):
    member = UserFactory(email="member@example.org")
    add_member(strict_org, member, MembershipRole.EDITOR)
    client = client_for(member)
    assert _enrolment_redirect(client.get("/dashboard/"))
    assert _enrolment_redirect(client.get(f"/organizations/{strict_org.pk}/"))
    response = client.get("/dashboard/", follow=True)
    assert strict_org.legal_name.encode() in response.content
    give_second_factor(member)
    assert client.get("/dashboard/").status_code == 200


def test_second_factor_org_requirement_holds_whichever_org_is_active(client_for, strict_org):
    """Permissions follow membership, so the switcher is no way around the rule."""
    member = UserFactory(email="member@example.org")
    relaxed = OrganizationFactory(capabilities=True)
    add_member(relaxed, member, MembershipRole.OWNER)
    add_member(strict_org, member, MembershipRole.EDITOR)
    client = client_for(member)
    client.post("/organizations/switch/", {"organization": relaxed.pk})
    assert _enrolment_redirect(client.get("/dashboard/"))
    assert _enrolment_redirect(client.get(f"/organizations/{strict_org.pk}/members/"))
    assert _enrolment_redirect(client.get(f"/organizations/{relaxed.pk}/"))


def test_second_factor_member_of_relaxed_orgs_only_is_free(client_for, strict_org):
    member = UserFactory(email="member@example.org")
    add_member(OrganizationFactory(capabilities=True), member, MembershipRole.OWNER)
    assert client_for(member).get("/dashboard/").status_code == 200


def test_second_factor_owner_switches_the_requirement_on(
    client_for, org, owner, editor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    give_second_factor(owner)
    client = client_for(owner)
    page = client.get(f"/organizations/{org.pk}/members/")
    assert b"Sign-in security" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organizations/{org.pk}/second-factor/", {"require_second_factor": "on"}
        )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.require_second_factor is True
    assert org.history.first().history_change_reason.startswith("second factor required")
    assert _enrolment_redirect(client_for(editor).get("/dashboard/"))
    assert any(editor.email in m.to for m in mail.outbox)
    assert not any(owner.email in m.to for m in mail.outbox)
    client.post(f"/organizations/{org.pk}/second-factor/", {})
    org.refresh_from_db()
    assert org.require_second_factor is False
    assert client_for(editor).get("/dashboard/").status_code == 200


@pytest.mark.parametrize("who", ["manager", "editor", "viewer", "outsider"])
def test_second_factor_only_owners_set_the_requirement(client_for, org, who, request):
    user = request.getfixturevalue(who)
    client = client_for(user)
    response = client.post(
        f"/organizations/{org.pk}/second-factor/", {"require_second_factor": "on"}
    )
    assert response.status_code == 404
    org.refresh_from_db()
    assert org.require_second_factor is False
    if who != "outsider":
        page = client.get(f"/organizations/{org.pk}/members/")
        assert b"Sign-in security" not in page.content


def test_second_factor_policy_get_is_refused(client_for, org, owner):
    assert client_for(owner).get(f"/organizations/{org.pk}/second-factor/").status_code == 405


def _protected_routes() -> list[str]:
    """Every URL pattern under /operator/, /admin/ and /review/, with 1 for each parameter."""
    import re

    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns, "/")
    paths = set()
    for route in found:
        route = route.lstrip("^").replace("^", "").replace("\\Z", "").replace("$", "")
        if not route.startswith(("/operator/", "/admin/", "/review/")):
            continue
        route = re.sub(r"<(int:)?[^>]+>", "1", route)
        route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
        if any(c in route for c in "()[]?*+\\"):
            continue
        paths.add(route.replace("//", "/"))
    return sorted(paths)


def test_second_factor_every_operator_admin_and_review_route_is_held(client_for, bare_operator):
    routes = _protected_routes()
    assert len(routes) > 30
    assert any(r.startswith("/operator/") for r in routes)
    client = client_for(bare_operator)
    leaks = [r for r in routes if not _enrolment_redirect(client.get(r))]
    assert leaks == []
