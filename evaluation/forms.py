"""Forms of the evaluation pages and the review panel. No business rules: services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from challenges.enums import Sector
from challenges.forms.listing import asean_country_choices
from challenges.models import Bid, ChallengeKPI
from core.multilingual import localized
from entities.forms import MultipleFileField
from entities.models import Membership, User

from . import scoring
from .models import Criterion, KPIAchievement

TEXTAREA_SMALL = {"rows": 3}


# --------------------------------------------------------------------------- panel
class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


class AssignReviewerForm(forms.Form):
    reviewer = ReviewerChoiceField(
        label=_("Reviewer"),
        queryset=User.objects.none(),
        empty_label=_("Choose a reviewer…"),
        help_text=_("People who already have reviewer access and are not on this panel."),
    )

    def __init__(self, *args: Any, pool=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pool is not None:
            self.fields["reviewer"].queryset = pool


class InviteReviewerForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_(
            "Someone with an account is added at once. Anyone else receives a link to create "
            "an account that has reviewer access only."
        ),
    )


class RemoveReviewerForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the history)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA_SMALL),
        max_length=2000,
    )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        user = obj.user
        name = f"{user.full_name} <{user.email}>" if user.full_name else user.email
        return f"{name} · {obj.get_role_display()}"


class NominateForm(forms.Form):
    member = MemberChoiceField(
        label=_("Member to nominate"),
        queryset=Membership.objects.none(),
        empty_label=_("Choose a member…"),
    )

    def __init__(self, *args: Any, members=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = Membership.objects.filter(
                pk__in=[m.pk for m in members]
            ).select_related("user")


# --------------------------------------------------------------------------- rubric
class CriterionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Criterion"), max_length=120, required=False)
    guidance = forms.CharField(
        label=_("Guidance for reviewers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100, required=False)
    max_score = forms.IntegerField(
        label=_("Maximum score"), min_value=1, max_value=100, required=False, initial=10
    )
    DELETE = forms.BooleanField(label=_("Remove"), required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return not data.get("name") and not data.get("weight") and not data.get("id")

    def clean(self):
        data = super().clean()
        if data.get("DELETE") or (
            not data.get("name") and not data.get("weight") and not data.get("id")
        ):
            return data
        if not data.get("name"):
            self.add_error("name", _("Name the criterion."))
        if not data.get("weight"):
            self.add_error("weight", _("Give the criterion a weight."))
        if not data.get("max_score"):
            data["max_score"] = 10
        return data


class BaseCriterionFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        return [
            {k: f.cleaned_data.get(k) for k in ("id", "name", "guidance", "weight", "max_score")}
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and not f.is_blank()
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise forms.ValidationError(_("A rubric needs at least one criterion."))
        total = sum(r["weight"] or 0 for r in rows)
        if scoring.weights_problems(r["weight"] or 0 for r in rows):
            raise forms.ValidationError(
                _("The weights must add up to 100; they add up to %(sum)s.") % {"sum": total}
            )
        names = [r["name"].strip().lower() for r in rows]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Two criteria have the same name."))


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, max_num=12, validate_max=True
)


def criterion_initial(criteria: list[Criterion]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "name": c.name,
            "guidance": c.guidance,
            "weight": c.weight,
            "max_score": c.max_score,
        }
        for c in criteria
    ]


# --------------------------------------------------------------------------- decision
class BidChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Bid) -> str:
        return obj.applicant.legal_name


# --------------------------------------------------------------------------- the reviewer
class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Your declaration"),
        choices=[
            ("no", _("I have no conflict of interest with this bid")),
            ("yes", _("I have a conflict of interest with this bid")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("If you have a conflict: what is it?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA_SMALL),
        help_text=_(
            "e.g. “I co-authored papers with the lead researcher in the last three years”. "
            "Only the programme office reads this."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not (data.get("explanation") or "").strip():
            self.add_error("explanation", _("Say briefly what the conflict is."))
        return data


class LateConflictForm(forms.Form):
    explanation = forms.CharField(
        label=_("What is the conflict?"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA_SMALL),
    )


class ReviewForm(forms.Form):
    """One score and one comment per criterion, and an overall comment."""

    overall_comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Strengths, weaknesses and advice. The bidder receives the comments without your name."
        ),
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion], disabled: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("Score for “%(name)s”") % {"name": localized(criterion, "name")},
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": criterion.max_score, "step": 1, "inputmode": "numeric"}
                ),
                error_messages={
                    "min_value": _("Scores go from 0 to %(max)s.") % {"max": criterion.max_score},
                    "max_value": _("Scores go from 0 to %(max)s.") % {"max": criterion.max_score},
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": localized(criterion, "name")},
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["overall_comment"] = self.fields.pop("overall_comment")
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def rows(self) -> list[dict[str, Any]]:
        """(criterion, score field, comment field) for the template."""
        return [
            {
                "criterion": c,
                "score": self[f"score_{c.pk}"],
                "comment": self[f"comment_{c.pk}"],
            }
            for c in self.criteria
        ]

    def scores(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            c.pk: (data.get(f"score_{c.pk}"), data.get(f"comment_{c.pk}") or "")
            for c in self.criteria
        }


# --------------------------------------------------------------------------- validation
class MilestoneReportForm(forms.Form):
    text = forms.CharField(
        label=_("Progress report"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was delivered, and how it meets the acceptance criterion."),
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        help_text=_(
            "Test reports, logs, signed trial reports… PDF, images or office documents, up to 20 MB each."
        ),
    )


class MilestoneDecisionForm(forms.Form):
    ACCEPT = "accept"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (ACCEPT, _("Accept: the milestone meets its acceptance criterion")),
            (REJECT, _("Reject: it does not meet it yet")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA_SMALL),
        help_text=_("Required when you reject: say what is missing."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what is missing, so the lead team can fix it."))
        return data


class SignOffForm(forms.Form):
    VALIDATE = "validate"
    FAIL = "fail"

    action = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (VALIDATE, _("Sign off: the solution is validated")),
            (FAIL, _("Record a failed validation")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Comment or reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA_SMALL),
        help_text=_("Required for a failed validation; it is sent to both parties."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.FAIL and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the failed validation."))
        return data


# --------------------------------------------------------------------------- achieved KPI values
class KPIReportForm(forms.Form):
    """The lead's achieved value and note for each KPI that is not confirmed yet."""

    def __init__(self, *args: Any, kpis: list[ChallengeKPI], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpis = kpis
        for kpi in kpis:
            achievement = getattr(kpi, "current", None)
            self.fields[f"achieved_{kpi.pk}"] = forms.CharField(
                label=gettext("Achieved value: %(metric)s") % {"metric": kpi.metric},
                max_length=120,
                required=False,
                initial=achievement.achieved if achievement else "",
            )
            self.fields[f"note_{kpi.pk}"] = forms.CharField(
                label=gettext("Note: %(metric)s") % {"metric": kpi.metric},
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=achievement.note if achievement else "",
                help_text=_("How and where it was measured (optional)."),
            )

    def rows(self) -> list[tuple[ChallengeKPI, forms.BoundField, forms.BoundField]]:
        return [(k, self[f"achieved_{k.pk}"], self[f"note_{k.pk}"]) for k in self.kpis]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reported = 0
        for kpi in self.kpis:
            achieved = (data.get(f"achieved_{kpi.pk}") or "").strip()
            if achieved:
                reported += 1
            elif (data.get(f"note_{kpi.pk}") or "").strip():
                self.add_error(
                    f"achieved_{kpi.pk}", gettext("Give the achieved value this note is about.")
                )
        if self.kpis and not reported and not self.errors:
            raise forms.ValidationError(gettext("Give the achieved value of at least one KPI."))
        return data

    def values(self) -> list[tuple[ChallengeKPI, str, str]]:
        """(KPI, achieved, note) for every KPI given a value."""
        data = self.cleaned_data
        return [
            (kpi, data[f"achieved_{kpi.pk}"].strip(), data.get(f"note_{kpi.pk}", "").strip())
            for kpi in self.kpis
            if (data.get(f"achieved_{kpi.pk}") or "").strip()
        ]


class KPIConfirmForm(forms.Form):
    """The demand entity's verdict on each reported value: confirm, send back, or later."""

    CONFIRM, RETURN = "confirm", "return"

    def __init__(self, *args: Any, achievements: list[KPIAchievement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.achievements = achievements
        for item in achievements:
            self.fields[f"decision_{item.pk}"] = forms.ChoiceField(
                label=gettext("Your answer: %(metric)s") % {"metric": item.kpi.metric},
                choices=[
                    ("", _("Decide later")),
                    (self.CONFIRM, pgettext_lazy("an achieved KPI value", "Confirm")),
                    (self.RETURN, pgettext_lazy("an achieved KPI value to the lead", "Send back")),
                ],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=gettext("Comment: %(metric)s") % {"metric": item.kpi.metric},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Required when you send the value back."),
            )

    def rows(self) -> list[tuple[KPIAchievement, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"decision_{a.pk}"], self[f"comment_{a.pk}"]) for a in self.achievements]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        answered = 0
        for item in self.achievements:
            decision = data.get(f"decision_{item.pk}")
            answered += bool(decision)
            if decision == self.RETURN and not (data.get(f"comment_{item.pk}") or "").strip():
                self.add_error(
                    f"comment_{item.pk}",
                    gettext("Say what is wrong with the value, so the lead can fix it."),
                )
        if self.achievements and not answered and not self.errors:
            raise forms.ValidationError(gettext("Confirm or send back at least one value."))
        return data

    def verdicts(self) -> list[tuple[KPIAchievement, bool, str]]:
        data = self.cleaned_data
        return [
            (a, data[f"decision_{a.pk}"] == self.CONFIRM, data.get(f"comment_{a.pk}", "").strip())
            for a in self.achievements
            if data.get(f"decision_{a.pk}")
        ]


class ResultsFilterForm(forms.Form):
    """The public results page's filters (an invalid value is ignored, with its error shown)."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    year = forms.TypedChoiceField(label=_("Year of decision"), required=False, coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *asean_country_choices()]
        self.fields["sector"].choices = [("", _("All sectors")), *Sector.choices]
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "country": data.get("country") or "",
            "sector": data.get("sector") or "",
            "year": data.get("year") or None,
        }
