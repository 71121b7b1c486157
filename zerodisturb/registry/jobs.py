"""Registry import jobs: upload (start_import) and the background run (run_import)."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.registry.importing import WorkbookUnreadable, import_workbook
from zerodisturb.registry.models import ImportJob

log = logging.getLogger(__name__)
MAX_IMPORT_BYTES = 30 * 1024 * 1024
MAX_STORED_ERRORS = 1000
XLSX_MAGIC = b"PK\x03\x04"
# A running job that has not reported progress for this long lost its worker (killed, machine
# restarted): it may be claimed again. Progress is reported at least every chunk of rows.
IMPORT_LEASE = timedelta(minutes=10)


def start_import(actor, filename: str, data: bytes) -> ImportJob:
    if not data:
        raise ValidationError({"file": "请选择要上传的 .xlsx 文件"})
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": "文件超过 30 MB，请拆分后分批导入"})
    if not data.startswith(XLSX_MAGIC) or not filename.lower().endswith(".xlsx"):
        raise ValidationError({"file": "只能上传 Excel 工作簿（.xlsx），请用下载的模板填写"})
    from zerodisturb.registry.tasks import run_import_task

    with transaction.atomic():
        job = ImportJob.objects.create(
            county_code=actor.county_code,
            created_by=actor,
            filename=filename[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
        )
        record_event(actor, "import.upload", job, {"filename": job.filename, "sha256": job.sha256})
        transaction.on_commit(lambda: run_import_task.enqueue(job.pk))
    return job


def _progress(job_id: int):
    def report(phase: str, done: int, total: int) -> None:
        # Outside the import's own transaction on purpose, so the page can show it while it runs.
        ImportJob.objects.filter(pk=job_id).update(
            phase=phase, done=done, total=total, heartbeat_at=timezone.now()
        )

    return report


def _claimable(now: datetime) -> Q:
    Status = ImportJob.Status
    stale = now - IMPORT_LEASE
    return Q(status=Status.QUEUED) | Q(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale),
        status=Status.RUNNING,
    )


def _claim(job_id: int, now: datetime) -> bool:
    """One conditional UPDATE: of two workers claiming the same job, one wins."""
    return bool(
        ImportJob.objects.filter(_claimable(now), pk=job_id).update(
            status=ImportJob.Status.RUNNING, phase="校验", done=0, total=0, heartbeat_at=now
        )
    )


def run_import(job_id: int, now: datetime | None = None) -> ImportJob:
    """Claim a queued job (or one whose worker died) and run it; a job another worker holds is
    left alone (safe to run twice)."""
    claimed = _claim(job_id, now or timezone.now())
    job = ImportJob.objects.select_related("created_by__organisation").get(pk=job_id)
    if not claimed:
        return job
    return _run(job)


def resume_stale_imports(now: datetime | None = None) -> int:
    """Finish the imports whose worker died mid-run (the deadlines worker calls this). The
    task-queue row of the dead worker stays "running", so the job is claimed and run here;
    the import writes all its rows in one transaction, so the dead run left none behind."""
    now = now or timezone.now()
    stale = ImportJob.objects.filter(_claimable(now), status=ImportJob.Status.RUNNING)
    resumed = 0
    for job_id in stale.order_by("pk").values_list("pk", flat=True):
        if _claim(job_id, now):
            log.warning("import job %s lost its worker; running it again", job_id)
            _run(ImportJob.objects.select_related("created_by__organisation").get(pk=job_id))
            resumed += 1
    return resumed


def _run(job: ImportJob) -> ImportJob:
    try:
        report = import_workbook(
            job.created_by, bytes(job.content), job.county_code, _progress(job.pk)
        )
    except WorkbookUnreadable as exc:
        return _finish(job, ImportJob.Status.FAILED, errors=[{"message": str(exc)}], error_count=1)
    except Exception:
        log.exception("import job %s failed", job.pk)
        return _finish(
            job,
            ImportJob.Status.FAILED,
            errors=[{"message": "处理时发生内部错误，数据未导入，请联系管理员"}],
            error_count=1,
        )
    if not report.ok:
        return _finish(
            job,
            ImportJob.Status.REJECTED,
            errors=[e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]],
            error_count=len(report.errors),
            error_workbook=report.error_workbook,
            summary=report.summary(),
        )
    return _finish(job, ImportJob.Status.SUCCEEDED, summary=report.summary())


def _finish(job: ImportJob, status: str, **fields) -> ImportJob:
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            status=status, finished_at=timezone.now(), **fields
        )
        job.refresh_from_db()
        record_event(
            job.created_by,
            f"import.{status}",
            job,
            {"summary": job.summary, "error_count": job.error_count},
        )
    return job
