"""The notifications of the evaluation loop (in-app, with SMS where the brief asks for it).

Texts sent to a provider never name the enterprise: a bad review is anonymous towards it.
"""

from __future__ import annotations

from django.urls import reverse

from zerodisturb.notifications.services import judicial_bureau_supervisors, notify, users_of
from zerodisturb.roles import Role


def _form_link(visit) -> str:
    return reverse("evaluations:new", args=[visit.pk])


def _ticket_link(ticket) -> str:
    return reverse("evaluations:rectification", args=[ticket.pk])


def invite(visit) -> None:
    notify(
        users_of(visit.enterprise, [Role.ENTERPRISE]),
        kind="info",
        sms=True,
        title=f"请评价入企服务 {visit.number}",
        body="本次入企服务已离场确认。请对服务态度、专业水平、是否亮码、是否有人陪同、"
        "是否推销以及企业负担作出评价。评价对第三方机构和委托机关匿名。",
        link=_form_link(visit),
        dedupe_key=f"evaluation-invite:{visit.pk}",
        county_code=visit.county_code,
    )


def remind(visit) -> None:
    notify(
        users_of(visit.enterprise, [Role.ENTERPRISE]),
        kind="reminder",
        sms=True,
        title=f"提醒：入企服务 {visit.number} 尚未评价",
        body="您的评价帮助我们减少扰企、改进服务。评价对第三方机构和委托机关匿名。",
        link=_form_link(visit),
        dedupe_key=f"evaluation-remind:{visit.pk}",
        county_code=visit.county_code,
    )


def ticket_opened(ticket) -> None:
    due = f"{ticket.due_on:%Y-%m-%d}"
    notify(
        users_of(ticket.provider, [Role.PROVIDER_ADMIN]),
        kind="alert",
        sms=True,
        title=f"差评整改单 {ticket.number}：请于 {due} 前说明原因和整改措施",
        body="企业对本机构参与的一次入企服务给出了差评。委托机关将在收到答复后回访企业。",
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-open:{ticket.pk}",
        county_code=ticket.county_code,
    )
    notify(
        users_of(ticket.agency, [Role.AGENCY_OFFICER]),
        kind="alert",
        sms=True,
        title=f"差评整改单 {ticket.number}：{ticket.provider} 须于 {due} 前整改",
        body="请督促第三方机构说明原因和整改措施，并在其答复后回访企业、记录回访情况。",
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-open-agency:{ticket.pk}",
        county_code=ticket.county_code,
    )


def ticket_answered(ticket) -> None:
    notify(
        users_of(ticket.agency, [Role.AGENCY_OFFICER]),
        kind="reminder",
        sms=True,
        title=f"差评整改单 {ticket.number}：机构已答复，请回访企业",
        body=f"{ticket.provider} 已说明原因和整改措施。请回访企业并记录回访情况。",
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-answered:{ticket.pk}",
        county_code=ticket.county_code,
    )


def ticket_called_back(ticket) -> None:
    notify(
        users_of(ticket.evaluation.enterprise, [Role.ENTERPRISE]),
        kind="reminder",
        sms=True,
        title=f"差评整改单 {ticket.number}：请确认整改结果",
        body="委托机关已就您的评价回访并记录了整改情况。请确认是否认可；不认可的，"
        "可写明理由提交司法局处理。",
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-called-back:{ticket.pk}",
        county_code=ticket.county_code,
    )


def ticket_disputed(ticket) -> None:
    notify(
        judicial_bureau_supervisors(ticket.county_code),
        kind="alert",
        title=f"差评整改争议：{ticket.number}",
        body=f"企业不认可 {ticket.provider} 的整改和 {ticket.agency} 的回访，请处理。",
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-disputed:{ticket.pk}",
        county_code=ticket.county_code,
    )
    notify(
        users_of(ticket.agency, [Role.AGENCY_OFFICER]),
        kind="info",
        title=f"差评整改单 {ticket.number}：企业不认可，已提交司法局",
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-disputed-agency:{ticket.pk}",
        county_code=ticket.county_code,
    )


def ticket_completed(ticket) -> None:
    title = f"差评整改单 {ticket.number}：{ticket.get_status_display()}"
    recipients = list(users_of(ticket.agency, [Role.AGENCY_OFFICER])) + list(
        users_of(ticket.provider, [Role.PROVIDER_ADMIN])
    )
    if ticket.decided_by_id:
        recipients += list(users_of(ticket.evaluation.enterprise, [Role.ENTERPRISE]))
    notify(
        recipients,
        kind="info",
        title=title,
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-completed:{ticket.pk}",
        county_code=ticket.county_code,
    )


def ticket_overdue(ticket) -> None:
    title = f"差评整改逾期：{ticket.number}（期限 {ticket.due_on:%Y-%m-%d}）"
    body = f"{ticket.provider} 的差评整改未在期限内办结，当前环节：{ticket.get_status_display()}。"
    notify(
        users_of(ticket.agency, [Role.AGENCY_OFFICER]),
        kind="alert",
        sms=True,
        title=title,
        body=body,
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-overdue:{ticket.pk}",
        county_code=ticket.county_code,
    )
    notify(
        judicial_bureau_supervisors(ticket.county_code),
        kind="alert",
        title=f"预警：{ticket.agency} {title}",
        body=body,
        link=_ticket_link(ticket),
        dedupe_key=f"rectification-overdue-alert:{ticket.pk}",
        county_code=ticket.county_code,
    )
