"""Receiving complaints (from an enterprise contact or the public) and re-routing them (triage)."""

from __future__ import annotations

import re
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zerodisturb.complaints import permissions as perms
from zerodisturb.complaints import steps
from zerodisturb.complaints.choices import (
    OPEN_STATUSES,
    ComplaintCategory,
    ComplaintChannel,
    EntryKind,
)
from zerodisturb.complaints.models import Complaint
from zerodisturb.complaints.routing import Subject, derive, judicial_bureau, route
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import Organisation
from zerodisturb.registry.numbering import next_number
from zerodisturb.registry.pii import lookup_hash
from zerodisturb.visits.models import VisitStaff

MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalise_mobile(value: str) -> str:
    phone = (value or "").strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    return phone


def mobile_error(phone: str) -> str | None:
    # re's \d would also accept full-width digits; the class above is ASCII only.
    if not MOBILE.fullmatch(phone):
        return "请填写 11 位中国大陆手机号码"
    return None


def _number(county_code: str, now: datetime) -> str:
    year = timezone.localdate(now).year
    key = f"TS-{county_code}-{year}"
    return f"{key}-{next_number(key):05d}"


def _receive(actor, complaint: Complaint, subject_payload: dict, now: datetime) -> Complaint:
    complaint.save()
    steps.add_entry(complaint, EntryKind.RECEIVED, complaint.text, actor, now)
    steps.add_entry(
        complaint,
        EntryKind.ROUTED,
        f"转 {complaint.routed_to}" + ("（委托机关）" if complaint.agency_id else "（分办）"),
        None,
        now,
    )
    steps.audit(
        actor,
        "receive",
        complaint,
        {
            "channel": complaint.channel,
            "category": complaint.category,
            "routed_to": complaint.routed_to_id,
            "agency": complaint.agency_id,
            "provider": complaint.provider_id,
            **subject_payload,
        },
    )
    steps.sync_pool(complaint, now)
    steps.notify_routed(complaint)
    steps.notify_provider(complaint)
    return complaint


@transaction.atomic
def create_complaint(
    actor,
    *,
    category: str,
    text: str,
    visit=None,
    credential=None,
    provider: Organisation | None = None,
    agency: Organisation | None = None,
    now: datetime | None = None,
) -> Complaint:
    """An enterprise contact complains about one of its visits, a staff member on its visits, a
    provider or an agency; routed to the commissioning agency (谁委托、谁负责) or to triage."""
    now = now or timezone.now()
    if not perms.can_complain(actor):
        raise PermissionDenied("只有企业联系人可以在此提交投诉；社会公众请使用公开投诉页面。")
    enterprise = actor.organisation
    county = enterprise.county_code
    errors: dict[str, list[str]] = {}
    if category not in ComplaintCategory.values:
        errors["category"] = ["请选择投诉类别"]
    text = steps.clean_text(text, "text", errors, label="投诉内容")
    if visit is not None and visit.enterprise_id != enterprise.pk:
        errors["visit"] = ["只能就本企业的入企服务投诉"]
    if (
        credential is not None
        and not VisitStaff.objects.filter(
            credential=credential, visit__enterprise=enterprise
        ).exists()
    ):
        errors["credential"] = ["只能投诉到过本企业的辅助人员"]
    if provider is not None and (
        provider.kind != OrganisationKind.PROVIDER or provider.county_code != county
    ):
        errors["provider"] = ["请选择本县的第三方机构"]
    if agency is not None and (not agency.is_agency or agency.county_code != county):
        errors["agency"] = ["请选择本县的委托机关"]
    if errors:
        raise ValidationError(errors)
    subject = derive(
        Subject(visit=visit, credential=credential, provider=provider, agency=agency),
        enterprise,
        timezone.localdate(now),
    )
    routed_to = route(subject, county)
    if routed_to is None:
        raise ValidationError({"_": ["本县尚未设置司法行政部门，暂不能受理投诉"]})
    complaint = Complaint(
        county_code=county,
        number=_number(county, now),
        channel=ComplaintChannel.ENTERPRISE,
        complainant=actor,
        enterprise=enterprise,
        visit=subject.visit,
        credential=subject.credential,
        provider=subject.provider,
        agency=subject.agency,
        category=category,
        text=text,
        routed_to=routed_to,
        received_at=now,
        updated_at=now,
        **steps.clocks(county, now),
    )
    return _receive(
        actor,
        complaint,
        {
            "visit": getattr(visit, "number", None),
            "credential": getattr(credential, "number", None),
        },
        now,
    )


