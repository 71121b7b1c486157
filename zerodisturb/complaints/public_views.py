"""The public's complaint pages, without login: a short form with a receipt, and the status of
one complaint by its number and the phone it was filed with (confirm, reopen, rate there).

Rate limited per client address (zerodisturb/ratelimit.py): filing more tightly than look-ups.
The number + phone pair travels in the POST body only, never in an address.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zerodisturb import ratelimit
from zerodisturb.commissioning.forms import add_service_errors
from zerodisturb.complaints import permissions as perms
from zerodisturb.complaints import selectors, services
from zerodisturb.complaints.forms import PublicComplaintForm, RateForm, ReasonForm, StatusCheckForm
from zerodisturb.complaints.limits import FILE_WINDOW, check_limit, file_limit

RECEIPT_KEY = "complaint_receipt"


def too_many(request) -> HttpResponse:
    response = render(request, "complaints/too_many.html", status=429)
    response["Retry-After"] = "60"
    return response


@never_cache
def public_new(request):
    form = PublicComplaintForm(request.POST or None)
    if request.method != "POST":
        return render(request, "complaints/public_new.html", {"form": form})
    if not ratelimit.allow(
        "complaint_file", ratelimit.client_key(request), file_limit(), FILE_WINDOW
    ):
        return too_many(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.create_public_complaint(
                county_code=data["county"],
                phone=data["phone"],
                name=data["name"],
                about=data["about"],
                category=data["category"],
                text=data["text"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[RECEIPT_KEY] = complaint.number
            return redirect("complaints:public_receipt")
    return render(request, "complaints/public_new.html", {"form": form}, status=400)


@never_cache
def public_receipt(request):
    number = request.session.get(RECEIPT_KEY)
    if not number:
        return redirect("complaints:public_new")
    return render(request, "complaints/public_receipt.html", {"number": number})


def _status_page(request, check, complaint, forms=None, status=200, done=""):
    context = {"check": check, "complaint": complaint, "done": done}
    if complaint is not None:
        actions = perms.complainant_actions(complaint)
        default_forms = {}
        if "reopen" in actions:
            default_forms["reopen"] = ReasonForm(prefix="reopen")
        if "rate" in actions:
            default_forms["rate"] = RateForm(prefix="rate")
        context |= {
            "entries": selectors.timeline(complaint, selectors.PUBLIC),
            "clocks": selectors.clocks(complaint),
            "actions": actions,
            "forms": default_forms | (forms or {}),
        }
    return render(request, "complaints/public_status.html", context, status=status)


def _look_up(request):
    """(form, complaint or None, limited response or None) for a posted number + phone."""
    if not ratelimit.allow("complaint_status", ratelimit.client_key(request), check_limit()):
        return None, None, too_many(request)
    check = StatusCheckForm(request.POST)
    if not check.is_valid():
        return check, None, None
    data = check.cleaned_data
    complaint = services.find_public_complaint(data["number"], data["phone"])
    if complaint is None:
        check.add_error(None, _("未找到该投诉：请核对投诉编号和手机号码。"))
    return check, complaint, None


@never_cache
def public_status(request):
    if request.method != "POST":
        return _status_page(request, StatusCheckForm(), None)
    check, complaint, limited = _look_up(request)
    if limited:
        return limited
    return _status_page(request, check, complaint, status=200 if complaint else 404)


@never_cache
@require_POST
def public_act(request, action: str):
    check, complaint, limited = _look_up(request)
    if limited:
        return limited
    if complaint is None:
        return _status_page(request, check, None, status=404)
    phone = check.cleaned_data["phone"]
    form = None
    try:
        if action == "confirm":
            services.confirm_closure(None, complaint, phone=phone)
        elif action == "reopen":
            form = ReasonForm(request.POST, prefix="reopen")
            form.is_valid()
            services.reopen_complaint(
                None, complaint, reason=form.cleaned_data.get("reason", ""), phone=phone
            )
        elif action == "rate":
            form = RateForm(request.POST, prefix="rate")
            if not form.is_valid():
                raise ValidationError({"rating": [_("请选择 1 至 5 星")]})
            data = form.cleaned_data
            services.rate_handling(
                None, complaint, rating=data["rating"], text=data["text"], phone=phone
            )
        else:
            return _status_page(request, check, complaint, status=404)
    except (ValidationError, PermissionDenied) as exc:
        if form is not None and isinstance(exc, ValidationError):
            add_service_errors(form, exc)
            return _status_page(request, check, complaint, {action: form}, status=400)
        check.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
        return _status_page(request, check, complaint, status=400)
    complaint.refresh_from_db()
    done = {
        "confirm": _("已确认办结结果，感谢您的监督。"),
        "reopen": _("已提出异议，投诉将重新办理并升级督办。"),
        "rate": _("感谢您的评价。"),
    }
    return _status_page(request, check, complaint, done=done[action])
