"""Forms of the evaluation desk: the review quorum, the lead decision, deadlines, appeals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinLengthValidator
from django.utils.translation import gettext_lazy as _

from challenges.forms.challenges import DeadlineField
from challenges.models import Bid

from .forms import BidChoiceField
from .services.decision import QUORUM_OVERRIDE_MIN_CHARS, override_too_short


class QuorumForm(forms.Form):
    min_reviews = forms.IntegerField(
        label=_("Minimum submitted reviews per bid"),
        min_value=1,
        max_value=20,
        help_text=_("The lead can be selected once every bid under review has this many."),
    )


class DecisionForm(forms.Form):
    bid = BidChoiceField(
        label=_("Bid to select as lead"),
        queryset=Bid.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "Why this bid: refer to the ranking, the reviewers' comments and anything else "
            "you weighed. Kept on record; the selected team sees it in the history."
        ),
    )

    quorum_override = forms.CharField(
        label=_("Reason to decide below the review quorum"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_(
            "Only when a bid has fewer submitted reviews than the panel requires: why the "
            "decision cannot wait. It is kept on the decision and shown to the demand entity."
        ),
    )

    def __init__(self, *args: Any, bids=None, quorum_met: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if bids is not None:
            self.fields["bid"].queryset = bids
        if quorum_met:
            del self.fields["quorum_override"]
        else:
            # The service's rule, checked here too so that the page asks before confirming.
            override = self.fields["quorum_override"]
            override.required = True
            override.validators.append(MinLengthValidator(QUORUM_OVERRIDE_MIN_CHARS))
            override.error_messages["required"] = override_too_short()

    def clean_rationale(self) -> str:
        value = self.cleaned_data["rationale"].strip()
        if len(value) < 20:
            raise forms.ValidationError(
                _("Write at least a sentence or two (20 characters or more).")
            )
        return value


class DeadlineForm(forms.Form):
    """Close bidding now, or move the deadline later; either way with a reason."""

    CLOSE = "close"
    EXTEND = "extend"

    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            (EXTEND, _("Extend the deadline")),
            (CLOSE, _("Close bidding now")),
        ],
        widget=forms.RadioSelect,
    )
    deadline = DeadlineField(
        label=_("New deadline (Beijing time, UTC+8)"),
        required=False,
        help_text=_("Only when extending: a date and time later than the current deadline."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept in the history and sent to the demand entity and to every bidder."),
    )

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"].strip()
        if len(value) < 10:
            raise forms.ValidationError(
                _("Give a reason of at least a few words (10 characters or more).")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == self.EXTEND and not data.get("deadline"):
            self.add_error("deadline", _("Choose the new deadline."))
        return data


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds of your appeal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_(
            "What in the evaluation or the decision was wrong, and why. You can appeal once; "
            "the programme office answers with reasons."
        ),
    )

    def clean_grounds(self) -> str:
        value = self.cleaned_data["grounds"].strip()
        if len(value) < 50:
            raise forms.ValidationError(
                _("Explain the grounds of your appeal in at least 50 characters.")
            )
        return value


class AppealDecisionForm(forms.Form):
    UPHOLD = "uphold"
    REJECT = "reject"

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (UPHOLD, _("Uphold: the programme office will decide on the lead again")),
            (REJECT, _("Reject: the decision stands")),
        ],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Sent to the appellant, the demand entity and the selected lead."),
    )

    def clean_response(self) -> str:
        value = self.cleaned_data["response"].strip()
        if len(value) < 20:
            raise forms.ValidationError(
                _("Write at least a sentence or two (20 characters or more).")
            )
        return value


class ReopenDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the decision reopened?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "Kept with the superseded decision and sent to every bidder and the demand entity."
        ),
    )

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"].strip()
        if len(value) < 20:
            raise forms.ValidationError(
                _(
                    "Explain why the decision is reopened in a sentence or two "
                    "(20 characters or more)."
                )
            )
        return value
