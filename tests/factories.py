"""factory_boy factories shared by the whole suite.

Single rows come from factory_boy; anything built through the services (a
membership, a declared capability, …) comes from `portal.demo.builders`, the
builders the demo data uses too, re-exported here.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from entities.enums import InstitutionType, MembershipRole, VerificationStatus
from entities.models import CapabilityDeclaration, Organization, User
from portal.demo import builders
from portal.demo.builders import PDF_BYTES, add_member, make_uscc, make_vn_mst, verified_email

__all__ = [
    "PDF_BYTES",
    "PNG_BYTES",
    "CriterionFactory",
    "GroupFactory",
    "InvitationFactory",
    "OrganizationFactory",
    "ReviewerAssignmentFactory",
    "ReviewerFactory",
    "UserFactory",
    "add_member",
    "declare_capability",
    "make_uscc",
    "make_vn_mst",
    "organization_form_data",
    "verified_email",
]

PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"organization:factory-{n}")


# Every privileged test user (staff, superuser, reviewer) gets an authenticator app
# with this secret: the portal refuses them everything else (portal/mfa.py).
# `totp_code()` gives the current code, e.g. for the browser tests' sign-in.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    import time

    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def give_second_factor(user: User, secret: str = TEST_TOTP_SECRET) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.save()
            verified_email(self)

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """Privileged users get an authenticator app unless `second_factor=False`."""
        wanted = extracted
        if wanted is None:
            wanted = self.is_staff or self.is_superuser or self.is_reviewer
        if create and wanted:
            if self.pk is None:
                self.save()
            give_second_factor(self)


class OrganizationFactory(factory.django.DjangoModelFactory):
    """A Guangxi enterprise by default; see the traits for other kinds."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Guangxi Intelligent Systems Co. {n}")
    local_name = ""
    country = "CN"
    region = "Nanning"
    region_code = "450100"
    institution_type = InstitutionType.ENTERPRISE
    independent_legal_status = True
    registry = "cn_uscc"
    registration_number = factory.Sequence(lambda n: make_uscc(n))
    registration_date = dt.date(2015, 3, 14)
    verification_status = VerificationStatus.VERIFIED
    members_group = factory.SubFactory("tests.factories.GroupFactory")

    class Params:
        asean = factory.Trait(
            legal_name=factory.Sequence(lambda n: f"Mekong Delta Rice Research Institute {n}"),
            country="VN",
            region="Can Tho",
            region_code="",
            institution_type=InstitutionType.RESEARCH_INSTITUTE,
            registry="vn_mst",
            registration_number=factory.Sequence(lambda n: make_vn_mst(n)),
        )
        unverified = factory.Trait(verification_status=VerificationStatus.UNVERIFIED)

    @factory.post_generation
    def perms(self, create, extracted, **kwargs):
        if create:
            assign_perm("entities.view_organization", self.members_group, self)

    @factory.post_generation
    def capabilities(self, create, extracted, **kwargs):
        """capabilities=True declares every capability of its side with one evidence file."""
        if not create or not extracted:
            return
        keys = extracted if isinstance(extracted, list | tuple) else None
        by = UserFactory()
        for key in keys or builders.side_capabilities(self):
            declare_capability(self, key, by=by)


def declare_capability(
    organization: Organization, key: str, *, evidence: bool = True, by: User | None = None
) -> CapabilityDeclaration:
    """One capability declared through the service (by a new user unless `by` is given)."""
    return builders.declare_capability(
        organization,
        key,
        by=by or UserFactory(),
        description=f"Our {key} in detail, with numbers.",
        evidence=evidence,
    )


def organization_form_data(**overrides) -> dict:
    """POST data for OrganizationForm: a valid Guangxi enterprise unless overridden.

    Pass a value of None to leave a field out (e.g. an unticked checkbox).
    """
    data = {
        "legal_name": "Guangxi Smart Farming Co., Ltd.",
        "local_name": "广西智慧农业有限公司",
        "institution_type": InstitutionType.ENTERPRISE,
        "independent_legal_status": "on",
        "country": "CN",
        "registry": "cn_uscc",
        "registration_number": make_uscc(4242),
        "registration_date": "2019-06-03",
        "registry_status": "active",
        "region": "Nanning",
        "region_code": "450100",
        "website": "https://smart-farming.example.org",
        "contact_email": "office@smart-farming.example.org",
        "address": "1 Minzu Avenue, Nanning",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation to `organization` (give one), sent by nobody in particular."""

    class Meta:
        model = "entities.Invitation"

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = MembershipRole.EDITOR


# --------------------------------------------------------------------------- evaluation
class ReviewerFactory(UserFactory):
    """A user with reviewer access and no organization."""

    full_name = factory.Sequence(lambda n: f"Reviewer Number{n}")
    email = factory.Sequence(lambda n: f"reviewer{n}@example.org")
    is_reviewer = True


class CriterionFactory(factory.django.DjangoModelFactory):
    """One rubric criterion (give `challenge`); weights of a rubric must sum to 100."""

    class Meta:
        model = "evaluation.Criterion"

    name = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "What a high and a low score mean."
    weight = 20
    max_score = 10
    order = factory.Sequence(lambda n: n)


class ReviewerAssignmentFactory(factory.django.DjangoModelFactory):
    """An active panel seat (give `panel`); prefer evaluation.services.reviewer_assign."""

    class Meta:
        model = "evaluation.ReviewerAssignment"

    reviewer = factory.SubFactory(ReviewerFactory)
    status = "active"
