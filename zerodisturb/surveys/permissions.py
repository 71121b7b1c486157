"""Who may do what with surveys: the judicial bureau builds, sends and reads; oversight reads the
results; an enterprise answers its own invitation and sees its own answer; nobody else anything."""

from __future__ import annotations

from django.db.models import QuerySet

from zerodisturb.roles import Role, in_counties
from zerodisturb.surveys.choices import SurveyStatus
from zerodisturb.surveys.models import Survey, SurveyInvitation


def is_bureau(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.organisation_id
        and user.organisation.is_judicial_bureau
    )


def can_build(user, survey: Survey | None = None) -> bool:
    """Create, edit, send and close (a survey of one's own county)."""
    return is_bureau(user) and (survey is None or survey.county_code == user.county_code)


def visible_surveys(user) -> QuerySet[Survey]:
    """Surveys whose questionnaire and results the user may read."""
    qs = Survey.objects.all()
    if is_bureau(user):
        return in_counties(qs, user)
    if user.is_authenticated and user.role == Role.OVERSIGHT:
        return in_counties(qs, user).exclude(status=SurveyStatus.DRAFT)
    return qs.none()


def my_invitations(user) -> QuerySet[SurveyInvitation]:
    """An enterprise user's invitations (of sent surveys)."""
    qs = SurveyInvitation.objects.select_related("survey")
    if not (user.is_authenticated and user.role == Role.ENTERPRISE and user.organisation_id):
        return qs.none()
    return qs.filter(enterprise_id=user.organisation_id).exclude(survey__status=SurveyStatus.DRAFT)


def can_answer(user, invitation: SurveyInvitation) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.ENTERPRISE
        and user.organisation_id == invitation.enterprise_id
    )


def can_see_nav(user) -> bool:
    """Whether the top navigation shows this app's page to the user."""
    return bool(
        user.is_authenticated
        and (is_bureau(user) or user.role in (Role.OVERSIGHT, Role.ENTERPRISE))
    )
