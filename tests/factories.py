"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from guardian.shortcuts import assign_perm
from stdnum.cn import uscc
from stdnum.vn import mst

from entities.enums import (
    DEMAND_CAPABILITIES,
    LEAD_CAPABILITIES,
    InstitutionType,
    MembershipRole,
    VerificationStatus,
)
from entities.models import (
    CapabilityDeclaration,
    CapabilityEvidence,
    Membership,
    Organization,
    User,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(n: int, *, region: str = "450100", category: str = "91") -> str:
    """A well-formed USCC with a correct check character."""
    body = f"{category}{region}MA5K{n:05d}"
    return body + uscc.calc_check_digit(body)


def make_vn_mst(n: int) -> str:
    """A valid 10-digit Vietnamese enterprise code (some bases have no valid check digit)."""
    k = n * 11 + 1
    while True:
        base = f"01{k:07d}"
        check = mst.calc_check_digit(base)
        if len(check) == 1:
            return base + check
        k += 1


def verified_email(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"organization:factory-{n}")


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
        keys = (
            extracted
            if isinstance(extracted, list | tuple)
            else (LEAD_CAPABILITIES if self.country == "CN" else DEMAND_CAPABILITIES)
        )
        for key in keys:
            declare_capability(self, key)


def declare_capability(organization: Organization, key: str, *, evidence: bool = True):
    declaration = CapabilityDeclaration.objects.create(
        organization=organization, key=key, description=f"Our {key} in detail, with numbers."
    )
    if evidence:
        ev = CapabilityEvidence(
            declaration=declaration,
            original_name="evidence.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
        )
        ev.file.save("evidence.pdf", ContentFile(PDF_BYTES), save=True)
    return declaration


def add_member(organization: Organization, user: User, role: str = MembershipRole.EDITOR):
    membership = Membership.objects.create(organization=organization, user=user, role=role)
    user.groups.add(organization.members_group)
    for attr in ("_perm_cache", "_group_perm_cache", "_membership_cache"):
        user.__dict__.pop(attr, None)
    return membership


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
