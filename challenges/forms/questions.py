"""Clarification Q&A forms: ask, answer, moderate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Asked privately. If it is answered, the question and its answer are published on "
            "the challenge page for every bidder, without saying who asked."
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published with the question on the challenge page and sent to every bidder."),
    )


class ModerateForm(forms.Form):
    question = forms.CharField(
        label=_("Question"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.CharField(
        label=_("Answer"),
        max_length=6000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    hidden = forms.BooleanField(
        label=_("Hide this question from everyone but the programme office"), required=False
    )
    note = forms.CharField(
        label=_("Reason for the change (kept in the history)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
