"""Roles from the brief and the django-rules predicates built on them; below every app."""

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENCY_OFFICER = "agency_officer", _("委托机关经办人")
    REVIEWER = "reviewer", _("联审部门审核人")
    SUPERVISOR = "supervisor", _("司法局监管人员")
    OVERSIGHT = "oversight", _("监督部门")
    PROVIDER_ADMIN = "provider_admin", _("第三方机构管理员")
    PROVIDER_STAFF = "provider_staff", _("辅助人员")
    ENTERPRISE = "enterprise", _("企业联系人")
    LOCALITY = "locality", _("属地")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


KIND_LABELS = {
    "government": _("政府部门"),
    "provider": _("第三方机构"),
    "enterprise": _("企业"),
    "locality": _("属地"),
    "system": _("系统运维"),
}

# Which kind of organisation each role must belong to, and any capability it needs.
ROLE_ORGANISATION = {
    Role.AGENCY_OFFICER: ("government", "is_agency"),
    Role.REVIEWER: ("government", None),
    Role.SUPERVISOR: ("government", "is_judicial_bureau"),
    Role.OVERSIGHT: ("government", "is_oversight"),
    Role.PROVIDER_ADMIN: ("provider", None),
    Role.PROVIDER_STAFF: ("provider", None),
    Role.ENTERPRISE: ("enterprise", None),
    Role.LOCALITY: ("locality", None),
    Role.SYSTEM_ADMIN: ("system", None),
}


def has_role(*roles: str):
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in roles)

    return predicate


is_agency_officer = has_role(Role.AGENCY_OFFICER)
is_reviewer = has_role(Role.REVIEWER)
is_supervisor = has_role(Role.SUPERVISOR)
is_oversight = has_role(Role.OVERSIGHT)
is_provider_admin = has_role(Role.PROVIDER_ADMIN)
is_provider_staff = has_role(Role.PROVIDER_STAFF)
is_enterprise = has_role(Role.ENTERPRISE)
is_locality = has_role(Role.LOCALITY)
is_system_admin = has_role(Role.SYSTEM_ADMIN)
is_government = has_role(
    Role.AGENCY_OFFICER, Role.REVIEWER, Role.SUPERVISOR, Role.OVERSIGHT, Role.LOCALITY
)
# Supervisors and oversight see everything in their county (谁委托、谁负责 is enforced elsewhere).
sees_whole_county = has_role(Role.SUPERVISOR, Role.OVERSIGHT, Role.SYSTEM_ADMIN)


@rules.predicate
def same_county(user, obj) -> bool:
    return bool(obj is not None and user.county_code == getattr(obj, "county_code", None))


@rules.predicate
def own_organisation(user, obj) -> bool:
    org_id = getattr(obj, "organisation_id", None)
    if org_id is None and obj is not None and obj.__class__.__name__ == "Organisation":
        org_id = obj.pk
    return bool(org_id is not None and user.organisation_id == org_id)


# Counties and cities (one deployment, several counties): a supervisor or oversight body of a
# city or province (its organisation's county_code is that division's code, e.g. 宁波市 330200)
# reads every county the division tree puts under it; everyone else reads their own county only.
# Writes stay with the county: services compare the actor's own county_code with the record's.
COUNTY_READERS = (Role.SUPERVISOR, Role.OVERSIGHT)


def county_codes_for(user) -> list[str]:
    """The county codes whose records `user` may read county-wide, own code first; cached on
    the user object (one per request)."""
    cached = getattr(user, "_county_codes", None)
    if cached is not None:
        return cached
    own = getattr(user, "county_code", "") or ""
    codes = [own] if own else []
    if own and getattr(user, "role", None) in COUNTY_READERS:
        codes += [c for c in _counties_under(own) if c != own]
    try:
        user._county_codes = codes
    except AttributeError:  # AnonymousUser and other read-only stand-ins
        pass
    return codes


def _counties_under(code: str) -> list[str]:
    # Looked up by app label: roles.py sits below the registry and must not import it.
    from django.apps import apps

    division_model = apps.get_model("registry", "Division")
    own = division_model.objects.filter(code=code).values_list("pk", "level").first()
    if own is None or own[1] not in ("city", "province"):
        return []
    counties: list[str] = []
    frontier = [own[0]]
    for _depth in range(3):  # province → city → county
        children = list(
            division_model.objects.filter(
                parent_id__in=frontier, level__in=("city", "county")
            ).values_list("pk", "code", "level")
        )
        counties += [c for _pk, c, level in children if level == "county"]
        frontier = [pk for pk, _c, level in children if level == "city"]
        if not frontier:
            break
    return sorted(counties)


def in_counties(qs, user, field: str = "county_code"):
    """`qs` narrowed to the counties `user` reads county-wide (see county_codes_for)."""
    codes = county_codes_for(user)
    if len(codes) == 1:
        return qs.filter(**{field: codes[0]})
    return qs.filter(**{f"{field}__in": codes})


def reads_county(user, county_code: str) -> bool:
    return bool(county_code) and county_code in county_codes_for(user)


@rules.predicate
def in_my_counties(user, obj) -> bool:
    return bool(obj is not None and reads_county(user, getattr(obj, "county_code", "")))
