"""Bulk builders of the bench data: organizations, accounts, challenges (seed.py runs them).

Everything is written with `bulk_create` in large batches; the rows are the
ones the portal's own services would write (memberships with the group,
object permissions, capability declarations with evidence, the default
rubric, conflict declarations, the evaluation history), without the per-row
side effects (e-mails, simple-history rows) that nothing measured reads.
Django must be set up before this module is imported.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import JSONField
from guardian.models import GroupObjectPermission
from psycopg.types.json import Jsonb

from challenges.enums import ChallengeState, CooperationMode
from challenges.models import Challenge, ChallengeKPI
from challenges.search import rebuild_search_vectors
from entities.enums import (
    DEMAND_CAPABILITIES,
    LEAD_CAPABILITIES,
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

from . import texts
from .common import MEMBER_EMAIL, OPERATOR_EMAIL, REVIEWER_EMAIL

BATCH = 5000
EVIDENCE_NAME = "bench/evidence.pdf"
EVIDENCE_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MODES = list(CooperationMode.values)

# State → share of the challenges; 93 % are public.
STATE_SHARES = (
    (ChallengeState.LISTED, 38),
    (ChallengeState.EVALUATION, 18),
    (ChallengeState.LEAD_ASSIGNED, 10),
    (ChallengeState.IN_VALIDATION, 9),
    (ChallengeState.VALIDATED, 16),
    (ChallengeState.FAILED_VALIDATION, 2),
    (ChallengeState.DRAFT, 3),
    (ChallengeState.SUBMITTED, 2),
    (ChallengeState.WITHDRAWN, 1),
    (ChallengeState.CANCELLED, 0.5),
    (ChallengeState.REJECTED, 0.5),
)


@dataclass
class Cast:
    """The organizations and accounts the rest of the seed builds on."""

    demand: list[Organization] = field(default_factory=list)
    leads: list[Organization] = field(default_factory=list)
    owners: dict[int, User] = field(default_factory=dict)  # organization pk → its owner
    member_org: Organization | None = None
    operator: User | None = None
    reviewers: list[User] = field(default_factory=list)


def bulk(model, rows: list, batch: int = BATCH) -> list:
    return model.objects.bulk_create(rows, batch_size=batch)


def copy_insert(model, rows: list[dict], *, with_ids: bool = True) -> list[int]:
    """Insert rows (attname → value, every NOT NULL column given) with COPY; returns the pks.

    Ten times faster than bulk_create for the 100,000 challenges: no model
    instances, no SQL text with millions of parameters. The pks are taken from
    the table's own sequence first, so related rows can point at them.
    """
    if not rows:
        return []
    table = model._meta.db_table
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    defaults = {name: f.get_default() for name, f in fields.items()}
    names = list(fields)
    quote = connection.ops.quote_name
    ids: list[int] = []
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
        columns = (["id"] if with_ids else []) + [fields[n].column for n in names]
        json_names = {n for n, f in fields.items() if isinstance(f, JSONField)}
        sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for index, row in enumerate(rows):
                values = {**defaults, **row}
                out = [Jsonb(values[n]) if n in json_names else values[n] for n in names]
                copy.write_row(([ids[index]] if with_ids else []) + out)
    return ids


def object_permissions(codename: str, model, pairs: list[tuple[Group, object]]) -> None:
    """Guardian group permissions, as `assign_perm(codename, group, obj)` writes them."""
    content_type = ContentType.objects.get_for_model(model)
    permission = Permission.objects.get(content_type=content_type, codename=codename)
    bulk(
        GroupObjectPermission,
        [
            GroupObjectPermission(
                group=group, permission=permission, content_type=content_type, object_pk=str(obj.pk)
            )
            for group, obj in pairs
        ],
    )


# --------------------------------------------------------------------------- organizations
def _demand_org(rng: random.Random, country: str, n: int, now: dt.datetime) -> Organization:
    registry, regions = texts.COUNTRIES[country]
    region = rng.choice(regions)
    kind, patterns = rng.choice(texts.DEMAND_KINDS)
    name = rng.choice(patterns).format(region=region, field=rng.choice(texts.DEMAND_FIELDS))
    return Organization(
        legal_name=f"{name} {n}",
        country=country,
        region=region,
        institution_type=kind,
        registry=registry,
        registration_number=texts.registration_number(country, n),
        registration_date=dt.date(2000 + n % 20, 1 + n % 12, 1 + n % 28),
        verification_status=VerificationStatus.VERIFIED,
        verified_at=now - dt.timedelta(days=400),
        contact_email=f"office{n}@{country.lower()}.bench.example",
    )


def _lead_org(rng: random.Random, n: int, now: dt.datetime) -> Organization:
    city, code = texts.GUANGXI_CITIES[n % len(texts.GUANGXI_CITIES)]
    kind, pattern = rng.choice(texts.LEAD_KINDS)
    return Organization(
        legal_name=f"{pattern.format(city=city, field=rng.choice(texts.LEAD_FIELDS))} {n}",
        country="CN",
        region=city,
        region_code=code,
        institution_type=kind,
        registry="cn_uscc",
        registration_number=texts.guangxi_uscc(n, code),
        registration_date=dt.date(2005 + n % 15, 1 + n % 12, 1 + n % 28),
        verification_status=VerificationStatus.VERIFIED,
        verified_at=now - dt.timedelta(days=300),
        contact_email=f"office{n}@gx.bench.example",
    )


def _save_organizations(organizations: list[Organization]) -> None:
    """Each with its own members' group, named and permitted as `organization_create` does."""
    groups = bulk(Group, [Group(name=f"organization:bench:{i}") for i in range(len(organizations))])
    for organization, group in zip(organizations, groups, strict=True):
        organization.members_group = group
    bulk(Organization, organizations)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Group._meta.db_table} g SET name = 'organization:' || o.id "
            f"FROM {Organization._meta.db_table} o WHERE o.members_group_id = g.id"
        )
    object_permissions(
        "view_organization", Organization, [(o.members_group, o) for o in organizations]
    )


