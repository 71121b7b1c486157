from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from zerodisturb.exports import Column, Sheet, export_list, wants_xlsx
from zerodisturb.registry.forms import ImportUploadForm, OrganisationFilter
from zerodisturb.registry.jobs import start_import
from zerodisturb.registry.models import Division, ImportJob
from zerodisturb.registry.permissions import (
    visible_import_jobs,
    visible_organisations,
    visible_people,
)
from zerodisturb.registry.template import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def filtered_organisations(user, params):
    """The filter form, the county's localities and the organisations selected for `user`."""
    form = OrganisationFilter(params or None)
    qs = visible_organisations(user)
    localities = Division.objects.filter(county_code=user.county_code).exclude(level="county")
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            qs = qs.filter(Q(name__icontains=q) | Q(credit_code__startswith=q.upper()))
        if kind := form.cleaned_data["kind"]:
            qs = qs.filter(kind=kind)
        if locality := form.cleaned_data["locality"]:
            qs = qs.filter(locality_id=locality)
    return form, localities, qs.order_by("kind", "name")


EXPORT_COLUMNS = [
    Column("名称", "name"),
    Column("类别", "get_kind_display"),
    Column("统一社会信用代码", "credit_code"),
    Column("属地", "locality.name"),
    Column("行业", "get_sector_display"),
]


@login_required
def organisations(request):
    form, localities, qs = filtered_organisations(request.user, request.GET)
    if wants_xlsx(request):
        labels = {"locality": ("属地", [(d.pk, d.name) for d in localities])}
        sheet = Sheet("主体库", EXPORT_COLUMNS, qs)
        return export_list(
            request, "registry:organisations", "零扰企 · 主体库", sheet, form=form, labels=labels
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/organisations.html",
        {"form": form, "page": page, "localities": localities},
    )


@login_required
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    show_personal = request.user.has_perm("registry.view_personal_data", organisation)
    people = visible_people(request.user).filter(organisation=organisation)
    return render(
        request,
        "registry/organisation_detail.html",
        {"organisation": organisation, "people": people, "show_personal": show_personal},
    )


@login_required
def people(request):
    q = request.GET.get("q", "").strip()[:40]
    qs = visible_people(request.user)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(organisation__name__contains=q))
    page = Paginator(qs.order_by("organisation__name", "name"), 50).get_page(
        request.GET.get("page")
    )
    rows = [
        (person, request.user.has_perm("registry.view_personal_data", person)) for person in page
    ]
    return render(request, "registry/people.html", {"page": page, "rows": rows, "q": q})


@login_required
@permission_required("registry.import", raise_exception=True)
def import_start(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_import(request.user, upload.name, upload.read())
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        else:
            return redirect("registry:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).defer("content", "error_workbook")[:20]
    return render(request, "registry/import.html", {"form": form, "jobs": jobs})


def _own_job(request, pk: int) -> ImportJob:
    return get_object_or_404(visible_import_jobs(request.user), pk=pk)


@login_required
@permission_required("registry.import", raise_exception=True)
def import_job(request, pk: int):
    job = _own_job(request, pk)
    template = "registry/_import_progress.html" if request.htmx else "registry/import_job.html"
    return render(request, template, {"job": job})


@login_required
@permission_required("registry.import", raise_exception=True)
def import_errors(request, pk: int):
    job = _own_job(request, pk)
    if not job.error_workbook:
        raise Http404
    return _xlsx(bytes(job.error_workbook), f"errors-{job.pk}.xlsx")


@login_required
@permission_required("registry.import", raise_exception=True)
def import_template(request):
    return _xlsx(build_template(request.user.county_code), "registry-template.xlsx")
