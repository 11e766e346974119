"""Forms of the challenges app, one module per topic; the public names are re-exported here."""

from .bids import BidForm, BudgetFormSet, MilestoneFormSet, ModesForm, TeamFormSet
from .challenges import ChallengeForm, DeadlineField, KPIFormSet
from .common import AttachmentForm, ReasonForm, VettingForm
from .directory import DirectoryFilter, DirectoryListingForm
from .listing import ChallengeFilter
from .partners import PartnerInviteForm, PartnerPickForm, PartnerResponseForm
from .questions import AnswerForm, ModerateForm, QuestionForm
from .saved_searches import SavedSearchForm, SavedSearchRenameForm
from .translations import ChallengeTranslationForm

__all__ = [
    "AnswerForm",
    "ModerateForm",
    "QuestionForm",
    "AttachmentForm",
    "BidForm",
    "BudgetFormSet",
    "ChallengeFilter",
    "ChallengeForm",
    "ChallengeTranslationForm",
    "DeadlineField",
    "DirectoryFilter",
    "DirectoryListingForm",
    "KPIFormSet",
    "MilestoneFormSet",
    "ModesForm",
    "PartnerInviteForm",
    "PartnerPickForm",
    "PartnerResponseForm",
    "ReasonForm",
    "SavedSearchForm",
    "SavedSearchRenameForm",
    "TeamFormSet",
    "VettingForm",
]
