"""Small forms shared by several pages: an uploaded document, a reason, a vetting decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from entities.files import ACCEPT_ATTRIBUTE, inspect_upload


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=_(
            "PDF, image or office document, up to 20 MB. The type is checked from the content."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    public = forms.BooleanField(
        label=_("Public: anyone may download it once the challenge is published"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.upload_info = inspect_upload(upload)
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class VettingForm(forms.Form):
    ACTIONS = (
        ("publish", _("Publish: the challenge is listed and open for bids")),
        ("return", _("Return for changes: the owner edits the draft and submits again")),
        ("reject", _("Reject: the challenge cannot take part in the programme")),
    )
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Comments to the owner"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when returning or rejecting; shown to the owner and e-mailed."),
        max_length=4000,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") in ("return", "reject")
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Tell the owner what to change or why it is rejected."))
        return cleaned
