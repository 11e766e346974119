"""Accounts (django-allauth): verified sign-up, password reset, MFA, rate limits, demo guard."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import CommandError, call_command

from entities.models import Membership, Organization, User
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.conftest import assert_error_tied_to_field
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests.factories.UserFactory
BASE_DIR = Path(django_settings.BASE_DIR)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _link(message, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", message.body)
    assert match, message.body
    return match.group(1)


def _login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _totp_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


# --------------------------------------------------------------------------- sign-up
def test_signup_requires_email_verification_before_login(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "Ana@Example.org",
            "full_name": "Test Person",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "accept_privacy": "on",
        },
    )
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email__iexact="ana@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert not _signed_in(client)
    assert client.get("/dashboard/").status_code == 302

    # Signing in before verifying only re-sends the link.
    response = _login(client, "ana@example.org", "a long passphrase 42")
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert not _signed_in(client)

    confirmation = mail.outbox[0]
    assert "ana@example.org" in confirmation.to[0].lower()
    response = client.post(_link(confirmation, "/accounts/confirm-email/"))
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert _signed_in(client)
    assert client.get("/dashboard/").status_code == 200


def test_signup_confirmation_page_does_not_confirm_on_get(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "get@example.org",
            "full_name": "Test Person",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "accept_privacy": "on",
        },
    )
    page = client.get(_link(mail.outbox[0], "/accounts/confirm-email/"))
    assert page.status_code == 200
    assert not EmailAddress.objects.get(email="get@example.org").verified


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "email": "not-an-email",
                "full_name": "Test Person",
                "password1": "a long passphrase 42",
                "password2": "a long passphrase 42",
                "accept_privacy": "on",
            },
            "email",
        ),
        (
            {
                "email": "p@example.org",
                "full_name": "P",
                "password1": "password",
                "password2": "password",
            },
            "password1",
        ),
        (
            {
                "email": "p@example.org",
                "full_name": "",
                "password1": "a long passphrase 42",
                "password2": "a long passphrase 42",
                "accept_privacy": "on",
            },
            "full_name",
        ),
        (
            {
                "email": "p@example.org",
                "full_name": "Test Person",
                "password1": "a long passphrase 42",
                "password2": "different 42",
            },
            "password2",
        ),
    ],
)
def test_signup_bad_input_shows_error_next_to_field(client, data, field):
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert_error_tied_to_field(response.content, field)
    assert not User.objects.exists()


def test_signup_existing_email_creates_no_second_account(client):
    UserFactory(email="taken@example.org")
    client.post(
        "/accounts/signup/",
        {
            "email": "TAKEN@example.org",
            "full_name": "Test Person",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "accept_privacy": "on",
        },
    )
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_signup_in_chinese_remembers_language(client):
    client.cookies["django_language"] = "zh-hans"
    client.post(
        "/accounts/signup/",
        {
            "email": "li@example.org",
            "full_name": "Test Person",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "accept_privacy": "on",
        },
    )
    assert User.objects.get(email="li@example.org").preferred_language == "zh-hans"


def test_login_verified_user_reaches_dashboard(client):
    UserFactory(email="ok@example.org")
    response = _login(client, "OK@example.org")
    assert response.status_code == 302
    assert response.url == "/dashboard/"
    assert _signed_in(client)


# --------------------------------------------------------------------------- password reset
def test_password_reset_sends_email_and_sets_new_password(client):
    user = UserFactory(email="forgetful@example.org")
    response = client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.org"]
    assert message.subject.startswith(django_settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    key_url = _link(message, "/accounts/password/reset/key/")
    form_page = client.get(key_url, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else key_url
    response = client.post(
        set_url, {"password1": "brand new passphrase 7", "password2": "brand new passphrase 7"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand new passphrase 7")


def test_password_reset_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"


# --------------------------------------------------------------------------- MFA
@pytest.mark.parametrize(
    "url",
    [
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/accounts/email/",
        "/accounts/password/change/",
    ],
)
def test_account_pages_reachable_and_styled(client, url):
    UserFactory(email="mfa@example.org")
    _login(client, "mfa@example.org")
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="site-header"' in content  # the site's layout, not allauth's bare page
    assert 'href="/static/portal/site.css"' in content


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_entrance_pages_are_styled(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b'class="site-header"' in response.content
    assert b"card auth-card" in response.content


def test_mfa_pages_need_login(client):
    response = client.get("/accounts/2fa/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_mfa_totp_activation_then_login_asks_for_code(client):
    user = UserFactory(email="secure@example.org")
    _login(client, "secure@example.org")
    # Turning on MFA asks for the password again first.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/")
    client.post(response.url, {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert b'class="site-header"' in page.content
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200

    client.post("/accounts/logout/")
    response = _login(client, "secure@example.org")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/authenticate/"
    assert not _signed_in(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert not _signed_in(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert _signed_in(client)


# --------------------------------------------------------------------------- rate limits
def test_login_rate_limits_configured():
    limits = django_settings.ACCOUNT_RATE_LIMITS
    assert limits is not False
    for action in ("login", "signup", "reset_password", "confirm_email"):
        assert limits.get(action), action
    # Failed sign-ins are counted by portal/throttle.py (tests/portal/test_throttle.py),
    # not by allauth's per-e-mail lock that refused the right password from anywhere.
    assert not limits.get("login_failed")


# --------------------------------------------------------------------------- demo accounts
def test_demo_account_refused_when_demo_disabled(client, settings):
    settings.DEMO_ENABLED = False
    demo = UserFactory(email="asean.editor@demo.example")
    User.objects.filter(pk=demo.pk).update(is_demo=True)
    response = _login(client, "asean.editor@demo.example")
    assert not _signed_in(client)
    assert any("Demo accounts are disabled" in m for m in _messages(response))


def test_demo_account_allowed_in_embedded_default(client, settings):
    settings.DEMO_ENABLED = True
    demo = UserFactory(email="asean.editor@demo.example")
    User.objects.filter(pk=demo.pk).update(is_demo=True)
    _login(client, "asean.editor@demo.example")
    assert _signed_in(client)


def test_load_demo_refused_without_demo_enabled(settings):
    settings.DEMO_ENABLED = False
    with pytest.raises(CommandError, match="embedded default"):
        call_command("load_demo")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "env", [{"DEBUG": "false"}, {"DEBUG": "false", "DEMO_ENABLED": "true"}], ids=["plain", "forced"]
)
def test_load_demo_command_refused_without_debug(tmp_path, env):
    """With production settings (DEBUG off) the command refuses, whatever DEMO_ENABLED says."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEMO_ENABLED"}
    }
    environment.update(env, DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    environment.pop("PYTEST_CURRENT_TEST", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "only for the embedded default" in result.stderr
    assert "password for all" not in result.stdout


def test_load_demo_is_idempotent_and_accounts_sign_in(client, settings):
    settings.DEMO_ENABLED = True
    call_command("load_demo")

    def counts():
        return (
            User.objects.count(),
            Organization.objects.count(),
            Membership.objects.count(),
            EmailAddress.objects.count(),
        )

    first = counts()
    call_command("load_demo")
    assert counts() == first
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.is_demo
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_staff == account.staff
        assert user.is_reviewer == account.reviewer
        if account.organization:
            assert user.memberships.get().role == account.membership_role
    for organization in Organization.objects.all():
        assert organization.memberships.filter(role="owner").exists(), organization
        assert organization.is_verified
    _login(client, "asean.editor@demo.example", DEMO_PASSWORD)
    assert _signed_in(client)


def test_signup_keeps_the_full_name(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "siti@example.org",
            "full_name": "Siti Rahman",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "accept_privacy": "on",
        },
    )
    assert User.objects.get(email="siti@example.org").full_name == "Siti Rahman"


def test_profile_page_changes_name_and_language(client_for, owner):
    c = client_for(owner)
    response = c.post("/accounts/profile/", {"full_name": "", "preferred_language": "zh-hans"})
    assert response.status_code == 200 and "Enter your name." in response.content.decode()
    owner.refresh_from_db()
    assert owner.preferred_language == "en"
    response = c.post(
        "/accounts/profile/", {"full_name": "Olivia O.", "preferred_language": "zh-hans"}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.full_name, owner.preferred_language) == ("Olivia O.", "zh-hans")
    assert response.cookies["django_language"].value == "zh-hans"
