"""The question bank page, and the manager's question prompts in meeting mode."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from rapport import access
from rapport.http import SignedInRequest
from rapport.meetings.models import Meeting
from rapport.meetings.selectors import get_meeting_for
from rapport.questions import selectors, services
from rapport.questions.forms import AskedForm, QuestionForm, SuggestionsForm
from rapport.questions.models import Question
from rapport.questions.presentation import SectionPrompts, section_prompts_for


def _bank_page(request: SignedInRequest, form: QuestionForm | None) -> HttpResponse:
    sections = selectors.bank_sections()
    context = {
        "sections": sections,
        "total": sum(section.count for section in sections),
        "form": form,
    }
    return render(request, "questions/bank.html", context)


@require_GET
def bank(request: SignedInRequest) -> HttpResponse:
    adding = access.can_add_questions(request.user)
    return _bank_page(request, QuestionForm() if adding else None)


@require_POST
def add(request: SignedInRequest) -> HttpResponse:
    if not access.can_add_questions(request.user):
        raise Http404
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.question_add(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error("text" if error.code in ("duplicate", "empty", "long") else None, error)
        else:
            messages.success(
                request, gettext("Added to the bank: “%(text)s”") % {"text": question.text}
            )
            anchor = f"#bank-{question.section}-{question.category}"
            return redirect(reverse("questions:bank") + anchor)
    return _bank_page(request, form)


def _manager_meeting(request: SignedInRequest, meeting_uuid: str) -> Meeting:
    meeting = get_meeting_for(request.user, meeting_uuid)
    # The prompts are the manager's own: the report sees the meeting, not these.
    if not access.can_run_meeting_mode(request.user, meeting):
        raise Http404("No such meeting.")
    return meeting


def _section(request: SignedInRequest, prompts: SectionPrompts | None) -> HttpResponse:
    if prompts is None:
        raise Http404("No such meeting.")
    context = {"prompts": prompts}
    if request.htmx:
        return render(request, "questions/_suggestions.html", context)
    return render(request, "questions/suggestions.html", context)


@require_GET
def suggestions(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = _manager_meeting(request, meeting_uuid)
    form = SuggestionsForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(gettext("Choose the connection or the performance section."))
    prompts = section_prompts_for(
        request.user,
        meeting,
        form.cleaned_data["section"],
        exclude=form.cleaned_data["exclude"],
    )
    return _section(request, prompts)


@require_POST
def asked(request: SignedInRequest, meeting_uuid: str) -> HttpResponse:
    meeting = _manager_meeting(request, meeting_uuid)
    form = AskedForm(request.POST)
    valid = form.is_valid()
    if "question" not in form.cleaned_data:
        return HttpResponseBadRequest(gettext("Which question was asked?"))
    question = get_object_or_404(Question, uuid=form.cleaned_data["question"])
    exclude = form.cleaned_data.get("exclude", [])
    if not valid:
        too_long = "follow_up" in form.errors
        messages.error(
            request,
            gettext("Keep the follow-up under 500 characters.")
            if too_long
            else gettext("Please try that again."),
        )
    else:
        # Only the follow-up form sends the field: "Asked" alone never clears a note.
        follow_up = form.cleaned_data["follow_up"] if "follow_up" in request.POST else None
        try:
            services.question_mark_asked(
                meeting=meeting, question=question, by=request.user, follow_up=follow_up
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if not request.htmx:
        query = {"section": question.section}
        if exclude:
            query["exclude"] = ",".join(str(value) for value in exclude)
        url = reverse("questions:suggestions", kwargs={"meeting_uuid": meeting.uuid})
        return redirect(f"{url}?{urlencode(query)}")
    prompts = section_prompts_for(
        request.user, meeting, question.section, exclude=exclude, just_asked=question.uuid
    )
    return _section(request, prompts)
