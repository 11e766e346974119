"""Clarification Q&A pages: the challenge's questions, asking, answering, moderating."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import clarifications, rules
from ..forms import AnswerForm, ModerateForm, QuestionForm
from ..models import ClarificationQuestion
from ._common import challenge_or_404, error_messages

PAGE_SIZE = 20


def challenge_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """Published answers for everyone; the ask form; the answerers' and moderators' queue."""
    challenge = challenge_or_404(request, pk)
    user = request.user
    organization = getattr(request, "organization", None) or None
    can_ask = user.is_authenticated and rules.can_ask_question(user, organization, challenge)
    form = QuestionForm(request.POST or None) if can_ask else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                clarifications.question_ask(
                    challenge=challenge,
                    organization=organization,
                    by=user,
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                error_messages(request, exc, form)
            else:
                messages.success(
                    request,
                    _("Your question was sent privately. You will be told when it is answered."),
                )
                return redirect("challenges:questions", challenge.pk)
    can_answer = rules.can_answer_questions(user, challenge)
    moderator = rules.can_moderate_questions(user)
    published = Paginator(clarifications.published_questions(challenge), PAGE_SIZE)
    return render(
        request,
        "challenges/questions.html",
        {
            "challenge": challenge,
            "page_obj": published.get_page(request.GET.get("page")),
            "form": form,
            "can_answer": can_answer,
            "moderator": moderator,
            "queue": list(clarifications.all_questions(challenge)) if can_answer else [],
            "answer_form": AnswerForm(),
            "own": list(clarifications.own_questions(challenge, organization))
            if user.is_authenticated and not can_answer
            else [],
            "questions_until": challenge.questions_deadline or challenge.deadline,
        },
    )


def _question_or_404(request: HttpRequest, pk: int) -> ClarificationQuestion:
    question = get_object_or_404(
        ClarificationQuestion.objects.select_related("challenge", "organization"), pk=pk
    )
    challenge_or_404(request, question.challenge_id)  # 404 when the challenge is not visible
    return question


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(request, pk)
    if not rules.can_answer_questions(request.user, question.challenge):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            clarifications.question_answer(
                question=question, by=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request, _("The answer is published and sent to everyone bidding on the challenge.")
            )
    else:
        messages.error(request, _("Write an answer before publishing it."))
    return redirect("challenges:questions", question.challenge_id)


@login_required
def question_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_or_404(request, pk)
    if not rules.can_moderate_questions(request.user):
        raise Http404
    form = ModerateForm(
        request.POST or None,
        initial={
            "question": question.question,
            "answer": question.answer,
            "hidden": question.state == "hidden",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clarifications.question_moderate(
                question=question,
                by=request.user,
                hidden=data["hidden"],
                question_text=data["question"],
                answer_text=data["answer"],
                note=data["note"],
            )
        except ValidationError as exc:
            error_messages(request, exc, form)
        else:
            messages.success(request, _("The question was updated."))
            return redirect("challenges:questions", question.challenge_id)
    return render(
        request,
        "challenges/question_moderate.html",
        {"question": question, "challenge": question.challenge, "form": form},
    )
