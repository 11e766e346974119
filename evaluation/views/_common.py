"""What the evaluation pages share: the operator's access check and error display."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from challenges.models import Challenge
from entities.views import show_validation_error

from .. import rules, selectors

show_errors = show_validation_error


def operator_challenge_or_404(request: HttpRequest, pk: int) -> Challenge:
    """The challenge for the programme office's pages; 404 for anyone else."""
    if not rules.can_manage_evaluation(request.user):
        raise Http404
    challenge = selectors.challenge_for_operator(pk)
    if challenge is None:
        raise Http404
    return challenge
