"""Demo data for the embedded default (`make run`). Idempotent; refused without DEBUG.

One account per role, realistic organizations on both sides, and (from the
challenges app) a dozen challenges in different states.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction

from entities import services as entity_services
from entities.enums import (
    DEMAND_CAPABILITIES,
    LEAD_CAPABILITIES,
    CapabilityKey,
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

DEMO_PASSWORD = "Demo-Portal-2026"

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    organization: str | None = None
    membership_role: str | None = None
    staff: bool = False
    reviewer: bool = False


# (key, legal name, local name, country, region, region code, type, registry, number, registered)
DEMO_ORGANIZATIONS = [
    (
        "mekong",
        "Mekong Delta Rice Research Institute",
        "Viện Lúa Đồng bằng sông Cửu Long",
        "VN",
        "Can Tho",
        "",
        "research_institute",
        "vn_mst",
        "1800158044",
        dt.date(2006, 5, 12),
    ),
    (
        "chula",
        "Chulalongkorn University Digital Health Centre",
        "ศูนย์สุขภาพดิจิทัล จุฬาลงกรณ์",
        "TH",
        "Bangkok",
        "",
        "university",
        "th_tin",
        "0994000617721",
        dt.date(2010, 9, 1),
    ),
    (
        "bnpb",
        "Jakarta Regional Disaster Management Agency",
        "Badan Penanggulangan Bencana Daerah DKI",
        "ID",
        "DKI Jakarta",
        "",
        "government_agency",
        "id_npwp",
        "01.312.166.0-091.000",
        dt.date(2011, 2, 1),
    ),
    (
        "psa",
        "Port of Singapore Logistics Lab",
        "",
        "SG",
        "Singapore",
        "",
        "enterprise",
        "sg_uen",
        "197401143C",
        dt.date(1974, 3, 20),
    ),
    (
        "mardi",
        "Malaysian Agricultural Research Institute",
        "Institut Penyelidikan Pertanian Malaysia",
        "MY",
        "Selangor",
        "",
        "research_institute",
        "my_ssm",
        "196901000011",
        dt.date(1969, 10, 28),
    ),
    (
        "dost",
        "Philippine Energy Research Office",
        "",
        "PH",
        "Metro Manila",
        "",
        "government_agency",
        "ph_sec",
        "CS200912345",
        dt.date(2009, 4, 2),
    ),
    (
        "lao",
        "National University of Laos, Faculty of Engineering",
        "ມະຫາວິທະຍາໄລແຫ່ງຊາດ",
        "LA",
        "Vientiane",
        "",
        "university",
        "la_erc",
        "0190123456",
        dt.date(1996, 6, 9),
    ),
    (
        "gxai",
        "Guangxi Institute of Artificial Intelligence",
        "广西人工智能研究院",
        "CN",
        "Nanning",
        "450100",
        "research_institute",
        "cn_uscc",
        "12450000MB0A12345X",
        dt.date(2016, 8, 18),
    ),
    (
        "gxu",
        "Guangxi University Smart Agriculture Lab",
        "广西大学智慧农业实验室",
        "CN",
        "Nanning",
        "450100",
        "university",
        "cn_uscc",
        "12450000498502310X",
        dt.date(2001, 1, 8),
    ),
    (
        "beibu",
        "Beibu Gulf Port Intelligent Logistics Co., Ltd.",
        "北部湾港智慧物流有限公司",
        "CN",
        "Qinzhou",
        "450700",
        "enterprise",
        "cn_uscc",
        "91450700MA5KB1234X",
        dt.date(2018, 11, 5),
    ),
    (
        "sz",
        "Shenzhen Speech Technology Co., Ltd.",
        "深圳语音科技有限公司",
        "CN",
        "Shenzhen",
        "440300",
        "enterprise",
        "cn_uscc",
        "91440300MA5FABCDEX",
        dt.date(2017, 4, 11),
    ),
    (
        "ntu",
        "Nanyang Centre for Applied Machine Learning",
        "",
        "SG",
        "Singapore",
        "",
        "research_institute",
        "sg_uen",
        "00192200M",
        dt.date(1991, 7, 1),
    ),
]

DEMO_ACCOUNTS = [
    DemoAccount("asean.editor@demo.example", "Nguyen Thi Lan", "ASEAN editor", "mekong", "editor"),
    DemoAccount("asean.owner@demo.example", "Tran Van Minh", "ASEAN owner", "mekong", "owner"),
    DemoAccount("guangxi.editor@demo.example", "Li Wei", "Guangxi editor", "gxai", "editor"),
    DemoAccount("guangxi.owner@demo.example", "Huang Mei", "Guangxi owner", "gxai", "owner"),
    DemoAccount(
        "partner.manager@demo.example", "Tan Wei Ming", "partner manager", "ntu", "manager"
    ),
    DemoAccount("reviewer@demo.example", "Prof. Siti Rahman", "reviewer", reviewer=True),
    DemoAccount("operator@demo.example", "Zhang Min (programme office)", "operator", staff=True),
]


def _fix_check_character(registry: str, number: str) -> str:
    """Demo USCCs are written with a placeholder check character; compute the real one."""
    if registry != "cn_uscc":
        return number
    from stdnum.cn import uscc

    body = number[:17]
    return body + uscc.calc_check_digit(body)


def _ensure_user(account: DemoAccount) -> User:
    user, created = User.objects.get_or_create(
        email=account.email,
        defaults={
            "full_name": account.name,
            "is_staff": account.staff,
            "is_superuser": account.staff,
            "is_reviewer": account.reviewer,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    user.is_demo = True
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _ensure_organization(row, creator: User) -> Organization:
    key, legal, local, country, region, code, kind, registry, number, registered = row
    from entities.registry import REGISTRIES

    number = REGISTRIES[registry].check(_fix_check_character(registry, number))
    existing = Organization.objects.filter(country=country, registration_number=number).first()
    if existing:
        return existing

    organization = entity_services.organization_create(
        user=creator,
        legal_name=legal,
        local_name=local,
        country=country,
        region=region,
        region_code=code,
        institution_type=kind,
        independent_legal_status=True,
        registry=registry,
        registration_number=number,
        registration_date=registered,
        website=f"https://{key}.example.org",
        address=f"{region}, {country}",
    )
    keys = LEAD_CAPABILITIES if country == "CN" else DEMAND_CAPABILITIES
    for cap in keys:
        declaration = CapabilityDeclaration.objects.create(
            organization=organization,
            key=cap,
            description=f"{CapabilityKey(cap).label}: {legal} — described for the demo, with "
            f"sites, staff and figures available on request.",
            updated_by=creator,
        )
        evidence = CapabilityEvidence(
            declaration=declaration,
            original_name=f"{cap}.pdf",
            content_type="application/pdf",
            size=len(DEMO_PDF),
            sha256="demo",
            uploaded_by=creator,
        )
        evidence.file.save(f"{cap}.pdf", ContentFile(DEMO_PDF), save=True)
    return organization


def _verify(organization: Organization, operator: User) -> None:
    if organization.verification_status == VerificationStatus.VERIFIED:
        return
    if organization.verification_status != VerificationStatus.PENDING:
        entity_services.organization_set_verification(
            organization=organization, to=VerificationStatus.PENDING, by=operator
        )
    entity_services.organization_set_verification(
        organization=organization, to=VerificationStatus.VERIFIED, by=operator
    )


@transaction.atomic
def load_demo() -> dict[str, Organization]:
    if not settings.DEMO_ENABLED:
        raise ImproperlyConfigured(
            "Demo data is only for the embedded default (DEBUG=true); refusing to create "
            "accounts with published passwords."
        )
    users = {a.email: _ensure_user(a) for a in DEMO_ACCOUNTS}
    operator = users["operator@demo.example"]
    organizations = {row[0]: _ensure_organization(row, operator) for row in DEMO_ORGANIZATIONS}
    for organization in organizations.values():
        # The operator registered them for the demo; members own them.
        Membership.objects.filter(organization=organization, user=operator).delete()
        operator.groups.remove(organization.members_group)
        _verify(organization, operator)
    for account in DEMO_ACCOUNTS:
        if account.organization:
            organization = organizations[account.organization]
            user = users[account.email]
            if not Membership.objects.filter(organization=organization, user=user).exists():
                Membership.objects.create(
                    organization=organization, user=user, role=account.membership_role
                )
                user.groups.add(organization.members_group)
    # Every organization keeps at least one owner.
    for key, organization in organizations.items():
        if not organization.memberships.filter(role=MembershipRole.OWNER).exists():
            owner = users.get("asean.owner@demo.example" if key == "mekong" else "")
            if owner is None:
                owner, _ = User.objects.get_or_create(
                    email=f"owner.{key}@demo.example", defaults={"full_name": f"Owner of {key}"}
                )
                owner.set_password(DEMO_PASSWORD)
                owner.is_demo = True
                owner.save()
                EmailAddress.objects.update_or_create(
                    user=owner, email=owner.email, defaults={"verified": True, "primary": True}
                )
            Membership.objects.get_or_create(
                organization=organization, user=owner, defaults={"role": MembershipRole.OWNER}
            )
            owner.groups.add(organization.members_group)
    try:
        from challenges.demo import load_challenge_demo
    except ImportError:  # the challenges app adds its own demo data
        pass
    else:
        load_challenge_demo(organizations=organizations, users=users)
    return organizations
