"""Excel import: all-or-nothing, every error located, re-import updates instead of duplicating."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.demo.codes import credit_code
from zerodisturb.registry.importing import WorkbookUnreadable, import_workbook
from zerodisturb.registry.models import ImportJob, Organisation, Person
from zerodisturb.registry.tests.workbooks import enterprise_rows, person_row, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(county):
    return county.town.name


def _enterprises():
    return Organisation.objects.filter(name__startswith="慈溪市测试")


def test_one_bad_row_among_a_thousand_imports_nothing_and_names_the_row(county, town):
    rows = enterprise_rows(1000, town)
    rows[636][1] = rows[636][1][:-1] + ("0" if rows[636][1][-1] != "0" else "1")
    events_before = AuditEvent.objects.count()
    report = import_workbook(None, workbook_bytes(rows), "330282")
    assert not report.ok
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.sheet, error.row, error.column, error.header) == (
        "企业",
        638,
        "B",
        "统一社会信用代码",
    )
    assert "校验位" in error.message
    assert _enterprises().count() == 0
    assert AuditEvent.objects.count() == events_before
    marked = load_workbook(io.BytesIO(report.error_workbook))["企业"]
    assert marked["B638"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "校验位" in marked.cell(row=638, column=marked.max_column).value


def test_fixed_file_imports_all_and_reimport_changes_nothing(county, town):
    rows = enterprise_rows(1000, town)
    data = workbook_bytes(rows)
    first = import_workbook(None, data, "330282")
    assert first.ok and first.results["enterprises"].created == 1000
    assert _enterprises().count() == 1000
    events_after_first = AuditEvent.objects.count()
    second = import_workbook(None, data, "330282")
    assert second.ok
    assert second.results["enterprises"].unchanged == 1000
    assert second.results["enterprises"].created == second.results["enterprises"].updated == 0
    assert _enterprises().count() == 1000
    assert AuditEvent.objects.count() == events_after_first
    assert verify_chain().ok


def test_changed_row_updates_in_place_with_an_audit_event(county, town):
    rows = enterprise_rows(3, town)
    import_workbook(None, workbook_bytes(rows), "330282")
    rows[1][0] = "慈溪市测试改名电器有限公司"
    report = import_workbook(None, workbook_bytes(rows), "330282")
    assert report.results["enterprises"].updated == 1
    org = Organisation.objects.get(credit_code=rows[1][1])
    assert org.name == "慈溪市测试改名电器有限公司"
    event = AuditEvent.objects.filter(action="organisation.update").get()
    assert event.payload["changes"]["name"][1] == "慈溪市测试改名电器有限公司"


def test_every_error_is_reported_with_sheet_row_column(county, town):
    rows = enterprise_rows(4, town)
    rows[0][0] = ""  # name missing
    rows[1][2] = "火星镇"  # unknown locality
    rows[2][3] = "航天"  # unknown sector
    rows[3][1] = rows[2][1]  # duplicate credit code
    people = [person_row("91330282000000000X")]
    report = import_workbook(None, workbook_bytes(rows, people=people), "330282")
    located = {(e.sheet, e.row, e.column) for e in report.errors}
    assert ("企业", 2, "A") in located
    assert ("企业", 3, "C") in located
    assert ("企业", 4, "D") in located
    assert ("企业", 5, "B") in located
    assert any(e.sheet == "人员" and e.column == "D" for e in report.errors)
    assert Organisation.objects.filter(name__startswith="慈溪市测试").count() == 0


def test_numeric_code_cells_are_refused_not_silently_rounded(county, town):
    rows = enterprise_rows(1, town)
    people = [person_row(county.orgs["provider"].credit_code)]
    people[0][1] = 330282199001011237  # typed into a number-formatted cell
    report = import_workbook(None, workbook_bytes(rows, people=people), "330282")
    assert [(e.sheet, e.column) for e in report.errors] == [("人员", "B")]
    assert "文本格式" in report.errors[0].message


def test_people_may_belong_to_a_provider_in_the_same_file(county):
    rng = random.Random(5)
    code = credit_code(rng, "330282")
    providers = [["宁波新测技术咨询有限公司", code, "安全咨询", "", "", ""]]
    people = [person_row(code), person_row(county.orgs["agency"].credit_code, "政府工作人员", 8)]
    report = import_workbook(None, workbook_bytes(providers=providers, people=people), "330282")
    assert report.ok, [str(e) for e in report.errors]
    person = Person.objects.get(name="李四", organisation__credit_code=code)
    assert person.organisation.kind == "provider"
    again = import_workbook(None, workbook_bytes(providers=providers, people=people), "330282")
    assert again.results["people"].unchanged == 2


def test_staff_cannot_belong_to_a_government_body(county):
    people = [person_row(county.orgs["agency"].credit_code, "辅助人员")]
    report = import_workbook(None, workbook_bytes(people=people), "330282")
    assert "应属于第三方机构" in report.errors[0].message


def test_missing_header_and_unreadable_file(county):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "企业"
    book.active.append(["企业名称", "行业"])
    out = io.BytesIO()
    book.save(out)
    report = import_workbook(None, out.getvalue(), "330282")
    assert {e.header for e in report.errors} >= {"统一社会信用代码", "属地"}
    with pytest.raises(WorkbookUnreadable):
        import_workbook(None, b"%PDF-1.4 not a workbook", "330282")


def test_upload_in_the_ui_shows_progress_and_result(
    county, town, as_role, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_role("supervisor")
    page = client.get("/registry/import/")
    assert "下载导入模板" in page.content.decode()
    template = client.get("/registry/import/template.xlsx")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).sheetnames == [
        "说明",
        "企业",
        "第三方机构",
        "人员",
    ]
    rows = enterprise_rows(20, town)
    rows[5][3] = "航天"
    upload = SimpleUploadedFile("企业.xlsx", workbook_bytes(rows))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/registry/import/", {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/registry/import/{job.pk}/"
    assert job.status == ImportJob.Status.REJECTED and job.error_count == 1
    page = client.get(response.url).content.decode()
    assert "整个文件未导入" in page and "航天" in page and 'role="progressbar"' in page
    errors = client.get(f"/registry/import/{job.pk}/errors.xlsx")
    assert errors.status_code == 200
    rows[5][3] = "家电制造"
    upload = SimpleUploadedFile("企业.xlsx", workbook_bytes(rows))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/registry/import/", {"file": upload})
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == ImportJob.Status.SUCCEEDED
    fragment = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "全部导入成功" in fragment and "<html" not in fragment
    assert _enterprises().count() == 20


def test_ui_refuses_a_file_that_is_not_a_workbook(county, as_role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = as_role("supervisor").post(
        "/registry/import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 200
    assert "只能上传 Excel 工作簿" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_running_a_job_twice_imports_once(county, town):
    from zerodisturb.registry.jobs import run_import

    job = ImportJob.objects.create(
        county_code="330282",
        created_by=county.users["supervisor"],
        filename="a.xlsx",
        sha256="x",
        content=workbook_bytes(enterprise_rows(5, town)),
    )
    assert run_import(job.pk).status == ImportJob.Status.SUCCEEDED
    assert run_import(job.pk).status == ImportJob.Status.SUCCEEDED
    assert AuditEvent.objects.filter(action="import.succeeded").count() == 1
    assert _enterprises().count() == 5


def test_command_imports_and_reports_errors(county, town, tmp_path):
    path = tmp_path / "registry.xlsx"
    rows = enterprise_rows(3, town)
    rows[2][1] = "bad"
    path.write_bytes(workbook_bytes(rows))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_registry", str(path), "--errors-to", str(tmp_path / "e.xlsx"))
    assert (tmp_path / "e.xlsx").exists()
    rows[2][1] = credit_code(random.Random(99), "330282")
    path.write_bytes(workbook_bytes(rows))
    call_command("import_registry", str(path))
    assert _enterprises().count() == 3


def test_import_cannot_take_over_another_countys_records(county, town):
    from zerodisturb.conftest import build_county

    other = build_county("330281", "余姚市")
    foreign = other.orgs["enterprise"]
    rows = enterprise_rows(3, town)
    rows[1][1] = foreign.credit_code
    people = [person_row(county.orgs["provider"].credit_code)]
    people[0][1] = other.staff.id_number
    report = import_workbook(None, workbook_bytes(rows, people=people), "330282")
    located = {(e.sheet, e.row, e.column) for e in report.errors}
    assert located == {("企业", 3, "B"), ("人员", 2, "B")}
    assert all("其他区县" in e.message for e in report.errors)
    foreign.refresh_from_db()
    assert foreign.county_code == "330281" and foreign.name.startswith("余姚市")
    assert _enterprises().count() == 0


def test_people_cannot_be_attached_to_another_countys_organisation(county):
    from zerodisturb.conftest import build_county

    other = build_county("330281", "余姚市")
    people = [person_row(other.orgs["provider"].credit_code)]
    report = import_workbook(None, workbook_bytes(people=people), "330282")
    assert "本县找不到" in report.errors[0].message


def test_import_cannot_turn_a_provider_into_an_enterprise(county, town):
    rows = enterprise_rows(2, town)
    rows[1][1] = county.orgs["provider"].credit_code
    report = import_workbook(None, workbook_bytes(rows), "330282")
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("企业", 3, "B")]
    assert "第三方机构" in report.errors[0].message
    county.orgs["provider"].refresh_from_db()
    assert county.orgs["provider"].kind == "provider"
