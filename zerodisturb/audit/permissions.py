"""Who may read the audit trail: the judicial bureau, oversight bodies and system admins."""

from dataclasses import replace

import rules
from django.db.models import QuerySet

from zerodisturb.audit.models import AuditEvent
from zerodisturb.roles import Role, in_counties, is_oversight, is_supervisor, is_system_admin

rules.add_perm("audit.view_trail", is_supervisor | is_oversight | is_system_admin)
rules.add_perm("audit.verify_chain", is_supervisor | is_oversight | is_system_admin)


def visible_events(user) -> QuerySet[AuditEvent]:
    if not user.has_perm("audit.view_trail"):
        return AuditEvent.objects.none()
    if user.role == Role.SYSTEM_ADMIN:
        return AuditEvent.objects.all()
    return in_counties(AuditEvent.objects.all(), user)


def scoped_report(user, report):
    """The whole chain is verified (one chain per deployment), but a county's reader is told how
    many of its own counties' events it covers: the deployment's total is another county's
    business."""
    if user.role == Role.SYSTEM_ADMIN or not report.ok:
        return report
    return replace(report, checked=visible_events(user).count())
