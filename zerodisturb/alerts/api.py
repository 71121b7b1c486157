"""JSON API for alerts (预警): the caller's share, one alert, closing with a note."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zerodisturb.alerts import services
from zerodisturb.alerts.permissions import can_see_nav, visible_alerts
from zerodisturb.alerts.selectors import filter_alerts
from zerodisturb.api import Page

router = Router(tags=["预警"])


class AlertFilter(Schema):
    kind: str = Field("", description="预警类别；空为全部")
    owner: int | None = Field(None, description="责任单位 id")
    state: str = Field("", description="空为未关闭；closed 为已关闭；all 为全部")


class AlertOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    title: str
    detail: str
    subject: str
    owner: str
    agency: str | None
    provider: str | None
    enterprise: str | None
    locality: str | None
    opened_at: datetime
    occurrences: int
    closed_at: datetime | None
    closing_note: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_subject(obj) -> str:
        return obj.subject_label

    @staticmethod
    def resolve_owner(obj) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.name if obj.agency else None

    @staticmethod
    def resolve_provider(obj):
        return obj.provider.name if obj.provider else None

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise.name if obj.enterprise else None

    @staticmethod
    def resolve_locality(obj):
        return obj.locality.name if obj.locality else None


class CloseIn(Schema):
    note: str = Field(description="处理说明（必填）")


@router.get("", response=list[AlertOut], summary="预警列表（按角色限定范围）")
@paginate(Page)
def list_alerts(request, filters: Query[AlertFilter]):
    if not can_see_nav(request.user):
        raise PermissionDenied("您的角色没有预警。")
    visible = visible_alerts(request.user)
    return filter_alerts(visible, kind=filters.kind, owner=filters.owner, state=filters.state)


@router.get("/{alert_id}", response=AlertOut, summary="预警详情")
def get_alert(request, alert_id: int):
    return get_object_or_404(visible_alerts(request.user), pk=alert_id)


@router.post("/{alert_id}/close", response=AlertOut, summary="填写处理说明并关闭预警")
def close_alert(request, alert_id: int, payload: CloseIn):
    alert = get_object_or_404(visible_alerts(request.user), pk=alert_id)
    return services.close_alert(request.user, alert, note=payload.note)