@transaction.atomic
def create_public_complaint(
    *,
    county_code: str,
    phone: str,
    text: str,
    name: str = "",
    about: str = "",
    category: str = ComplaintCategory.OTHER,
    now: datetime | None = None,
) -> Complaint:
    """A member of the public complains without logging in; the judicial bureau triages it.
    The phone is stored encrypted; it and the number let the complainant follow the file."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    phone = normalise_mobile(phone)
    if message := mobile_error(phone):
        errors["phone"] = [message]
    name = (name or "").strip()
    if len(name) > 40:
        errors["name"] = ["姓名不能超过 40 字"]
    about = (about or "").strip()
    if len(about) > 120:
        errors["about"] = ["不能超过 120 字"]
    if category not in ComplaintCategory.values:
        errors["category"] = ["请选择投诉类别"]
    text = steps.clean_text(text, "text", errors, label="投诉内容")
    bureau = judicial_bureau(county_code or "")
    if bureau is None:
        errors["county"] = ["请选择受理投诉的县（市、区）"]
    if errors:
        raise ValidationError(errors)
    complaint = Complaint(
        county_code=county_code,
        number=_number(county_code, now),
        channel=ComplaintChannel.PUBLIC,
        public_name=name,
        public_phone_encrypted=phone,
        public_phone_hash=lookup_hash(phone),
        public_about=about,
        category=category,
        text=text,
        routed_to=bureau,
        received_at=now,
        updated_at=now,
        **steps.clocks(county_code, now),
    )
    return _receive(None, complaint, {}, now)


def find_public_complaint(number: str, phone: str) -> Complaint | None:
    """The public's own complaint by its number and the phone it was filed with; else None
    (a wrong phone and an unknown number look the same)."""
    phone = normalise_mobile(phone)
    number = (number or "").strip().upper()[:30]
    if not number or mobile_error(phone):
        return None
    return (
        Complaint.objects.select_related("routed_to")
        .filter(
            number=number, channel=ComplaintChannel.PUBLIC, public_phone_hash=lookup_hash(phone)
        )
        .first()
    )


@transaction.atomic
def reroute_complaint(
    actor, complaint: Complaint, *, agency: Organisation, reason: str, now: datetime | None = None
) -> Complaint:
    """The judicial bureau sends a complaint to the agency that answers for it. The clocks keep
    running from receipt: triage does not buy the agency time."""
    now = now or timezone.now()
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not perms.is_bureau_supervisor(actor, complaint):
        raise PermissionDenied("只有司法局可以转办投诉。")
    errors: dict[str, list[str]] = {}
    if complaint.status not in OPEN_STATUSES:
        errors["status"] = ["已办结的投诉不能转办"]
    if agency is None or not agency.is_agency or agency.county_code != complaint.county_code:
        errors["agency"] = ["请选择本县的委托机关"]
    elif agency.pk == complaint.routed_to_id:
        errors["agency"] = ["投诉已由该机关承办"]
    reason = steps.clean_text(reason, "reason", errors, label="转办理由")
    if errors:
        raise ValidationError(errors)
    previous = complaint.routed_to
    complaint.routed_to = agency
    complaint.agency = agency
    complaint.updated_at = now
    complaint.save(update_fields=["routed_to", "agency", "updated_at"])
    steps.add_entry(complaint, EntryKind.ROUTED, f"转 {agency}：{reason}", actor, now)
    steps.audit(
        actor,
        "reroute",
        complaint,
        {"from": previous.pk if previous else None, "to": agency.pk, "reason": reason},
    )
    steps.sync_pool(complaint, now)
    steps.notify_routed(complaint)
    return complaint
