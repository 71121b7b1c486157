"""Survey pages: the bureau's builder, sending and results (live response rate), the enterprise's
answer sheet (phone-first). Views load, call a service, render; no rule lives here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zerodisturb.surveys import services
from zerodisturb.surveys.choices import SurveyStatus
from zerodisturb.surveys.export import results_workbook
from zerodisturb.surveys.forms import (
    AnswerForm,
    QuestionForm,
    SendForm,
    SurveyForm,
    earlier_surveys,
)
from zerodisturb.surveys.models import Question
from zerodisturb.surveys.permissions import (
    can_build,
    can_see_nav,
    is_bureau,
    my_invitations,
    visible_surveys,
)
from zerodisturb.surveys.results import compare, question_results, response_rate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors_to(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
def survey_list(request):
    user = request.user
    if not can_see_nav(user):
        raise PermissionDenied("您的角色没有调研。")
    if user.role == "enterprise":
        invitations = my_invitations(user).order_by("-invited_at", "-pk")
        return render(request, "surveys/invitations.html", {"invitations": invitations})
    surveys = visible_surveys(user)
    page = Paginator(surveys, 30).get_page(request.GET.get("page"))
    for survey in page:
        survey.rate = response_rate(survey)
    return render(request, "surveys/list.html", {"page": page, "can_build": is_bureau(user)})


@login_required
def survey_new(request):
    if not can_build(request.user):
        raise PermissionDenied("只有本县司法局可以编制调研。")
    form = SurveyForm(request.POST or None, county_code=request.user.county_code)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/new.html", {"form": form})


def _survey(request, pk):
    return get_object_or_404(visible_surveys(request.user), pk=pk)


@login_required
def survey_detail(request, pk: int, question_form=None, send_form=None):
    survey = _survey(request, pk)
    user = request.user
    context = {"survey": survey, "can_build": can_build(user, survey)}
    questions = survey.questions.order_by("position")
    if survey.status == SurveyStatus.DRAFT:
        context |= {
            "questions": questions,
            "question_form": question_form or QuestionForm(survey=survey),
            "send_form": send_form or SendForm(county_code=survey.county_code),
        }
        return render(request, "surveys/builder.html", context)
    previous = survey.previous
    chosen = request.GET.get("previous")
    choices = earlier_surveys(survey.county_code, exclude=survey)
    if chosen:
        previous = choices.filter(pk=chosen).first() if chosen.isdigit() else None
    context |= {
        "rate": response_rate(survey),
        "results": question_results(survey),
        "previous": previous,
        "previous_choices": choices,
        "comparisons": compare(survey, previous) if previous else [],
    }
    return render(request, "surveys/results.html", context)


@login_required
def survey_rate(request, pk: int):
    """The small fragment the results page polls (htmx, every 5 s) while answers come in."""
    survey = _survey(request, pk)
    return render(request, "surveys/_rate.html", {"survey": survey, "rate": response_rate(survey)})


@login_required
@require_POST
def question_add(request, pk: int):
    survey = _survey(request, pk)
    form = QuestionForm(request.POST, survey=survey)
    if form.is_valid():
        try:
            services.add_question(
                request.user,
                survey,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                options=form.option_list(),
                required=form.cleaned_data["required"],
                compare_with=form.cleaned_data.get("compare_with"),
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            return redirect("surveys:detail", pk=survey.pk)
    return survey_detail(request, pk, question_form=form)


@login_required
@require_POST
def question_move(request, pk: int, question_pk: int):
    survey = _survey(request, pk)
    question = get_object_or_404(Question, survey=survey, pk=question_pk)
    try:
        if request.POST.get("action") == "remove":
            services.remove_question(request.user, question)
        else:
            services.move_question(request.user, question, up=request.POST.get("action") == "up")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("surveys:detail", pk=survey.pk)


@login_required
@require_POST
def survey_send(request, pk: int):
    survey = _survey(request, pk)
    form = SendForm(request.POST, county_code=survey.county_code)
    if form.is_valid():
        try:
            survey = services.send_survey(
                request.user,
                survey,
                localities=form.cleaned_data["localities"],
                sectors=form.cleaned_data["sectors"],
            )
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, f"调研已发送给 {survey.send_total} 家企业。")
            return redirect("surveys:detail", pk=survey.pk)
    return survey_detail(request, pk, send_form=form)


@login_required
@require_POST
def survey_close(request, pk: int):
    survey = _survey(request, pk)
    try:
        services.close_survey(request.user, survey)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "调研已结束，不再接受答卷。")
    return redirect("surveys:detail", pk=survey.pk)


@login_required
def survey_export(request, pk: int):
    survey = _survey(request, pk)
    if survey.status == SurveyStatus.DRAFT:
        raise PermissionDenied("调研尚未发送，没有结果。")
    response = HttpResponse(results_workbook(survey), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{survey.number}.xlsx"'
    return response


@login_required
def answer(request, pk: int):
    """The enterprise's answer sheet, or its own answer once submitted."""
    invitation = get_object_or_404(my_invitations(request.user), pk=pk)
    survey = invitation.survey
    questions = list(survey.questions.order_by("position"))
    if invitation.answered_at:
        if request.method == "POST":
            messages.warning(request, services.ALREADY_ANSWERED)
        response = invitation.response
        mine = {}
        for item in response.items.select_related("question"):
            q = item.question
            value = item.text if item.option is None else q.choices[item.option]
            mine.setdefault(q.pk, []).append(value)
        rows = [(q, mine.get(q.pk, [])) for q in questions]
        return render(
            request,
            "surveys/answered.html",
            {"invitation": invitation, "survey": survey, "rows": rows},
        )
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_answer(request.user, invitation, form.answers())
        except ValidationError as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, "答卷已提交，感谢贵企业的反馈。")
            return redirect("surveys:answer", pk=invitation.pk)
    return render(
        request,
        "surveys/answer.html",
        {"invitation": invitation, "survey": survey, "form": form},
    )
