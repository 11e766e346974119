"""Challenges posted by ASEAN institutions and the bids of Guangxi teams to lead them."""

from ._history import TransitionLog
from .attachment import Attachment

# `_partner_token` is named by migration 0001 (the default of BidPartner.token).
from .bid import (
    Bid,
    BidBudgetLine,
    BidModePlan,
    BidPartner,
    BidTeamMember,
    BidTransition,
    Milestone,
    _partner_token,
)
from .challenge import Challenge, ChallengeKPI, ChallengeTransition, DeadlineReminder
from .clarification import ClarificationQuestion
from .directory import DirectoryListing
from .document import BidDocument
from .saved_search import SavedSearch, SavedSearchAlert
from .translation import TRANSLATED_FIELDS, ChallengeTranslation

__all__ = [
    "_partner_token",
    "Attachment",
    "Bid",
    "BidBudgetLine",
    "BidDocument",
    "BidModePlan",
    "BidPartner",
    "BidTeamMember",
    "BidTransition",
    "Challenge",
    "ChallengeKPI",
    "ChallengeTranslation",
    "ChallengeTransition",
    "ClarificationQuestion",
    "DeadlineReminder",
    "DirectoryListing",
    "Milestone",
    "SavedSearch",
    "SavedSearchAlert",
    "TransitionLog",
    "TRANSLATED_FIELDS",
]
