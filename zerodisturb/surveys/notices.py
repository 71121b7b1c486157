"""In-app invitations: each active enterprise user gets the link to their enterprise's answer page."""

from __future__ import annotations

from django.urls import reverse

from zerodisturb.accounts.models import User
from zerodisturb.notifications.services import notify
from zerodisturb.roles import Role


def tell_enterprises(survey, enterprises) -> int:
    users: dict[int, list] = {}
    for user in User.objects.filter(
        organisation__in=enterprises, role=Role.ENTERPRISE, is_active=True
    ).select_related("person"):
        users.setdefault(user.organisation_id, []).append(user)
    sent = 0
    invitations = survey.invitations.filter(enterprise__in=enterprises)
    for invitation in invitations.only("pk", "enterprise_id"):
        recipients = users.get(invitation.enterprise_id)
        if not recipients:
            continue
        sent += len(
            notify(
                recipients,
                kind="info",
                title=f"调研邀请：{survey.title}",
                body="司法局邀请贵企业参加调研，几分钟即可完成，每家企业提交一份。",
                link=reverse("surveys:answer", args=[invitation.pk]),
                dedupe_key=f"survey:{survey.pk}",
                county_code=survey.county_code,
            )
        )
    return sent
