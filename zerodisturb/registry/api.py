from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zerodisturb.api import Page
from zerodisturb.registry.cleaning import Lookups, clean_enterprise
from zerodisturb.registry.jobs import start_import
from zerodisturb.registry.models import Division
from zerodisturb.registry.permissions import (
    visible_import_jobs,
    visible_organisations,
    visible_people,
)
from zerodisturb.registry.services import save_organisation

router = Router(tags=["主体库"])


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None


def _full_view(context, obj) -> bool:
    return context["request"].user.has_perm("registry.view_personal_data", obj)


class OrganisationOut(Schema):
    id: int
    county_code: str
    kind: str
    name: str
    credit_code: str
    locality: str | None
    sector: str
    contact_name: str
    contact_phone: str
    active: bool

    @staticmethod
    def resolve_locality(obj) -> str | None:
        return obj.locality.name if obj.locality_id else None

    @staticmethod
    def resolve_contact_phone(obj, context) -> str:
        return obj.contact_phone if _full_view(context, obj) else obj.masked_contact_phone


class OrganisationFilter(Schema):
    kind: str = ""
    q: str = ""
    locality: str = ""


class EnterpriseIn(Schema):
    name: str
    credit_code: str
    locality: str
    sector: str
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class PersonOut(Schema):
    id: int
    name: str
    kind: str
    organisation_id: int
    organisation: str
    id_number: str
    phone: str
    title: str
    active: bool

    @staticmethod
    def resolve_organisation(obj) -> str:
        return str(obj.organisation)

    @staticmethod
    def resolve_id_number(obj, context) -> str:
        return obj.id_number if _full_view(context, obj) else obj.masked_id_number

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return obj.phone if _full_view(context, obj) else obj.masked_phone


class ImportJobOut(Schema):
    id: int
    filename: str
    status: str
    phase: str
    done: int
    total: int
    percent: int
    error_count: int
    errors: list[dict]
    summary: dict
    created_at: datetime
    finished_at: datetime | None


@router.get("/divisions", response=list[DivisionOut], summary="行政区划（本县及所辖镇街、平台）")
def divisions(request):
    rows = Division.objects.filter(county_code=request.user.county_code).select_related("parent")
    return [
        {
            "code": d.code,
            "name": d.name,
            "level": d.level,
            "parent_code": d.parent.code if d.parent else None,
        }
        for d in rows
    ]


@router.get("/organisations", response=list[OrganisationOut], summary="单位列表")
@paginate(Page)
def organisations(request, filters: Query[OrganisationFilter]):
    qs = visible_organisations(request.user).order_by("kind", "name", "pk")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(credit_code=filters.q.upper()))
    if filters.locality:
        qs = qs.filter(Q(locality__code=filters.locality) | Q(locality__name=filters.locality))
    return qs


@router.get("/organisations/{org_id}", response=OrganisationOut, summary="单位详情")
def organisation(request, org_id: int):
    return get_object_or_404(visible_organisations(request.user), pk=org_id)


@router.post(
    "/enterprises",
    response={200: OrganisationOut, 201: OrganisationOut},
    summary="登记或更新企业（按统一社会信用代码）",
)
def upsert_enterprise(request, payload: EnterpriseIn):
    if not request.user.has_perm("registry.manage"):
        raise PermissionDenied("只有司法局监管人员和系统管理员可以登记企业。")
    clean, errors = clean_enterprise(payload.dict(), Lookups.for_county(request.user.county_code))
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    existed = visible_organisations(request.user).filter(credit_code=clean["credit_code"]).exists()
    org = save_organisation(request.user, clean)
    return Status(200 if existed else 201, org)


@router.get("/people", response=list[PersonOut], summary="人员列表（身份证、手机号按权限脱敏）")
@paginate(Page)
def people(request, q: str = ""):
    qs = visible_people(request.user).order_by("organisation__name", "name", "pk")
    if q:
        qs = qs.filter(name__contains=q[:40])
    return qs


@router.get("/people/{person_id}", response=PersonOut, summary="人员详情")
def person(request, person_id: int):
    return get_object_or_404(visible_people(request.user), pk=person_id)


@router.post("/imports", response={202: ImportJobOut}, summary="上传主体库工作簿，后台导入")
def upload(request, file: File[UploadedFile]):
    if not request.user.has_perm("registry.import"):
        raise PermissionDenied("无权导入主体库。")
    job = start_import(request.user, file.name or "upload.xlsx", file.read())
    job.refresh_from_db()
    return Status(202, job)


@router.get("/imports/{job_id}", response=ImportJobOut, summary="导入任务进度与结果")
def import_status(request, job_id: int):
    if not request.user.has_perm("registry.import"):
        raise PermissionDenied("无权查看导入任务。")
    job = get_object_or_404(visible_import_jobs(request.user), pk=job_id)
    return job
