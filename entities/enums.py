"""Choices shared by the entities app and, through it, the rest of the portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionType(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")
    OTHER = "other", _("Other")


class RegistryStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DISSOLVED = "dissolved", _("Dissolved")


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Not yet submitted for verification")
    PENDING = "pending", _("Awaiting operator verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Verification rejected")


# Transitions between these statuses are the rows of `entities.lifecycle.ORGANIZATION`.


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")

    @classmethod
    def rank(cls, role: str) -> int:
        """Higher is more powerful: owner 4, manager 3, editor 2, viewer 1."""
        return {cls.OWNER: 4, cls.MANAGER: 3, cls.EDITOR: 2, cls.VIEWER: 1}.get(role, 0)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class CapabilityKey(models.TextChoices):
    # demand side (ASEAN institutions)
    OPERATIONAL_SCENARIOS = "operational_scenarios", _("Operational scenarios")
    EXPERIMENTAL_ENVIRONMENT = "experimental_environment", _("Experimental environment")
    LOCAL_DATA_RESOURCES = "local_data_resources", _("Local data resources")
    SUPPORTING_INFRASTRUCTURE = "supporting_infrastructure", _("Supporting infrastructure")
    # lead side (Guangxi organizers)
    RND_CAPABILITY = "rnd_capability", _("R&D capability")
    RESEARCH_FACILITIES = "research_facilities", _("Research facilities")
    INTERNATIONAL_COLLABORATION_NETWORK = (
        "international_collaboration_network",
        _("International collaboration network"),
    )


DEMAND_CAPABILITIES: tuple[str, ...] = (
    CapabilityKey.OPERATIONAL_SCENARIOS,
    CapabilityKey.EXPERIMENTAL_ENVIRONMENT,
    CapabilityKey.LOCAL_DATA_RESOURCES,
    CapabilityKey.SUPPORTING_INFRASTRUCTURE,
)
LEAD_CAPABILITIES: tuple[str, ...] = (
    CapabilityKey.RND_CAPABILITY,
    CapabilityKey.RESEARCH_FACILITIES,
    CapabilityKey.INTERNATIONAL_COLLABORATION_NETWORK,
)

CAPABILITY_HELP = {
    CapabilityKey.OPERATIONAL_SCENARIOS: _(
        "Where would an AI solution run in your daily operations? Describe the sites, "
        "processes and people involved."
    ),
    CapabilityKey.EXPERIMENTAL_ENVIRONMENT: _(
        "Test beds, pilot sites, laboratories or sandboxes a solution can be tried in."
    ),
    CapabilityKey.LOCAL_DATA_RESOURCES: _(
        "Data you hold locally: kind, size, period covered, and the terms on which a "
        "partner may access it."
    ),
    CapabilityKey.SUPPORTING_INFRASTRUCTURE: _(
        "Computing, connectivity, sensors or other infrastructure you can offer."
    ),
    CapabilityKey.RND_CAPABILITY: _(
        "Research and development track record in AI: teams, projects, publications, patents."
    ),
    CapabilityKey.RESEARCH_FACILITIES: _(
        "Laboratories, computing clusters and other facilities available to the project."
    ),
    CapabilityKey.INTERNATIONAL_COLLABORATION_NETWORK: _(
        "Existing cooperation with institutions abroad, in particular in ASEAN member states."
    ),
}


class CooperationMode(models.TextChoices):
    """The five cooperation modes of the programme guidelines."""

    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")
    COLLABORATIVE_RND = "collaborative_rnd", _("Collaborative R&D")
    PERSONNEL_TRAINING = "personnel_training", _("Personnel training")
    TECHNOLOGY_LICENSING = "technology_licensing", _("Technology licensing")
    TECHNOLOGY_INVESTMENT = "technology_investment", _("Technology investment")


class EligibilityRole(models.TextChoices):
    """The part an organization plays in a submission (entities.eligibility.Role)."""

    DEMAND = "demand", _("ASEAN demand entity")
    LEAD = "lead", _("Guangxi lead organizer")
    PARTNER = "partner", _("Partner organization")


class RuleCode(models.TextChoices):
    """Rule codes of the programme guidelines (DESIGN §3)."""

    DEMAND_ASEAN_MEMBER = "DEMAND_ASEAN_MEMBER", _("Registered in an ASEAN member state")
    DEMAND_INSTITUTION_TYPE = "DEMAND_INSTITUTION_TYPE", _("Eligible type of demand institution")
    LEGALLY_REGISTERED = "LEGALLY_REGISTERED", _("Legally registered and active")
    REGISTERED_ONE_YEAR = "REGISTERED_ONE_YEAR", _("Registered for at least one year")
    LEAD_IN_GUANGXI = "LEAD_IN_GUANGXI", _("Registered in Guangxi")
    LEAD_INDEPENDENT_LEGAL_STATUS = (
        "LEAD_INDEPENDENT_LEGAL_STATUS",
        _("Independent legal person"),
    )
    LEAD_INSTITUTION_TYPE = "LEAD_INSTITUTION_TYPE", _("Eligible type of lead institution")
    DEMAND_CAPABILITIES = "DEMAND_CAPABILITIES", _("Demand-side resources declared with evidence")
    LEAD_CAPABILITIES = "LEAD_CAPABILITIES", _("Lead capabilities declared with evidence")
    PARTNERS_AT_MOST_FIVE = "PARTNERS_AT_MOST_FIVE", _("At most five distinct partners")
    COOPERATION_MODES = "COOPERATION_MODES", _("Cooperation modes chosen")
    ORGANIZATION_VERIFIED = "ORGANIZATION_VERIFIED", _("Verified by the programme office")
