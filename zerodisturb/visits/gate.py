"""亮码入企 at the enterprise's gate: the staff member's live code, the scan page, arrival and departure."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zerodisturb.credentials.card import qr_png
from zerodisturb.credentials.tokens import GRACE_SLOTS, SLOT_SECONDS, sign, slot_of
from zerodisturb.credentials.views import rate_limited
from zerodisturb.registry.pii import mask_name
from zerodisturb.roles import Role
from zerodisturb.visits import permissions as perms
from zerodisturb.visits import scanning, services
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import Visit, VisitStaff

REFRESH_SECONDS = 30


def _assignment(request, pk: int) -> tuple[VisitStaff, str]:
    """The user's own assignment to the visit, and why no code may be shown now ("" if it may)."""
    user = request.user
    if user.role != Role.PROVIDER_STAFF or not user.person_id:
        raise PermissionDenied
    assignment = (
        VisitStaff.objects.select_related("visit__enterprise", "credential")
        .filter(visit_id=pk, credential__person_id=user.person_id)
        .first()
    )
    if assignment is None:
        raise Http404
    visit = assignment.visit
    today = timezone.localdate()
    if visit.status == VisitStatus.CANCELLED:
        return assignment, _("该次入企已取消。")
    if visit.checked_out_at or visit.status in (VisitStatus.COMPLETED, VisitStatus.CLOSED):
        return assignment, _("已确认离场，入企码不再显示。")
    if timezone.localtime(visit.window_start).date() != today:
        return assignment, _("入企码只在入企当天显示（入企日期 %(day)s）。") % {
            "day": f"{timezone.localtime(visit.window_start):%Y-%m-%d}"
        }
    return assignment, ""


def _live_code(assignment: VisitStaff) -> dict:
    now = timezone.now()
    token = sign(assignment.visit_id, assignment.credential_id, now=now)
    url = f"{settings.SITE_URL}/scan/{token}"
    # A token verifies during its slot and GRACE_SLOTS after it (tokens.verify).
    expires = datetime.fromtimestamp((slot_of(now) + 1 + GRACE_SLOTS) * SLOT_SECONDS, tz=UTC)
    png = base64.b64encode(qr_png(url, scale=8)).decode("ascii")
    return {
        "qr_data_uri": f"data:image/png;base64,{png}",
        "scan_url": url,
        "expires_at": timezone.localtime(expires),
        "seconds_left": int((expires - now).total_seconds()),
        "refresh_seconds": REFRESH_SECONDS,
        "next_refresh": timezone.localtime(now + timedelta(seconds=REFRESH_SECONDS)),
    }


@never_cache
@login_required
def visit_code(request, pk: int):
    assignment, refused = _assignment(request, pk)
    context = {"assignment": assignment, "visit": assignment.visit, "refused": refused}
    if refused:
        return render(request, "visits/code.html", context, status=403)
    context |= _live_code(assignment)
    template = "visits/_code.html" if request.htmx else "visits/code.html"
    return render(request, template, context)


@never_cache
@login_required
def visit_code_png(request, pk: int):
    assignment, refused = _assignment(request, pk)
    if refused:
        raise PermissionDenied
    token = sign(assignment.visit_id, assignment.credential_id)
    return HttpResponse(
        qr_png(f"{settings.SITE_URL}/scan/{token}", scale=8), content_type="image/png"
    )


@never_cache
def scan_page(request, token: str):
    if limited := rate_limited(request, "scan"):
        return limited
    result = scanning.scan(token, actor=request.user)
    context = {"result": result, "token": token}
    if result.found:
        visit = result.visit
        parties = visit.parties.select_related(
            "agency", "contract", "contract__item__current_version"
        ).prefetch_related("staff__credential__person", "officers__person")
        for party in parties:
            party.staff_rows = [
                {
                    "name": mask_name(s.credential.person.name),
                    "number": s.credential.number,
                    "scanned": s.credential_id == result.credential_id,
                }
                for s in party.staff.all()
            ]
        context |= {
            "visit": visit,
            "parties": parties,
            "can_confirm": result.valid and services.can_confirm(request.user, visit),
        }
    return render(request, "visits/scan.html", context)


def _confirm(request, pk: int, action, done: str, already: str):
    visit = get_object_or_404(Visit, pk=pk)
    if not services.can_confirm(request.user, visit):
        # A visit the user may not even see answers like a missing one, so another county's or
        # enterprise's visits cannot be probed; one it sees but may not confirm is refused.
        if not perms.visible_visits(request.user).filter(pk=visit.pk).exists():
            raise Http404
        raise PermissionDenied
    try:
        visit, now = action(request.user, visit)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if now:
            messages.success(request, done)
        else:
            messages.info(request, already)
    if perms.visible_visits(request.user).filter(pk=visit.pk).exists():
        return redirect("visits:detail", pk=visit.pk)
    return redirect("visits:list")


@login_required
@require_POST
def visit_check_in(request, pk: int):
    return _confirm(
        request,
        pk,
        services.check_in,
        _("已确认到场。"),
        _("此前已确认到场，无需重复确认。"),
    )


@login_required
@require_POST
def visit_check_out(request, pk: int):
    return _confirm(
        request,
        pk,
        services.check_out,
        _("已确认离场。"),
        _("此前已确认离场，无需重复确认。"),
    )
