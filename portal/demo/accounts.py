"""Demo organizations and accounts: one account per role, realistic organizations on both sides.

Each organization is registered by its owner, declares its capabilities with
evidence and is verified by the operator, as in the browser.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from entities.enums import CapabilityKey
from entities.models import Membership, Organization, User
from entities.registry import REGISTRIES

from . import builders

DEMO_PASSWORD = "Demo-Portal-2026"  # nosec B105  # the demo accounts' published password, refused unless DEMO_ENABLED


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


# The owners who registered their organization; the others have an "owner.<key>" account.
OWNERS = {"mekong": "asean.owner@demo.example", "gxai": "guangxi.owner@demo.example"}


def owner_email(key: str) -> str:
    return OWNERS.get(key, f"owner.{key}@demo.example")


@dataclass
class People:
    """The demo cast: users by e-mail, organizations by key."""

    users: dict[str, User]
    organizations: dict[str, Organization]

    @property
    def operator(self) -> User:
        return self.users["operator@demo.example"]

    def author(self, key: str) -> User:
        """Who works on the organization's drafts: its first demo account, else its owner."""
        for account in DEMO_ACCOUNTS:
            if account.organization == key:
                return self.users[account.email]
        return self.owner(key)

    def owner(self, key: str) -> User:
        return self.users[owner_email(key)]


def ensure_user(email: str, name: str, *, staff: bool = False, reviewer: bool = False) -> User:
    """A demo user (created with the demo password if new), e-mail verified."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": name,
            "is_staff": staff,
            "is_superuser": staff,
            "is_reviewer": reviewer,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    user.is_demo = True
    user.save()
    builders.verified_email(user)
    return user


def _registration_number(registry: str, number: str) -> str:
    # Demo USCCs are written with a placeholder check character.
    if registry == "cn_uscc":
        number = builders.with_uscc_check(number)
    return REGISTRIES[registry].check(number)


def _ensure_organization(row, people: People) -> Organization:
    key, legal, local, country, region, code, kind, registry, number, registered = row
    number = _registration_number(registry, number)
    existing = Organization.objects.filter(country=country, registration_number=number).first()
    if existing:
        return builders.organization_verify(existing, by=people.operator)
    return builders.organization_registered(
        owner=people.owner(key),
        operator=people.operator,
        describe=lambda cap: (
            f"{CapabilityKey(cap).label}: {legal} — described for the demo, with "
            f"sites, staff and figures available on request."
        ),
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


def load_people() -> People:
    """The demo accounts, the organizations and their memberships; idempotent."""
    users = {
        a.email: ensure_user(a.email, a.name, staff=a.staff, reviewer=a.reviewer)
        for a in DEMO_ACCOUNTS
    }
    for key, *_row in DEMO_ORGANIZATIONS:
        if owner_email(key) not in users:
            users[owner_email(key)] = ensure_user(owner_email(key), f"Owner of {key}")
    people = People(users=users, organizations={})
    for row in DEMO_ORGANIZATIONS:
        people.organizations[row[0]] = _ensure_organization(row, people)
    for account in DEMO_ACCOUNTS:
        if not account.organization:
            continue
        organization = people.organizations[account.organization]
        user = users[account.email]
        if not Membership.objects.filter(organization=organization, user=user).exists():
            builders.add_member(organization, user, account.membership_role)
    return people
