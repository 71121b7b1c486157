"""JSON API for the caller's own notifications: unread first, mark read."""

from datetime import datetime

from django.db.models import Case, IntegerField, Value, When
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.notifications.models import Notification
from zerodisturb.notifications.services import mark_read

router = Router(tags=["通知"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(obj) -> bool:
        return obj.read_at is None


class NotificationFilter(Schema):
    unread: bool = False


class MarkReadIn(Schema):
    ids: list[int] | None = None


class MarkReadOut(Schema):
    marked: int


@router.get("", response=list[NotificationOut], summary="我的通知（未读在前）")
@paginate(Page)
def my_notifications(request, filters: Query[NotificationFilter]):
    qs = Notification.objects.filter(recipient=request.user)
    if filters.unread:
        qs = qs.filter(read_at__isnull=True)
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.order_by(unread_first, "-created_at", "-pk")


@router.post("/read", response=MarkReadOut, summary="标记已读（不传 ids 则全部标记）")
def read(request, payload: MarkReadIn):
    return {"marked": mark_read(request.user, payload.ids)}
