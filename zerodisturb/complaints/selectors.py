"""Read-only views of a complaint for one viewer: the timeline and the complainant block, with
the provider's anonymity and the phone masking applied in one place (pages and API use these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from zerodisturb.complaints import permissions as perms
from zerodisturb.complaints.choices import OPEN_STATUSES, ComplaintChannel, EntryKind
from zerodisturb.complaints.models import Complaint
from zerodisturb.roles import Role

PUBLIC = "public"  # the viewer is the public complainant, checked by number + phone

# Entries between the handler and the provider; the complainant sees that they happened, not the text.
PROVIDER_SIDE = (EntryKind.PROVIDER_REQUESTED, EntryKind.PROVIDER_REPLY)
COMPLAINANT_KINDS = (EntryKind.RECEIVED, EntryKind.CONFIRMED, EntryKind.REOPENED, EntryKind.RATED)


@dataclass(frozen=True)
class EntryView:
    kind: str
    label: str
    text: str
    who: str
    at: datetime


def _is_complainant_view(viewer, complaint: Complaint) -> bool:
    return viewer == PUBLIC or perms.is_complainant(viewer, complaint)


def timeline(complaint: Complaint, viewer) -> list[EntryView]:
    anonymous = viewer != PUBLIC and not perms.sees_complainant(viewer, complaint)
    complainant_view = _is_complainant_view(viewer, complaint)
    rows = []
    for entry in complaint.entries.select_related("author", "organisation"):
        text = entry.text
        if complainant_view and entry.kind in PROVIDER_SIDE:
            text = ""
        if entry.kind in COMPLAINANT_KINDS:
            if anonymous or complaint.channel == ComplaintChannel.PUBLIC:
                who = "投诉人"
            else:
                who = str(entry.organisation or "投诉人")
        elif entry.author_id is None:
            who = "系统"
        else:
            who = str(entry.organisation or "")
        rows.append(EntryView(entry.kind, entry.get_kind_display(), text, who, entry.at))
    return rows


@dataclass(frozen=True)
class ComplainantView:
    shown: bool  # False: anonymous towards this viewer
    channel: str
    enterprise: str
    name: str
    phone: str


def complainant(complaint: Complaint, viewer) -> ComplainantView:
    c = complaint
    if viewer != PUBLIC and not perms.sees_complainant(viewer, c):
        return ComplainantView(False, c.get_channel_display(), "", "", "")
    full = viewer == PUBLIC or perms.sees_contact(viewer, c)
    if c.channel == ComplaintChannel.PUBLIC:
        phone = c.public_phone if full else c.masked_public_phone
        return ComplainantView(True, c.get_channel_display(), "", c.public_name, phone)
    user = c.complainant
    name = (user.get_full_name() or user.get_username()) if user else ""
    contact = ""
    if full and user is not None and user.person_id:
        contact = user.person.phone
    if viewer != PUBLIC and viewer.role == Role.LOCALITY:
        name, contact = "", ""  # the locality sees which enterprise, not who or how to call
    return ComplainantView(True, c.get_channel_display(), str(c.enterprise or ""), name, contact)


@dataclass(frozen=True)
class ClockView:
    label: str
    due_on: date
    estimated: bool
    met_at: datetime | None
    overdue: bool


def clocks(complaint: Complaint, today: date | None = None) -> list[ClockView]:
    c = complaint
    today = today or timezone.localdate()
    running = c.status in OPEN_STATUSES
    rows = [
        ("受理", c.ack_due_on, c.ack_due_estimated, c.acknowledged_at),
        ("首次答复", c.reply_due_on, c.reply_due_estimated, c.first_reply_at),
        ("办结", c.close_due_on, c.close_due_estimated, c.closed_at),
    ]
    out = []
    for label, due, estimated, met in rows:
        if met is not None:
            overdue = timezone.localdate(met) > due
        else:
            overdue = running and today > due
        out.append(ClockView(label, due, estimated, met, overdue))
    return out


# ---- figures (scorecards, KPIs) ---------------------------------------------------------------


def substantiated_between(start: datetime, end: datetime) -> QuerySet[Complaint]:
    """Complaints decided 查实 in [start, end), by decided_at; filter further by provider/agency."""
    return Complaint.objects.filter(substantiated=True, decided_at__gte=start, decided_at__lt=end)


def timeliness(complaints: QuerySet[Complaint]) -> dict[str, int]:
    """How many were acknowledged, first replied to and closed, and how many of each on time
    (the local date of the act on or before its due date). `closed_at` is the latest closure."""
    return complaints.aggregate(
        total=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        acknowledged_on_time=Count("pk", filter=Q(acknowledged_at__date__lte=F("ack_due_on"))),
        replied=Count("pk", filter=Q(first_reply_at__isnull=False)),
        replied_on_time=Count("pk", filter=Q(first_reply_at__date__lte=F("reply_due_on"))),
        closed=Count("pk", filter=Q(closed_at__isnull=False)),
        closed_on_time=Count("pk", filter=Q(closed_at__date__lte=F("close_due_on"))),
    )