def _declare_capabilities(organizations: list[Organization]) -> None:
    declarations = bulk(
        CapabilityDeclaration,
        [
            CapabilityDeclaration(
                organization=o, key=key, description=f"Our {key.replace('_', ' ')} in detail."
            )
            for o in organizations
            for key in (LEAD_CAPABILITIES if o.country == "CN" else DEMAND_CAPABILITIES)
        ],
    )
    bulk(
        CapabilityEvidence,
        [
            CapabilityEvidence(
                declaration=d,
                file=EVIDENCE_NAME,
                original_name="evidence.pdf",
                content_type="application/pdf",
                size=len(EVIDENCE_BYTES),
                sha256="0" * 64,
            )
            for d in declarations
        ],
    )


def _users(specs: list[tuple[str, str, dict]], password: str) -> list[User]:
    """Users (email, full name, extra fields) with a verified primary e-mail address."""
    users = bulk(
        User,
        [
            User(email=email, full_name=name, password=password, **extra)
            for email, name, extra in specs
        ],
    )
    bulk(
        EmailAddress,
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
    )
    return users


def _add_members(pairs: list[tuple[User, Organization, str]]) -> None:
    bulk(Membership, [Membership(user=u, organization=o, role=role) for u, o, role in pairs])
    through = User.groups.through
    bulk(through, [through(user_id=u.pk, group_id=o.members_group_id) for u, o, _ in pairs])


def build_cast(
    rng: random.Random, *, orgs_per_country: int, leads: int, password: str, unusable: str
) -> Cast:
    """ASEAN demand organizations, Guangxi leads, an owner each, and the named accounts."""
    now = dt.datetime.now(dt.UTC)
    cast = Cast()
    cast.demand = [
        _demand_org(rng, country, i * len(texts.COUNTRIES) + c, now)
        for i in range(orgs_per_country)
        for c, country in enumerate(texts.COUNTRIES)
    ]
    cast.leads = [_lead_org(rng, n, now) for n in range(leads)]
    organizations = cast.demand + cast.leads
    _save_organizations(organizations)
    _declare_capabilities(organizations)
    cast.member_org = next(o for o in cast.demand if o.country == "VN")
    owners = _users(
        [
            (f"owner{o.pk}@org.bench.example", texts.person(rng), {})
            for o in organizations
            if o is not cast.member_org
        ],
        unusable,
    )
    named = _users(
        [
            (MEMBER_EMAIL, "Nguyen Bench Member", {}),
            (OPERATOR_EMAIL, "Programme Office Bench", {"is_staff": True}),
        ]
        + [
            (email, f"Reviewer Bench {i + 1}", {"is_reviewer": True})
            for i, email in enumerate(reviewer_emails())
        ],
        password,
    )
    member, cast.operator, *cast.reviewers = named
    pairs = [
        (u, o, MembershipRole.OWNER)
        for u, o in zip(owners, [o for o in organizations if o is not cast.member_org], strict=True)
    ]
    pairs.append((member, cast.member_org, MembershipRole.OWNER))
    _add_members(pairs)
    cast.owners = {o.pk: u for u, o, _ in pairs}
    operators = Group.objects.filter(name="Programme operators").first()
    if operators is not None:
        cast.operator.groups.add(operators)
    return cast


