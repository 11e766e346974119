"""Partners of a bid: invite one on the portal or by e-mail; answer an invitation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PartnerPickForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.CharField(label=_("Role in the project"), max_length=200)
    contribution = forms.CharField(
        label=_("Contribution"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PartnerInviteForm(forms.Form):
    name = forms.CharField(label=_("Organization name"), max_length=255)
    email = forms.EmailField(label=_("E-mail of a person who can answer for it"))
    role = forms.CharField(label=_("Role in the project"), max_length=200)
    contribution = forms.CharField(
        label=_("Contribution"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PartnerResponseForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Answer on behalf of"), queryset=None, empty_label=None
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("accept", _("Accept: join this bid as a partner")), ("decline", _("Decline"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
