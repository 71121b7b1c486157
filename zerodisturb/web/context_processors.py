from zerodisturb.alerts.permissions import can_see_nav as can_see_alerts
from zerodisturb.commissioning.permissions import can_manage_negative_list
from zerodisturb.complaints.permissions import can_see_nav as can_see_complaints
from zerodisturb.evaluations.permissions import can_see_nav as can_see_evaluations
from zerodisturb.notifications.models import Notification
from zerodisturb.oversight.permissions import can_see_nav as can_see_dashboard
from zerodisturb.problems.permissions import can_see_nav as can_see_problems
from zerodisturb.roles import Role
from zerodisturb.scorecards.permissions import can_see_nav as can_see_scorecards
from zerodisturb.surveys.permissions import can_see_nav as can_see_surveys

# Roles that have a page of commissioned items or of contracts (mirrors visible_items and
# visible_contracts: the others would only ever see an empty list).
ITEM_ROLES = (
    Role.AGENCY_OFFICER,
    Role.REVIEWER,
    Role.SUPERVISOR,
    Role.OVERSIGHT,
    Role.SYSTEM_ADMIN,
)
CONTRACT_ROLES = ITEM_ROLES + (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
# Mirrors credentials.permissions.visible_credentials and visits.permissions.visible_visits.
CREDENTIAL_ROLES = (
    Role.AGENCY_OFFICER,
    Role.SUPERVISOR,
    Role.OVERSIGHT,
    Role.PROVIDER_ADMIN,
    Role.PROVIDER_STAFF,
    Role.SYSTEM_ADMIN,
)
VISIT_ROLES = CREDENTIAL_ROLES + (Role.ENTERPRISE, Role.LOCALITY)


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "can_import": user.has_perm("registry.import"),
        "can_audit": user.has_perm("audit.view_trail"),
        "can_see_items": user.role in ITEM_ROLES,
        "can_see_contracts": user.role in CONTRACT_ROLES,
        "can_see_credentials": user.role in CREDENTIAL_ROLES,
        "can_see_visits": user.role in VISIT_ROLES,
        "can_see_evaluations": can_see_evaluations(user),
        "can_see_complaints": can_see_complaints(user),
        "can_see_problems": can_see_problems(user),
        "can_see_scorecards": can_see_scorecards(user),
        "can_see_dashboard": can_see_dashboard(user),
        "can_see_alerts": can_see_alerts(user),
        "can_see_surveys": can_see_surveys(user),
        "can_manage_negative_list": can_manage_negative_list(user),
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