def reviewer_emails() -> list[str]:
    return [REVIEWER_EMAIL] + [f"bench.reviewer{i}@bench.example" for i in range(2, 6)]


# --------------------------------------------------------------------------- challenges
def _state(rng: random.Random) -> str:
    states, weights = zip(*STATE_SHARES, strict=True)
    return rng.choices(states, weights)[0]


def _challenge(rng: random.Random, organization: Organization, now: dt.datetime) -> dict:
    """The column values of one challenge (attname → value)."""
    state = _state(rng)
    public = state in ChallengeState.public()
    age = dt.timedelta(days=rng.uniform(1, 1000), minutes=rng.randint(0, 1440))
    if state == ChallengeState.LISTED:
        age = dt.timedelta(days=rng.uniform(0, 120), minutes=rng.randint(0, 1440))
        deadline = now + dt.timedelta(days=rng.randint(3, 150))
    else:
        deadline = min(
            now - age + dt.timedelta(days=rng.randint(20, 90)), now - dt.timedelta(hours=1)
        )
    low = rng.randint(2, 60) * 10000
    changed = now - age
    return {
        "organization_id": organization.pk,
        "cooperation_modes": rng.sample(MODES, rng.randint(1, 3)),
        "budget_min": Decimal(low),
        "budget_max": Decimal(low * rng.randint(2, 5)),
        "currency": rng.choice(("USD", "USD", "CNY", "THB", "VND", "MYR", "SGD")),
        "deadline": deadline if state != ChallengeState.DRAFT else None,
        "duration_months": rng.choice((6, 9, 12, 18, 24, 36)),
        "state": state,
        "state_changed_at": changed,
        "submitted_at": None if state == ChallengeState.DRAFT else changed - dt.timedelta(days=7),
        "published_at": changed if public else None,
        "blind_review": rng.random() < 0.1,
        "expected_outcomes": "A field-validated system, trained staff and a handover plan.",
        "experimental_environment": "Pilot sites, a GPU workstation and staff time for trials.",
        "data_access_terms": "On our servers; derived models may be shared with the partner.",
        "created_at": changed - dt.timedelta(days=21),
        "updated_at": changed,
        **texts.challenge_texts(rng, organization.region or organization.country.code),
    }


def build_challenges(rng: random.Random, n: int, organizations: list[Organization]) -> list[int]:
    """`n` challenges spread over the organizations, with 1–3 KPIs each; returns their pks."""
    now = dt.datetime.now(dt.UTC)
    rows = [_challenge(rng, rng.choice(organizations), now) for _ in range(n)]
    pks = copy_insert(Challenge, rows)
    copy_insert(
        ChallengeKPI,
        [
            {"challenge_id": pk, "metric": m, "target": t, "baseline": b, "order": i}
            for pk in pks
            for i, (m, t, b) in enumerate(rng.sample(texts.KPI_ROWS, rng.randint(1, 3)))
        ],
    )
    return pks


def fill_search_vectors() -> int:
    """The app's own search vectors (`challenges.search.rebuild_search_vectors`).

    The GIN index is dropped for the UPDATE and built again afterwards (the
    same index, from migration challenges 0002): much faster than updating it
    row by row.
    """
    table = Challenge._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [table, "%USING gin (search_vector)%"],
        )
        definitions = [row[0] for row in cursor.fetchall()]
        for definition in definitions:
            name = definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0]
            cursor.execute(f"DROP INDEX {name}")
        # The app's own rebuild: one UPDATE for English originals without translations,
        # ICU-segmented text for the others (challenges.search).
        updated = rebuild_search_vectors()
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
    return updated


def write_evidence_file(media_root) -> None:
    path = media_root / EVIDENCE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(EVIDENCE_BYTES)
