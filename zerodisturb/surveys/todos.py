"""Home-page to-dos: an enterprise's survey invitations still to answer."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zerodisturb.surveys.choices import SurveyStatus
from zerodisturb.surveys.permissions import my_invitations
from zerodisturb.todo import Todo


def _to_answer(user) -> list:
    pending = my_invitations(user).filter(
        answered_at__isnull=True, survey__status__in=(SurveyStatus.SENDING, SurveyStatus.OPEN)
    )
    count = pending.count()
    if not count:
        return []
    return [Todo(_("待填写的调研"), count, reverse("surveys:list"))]


TODO_SOURCES = [_to_answer]
