"""An organization's public profile in several languages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from challenges.enums import ChallengeState
from challenges.models import Challenge
from core.multilingual import localized
from entities import services
from entities.models import OrganizationTranslation
from tests.challenges.factories import ChallengeFactory
from tests.factories import organization_form_data

pytestmark = pytest.mark.django_db

THAI = "สถาบันวิจัยข้าวที่ทำงานร่วมกับสหกรณ์การเกษตรในภาคตะวันออกเฉียงเหนือ"


def test_profile_form_saves_profile_and_its_language(client_for, owner, org):
    data = organization_form_data(
        registration_number=org.registration_number,
        profile="Rice research with cooperatives.",
        profile_language="en",
    )
    response = client_for(owner).post(reverse("entities:edit", args=[org.pk]), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.profile, org.profile_language) == ("Rice research with cooperatives.", "en")


def test_profile_translation_save_adds_replaces_and_removes(owner, org):
    org.profile, org.profile_language = "Rice research.", "en"
    org.save()
    services.organization_profile_translation_save(
        organization=org, language="th", profile=THAI, by=owner
    )
    org = type(org).objects.prefetch_related("translations").get(pk=org.pk)
    assert localized(org, "profile", "th") == THAI
    assert localized(org, "profile", "vi") == "Rice research."
    services.organization_profile_translation_save(
        organization=org, language="th", profile="", by=owner
    )
    assert not OrganizationTranslation.objects.exists()
    assert OrganizationTranslation.history.count() == 2
    with pytest.raises(ValidationError):
        services.organization_profile_translation_save(
            organization=org, language="en", profile="Same language.", by=owner
        )


def test_profile_translation_page_is_for_owners_only(client_for, owner, viewer, outsider, org):
    url = reverse("entities:profile_translations", args=[org.pk])
    assert client_for(viewer).get(url).status_code == 404
    assert client_for(outsider).post(url, {"language": "th", "profile": THAI}).status_code == 404
    assert not OrganizationTranslation.objects.exists()
    response = client_for(owner).post(url, {"language": "th", "profile": THAI})
    assert response.status_code == 302
    assert OrganizationTranslation.objects.get().translated_profile == THAI


def test_challenge_page_shows_the_posters_profile_in_the_readers_language(owner, asean_org):
    asean_org.profile, asean_org.profile_language = "Rice research.", "en"
    asean_org.save()
    services.organization_profile_translation_save(
        organization=asean_org, language="th", profile=THAI, by=owner
    )
    challenge = ChallengeFactory(organization=asean_org)
    Challenge.objects.filter(pk=challenge.pk).update(state=ChallengeState.LISTED)
    url = reverse("challenges:detail", args=[challenge.pk])
    reader = Client()
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    assert THAI in reader.get(url).content.decode()
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = reader.get(url).content.decode()
    assert "Rice research." in html and THAI not in html
