"""Who may read the audit trail: the judicial bureau, oversight bodies and system admins."""

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
