"""Import jobs: an upload is recorded (ImportJob) and imported by the task queue (marketplace.tasks).

- `create_job` checks the importer, refuses a file already imported (same sha256) unless confirmed,
  and keeps the bytes in the job row until it is done. The caller commits, then enqueues.
- `run_job` is the task's body: progress (phase, done, total) is committed while validating, which
  writes nothing else; the rows and the job's "index" state are then committed in ONE transaction
  (all or nothing), the index/proposal/notification work follows, and the job ends `succeeded` or
  `failed` with a message and the report (row-numbered errors) — never a silent half-state.
- `settle_stale_jobs` (periodic) ends jobs whose worker stopped mid-way.
"""
import hashlib
import logging
from datetime import timedelta

from flask import current_app

from ..extensions import db
from ..matching import index
from ..models import ImportJob, User
from ..templating import fmt_datetime
from ..text import TITLE_MAX
from ..timeutil import utcnow
from ..workflow import DomainError, PermissionDenied, ValidationFailed
from .services import ImportFailed, importer_for, kind_from_arg

log = logging.getLogger(__name__)

PROGRESS_STEPS = 50  # about this many progress commits while validating
STALE_AFTER = timedelta(minutes=30)
INTERNAL_ERROR = "导入时发生内部错误，未导入任何数据"


class DuplicateImport(ValidationFailed):
    status = 409
    code = "duplicate"


def checksum_of(data):
    return hashlib.sha256(data).hexdigest()


def earlier_import(checksum):
    """The latest job of the same file that did not fail (it imported, or is about to)."""
    return db.session.scalar(db.select(ImportJob).where(ImportJob.checksum == checksum,
                                                        ImportJob.status != "failed")
                             .order_by(ImportJob.id.desc()).limit(1))


def duplicate_message(job):
    created = (job.report or {}).get("created")
    counted = f"，导入 {created} 条" if created is not None else ""
    return (f"这个文件已经导入过：任务 #{job.id}（{job.filename}，{fmt_datetime(job.created_at)}，"
            f"{job.status_label}{counted}）。再次导入会重复创建这些条目；如确需再次导入，请勾选“确认重复导入”。")


def create_job(admin, kind, filename, data, publish=False, org_name=None, allow_duplicate=False):
    """Record an import of `data` by `admin`; raise DuplicateImport for a file imported before."""
    if admin is None or not admin.is_authenticated or admin.role != "admin":
        raise PermissionDenied("只有管理员可以批量导入")
    kind = kind_from_arg(kind)
    org_name = (org_name or "").strip() or None
    if org_name is not None and len(org_name) > TITLE_MAX:
        message = f"单位名称不能超过 {TITLE_MAX} 个字符（当前 {len(org_name)} 个）"
        raise ValidationFailed(message, {"org": message})
    checksum = checksum_of(data)
    earlier = earlier_import(checksum)
    if earlier is not None and not allow_duplicate:
        raise DuplicateImport(duplicate_message(earlier), {"confirm_duplicate": duplicate_message(earlier)})
    job = ImportJob(kind=kind, filename=(filename or "upload")[-255:], checksum=checksum, size=len(data),
                    publish=bool(publish), org_name=org_name,
                    created_by_id=admin.id, status="queued", phase="queued", upload=data)
    db.session.add(job)
    db.session.flush()
    return job


def job_state(job):
    """The JSON the status URL answers (and the job page renders)."""
    return {"id": job.id, "kind": job.kind, "filename": job.filename, "publish": job.publish,
            "status": job.status, "status_label": job.status_label, "phase": job.phase,
            "phase_label": job.phase_label, "done": job.done, "total": job.total, "finished": job.finished,
            "message": job.message, "report": job.report,
            "created_at": job.created_at.isoformat() + "Z",
            "finished_at": job.finished_at.isoformat() + "Z" if job.finished_at else None}


def recent_jobs(limit=20):
    return db.session.scalars(db.select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)).all()


# ---------------------------------------------------------------- the task's body

def run_job(job_id, progress=None):
    """Run a queued job to its end; `progress(job)` is called after each committed step (the CLI)."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status != "queued":
        return job  # already run (a task delivered twice does not import twice)
    job.status, job.phase, job.started_at = "running", "read", utcnow()
    _commit(job, progress)
    try:
        importer = importer_for(job.kind, db.session.get(User, job.created_by_id), job.filename, job.upload,
                                publish=job.publish, org_name=job.org_name)
        _validate(job, importer, progress)
        if importer.report.errors:
            errors = len(importer.report.errors)
            return fail_job(job_id, f"{errors} 处错误，未导入任何数据（共 {job.total} 行）", importer.report.as_dict())
        job.phase, job.done = "insert", 0
        _commit(job, progress)
        for _ in importer.iter_insert():
            pass
        job.phase, job.done, job.report, job.upload = "index", job.total, importer.report.as_dict(), None
        _commit(job, progress)  # the rows and this state together; matching.index applies after commit
    except DomainError as err:
        db.session.rollback()
        return fail_job(job_id, err.message)
    except Exception:
        db.session.rollback()
        log.exception("import job %s failed", job_id)
        return fail_job(job_id, INTERNAL_ERROR)
    return _finish(job_id, progress)


def _validate(job, importer, progress):
    job.phase, job.total, job.done = "validate", len(importer.rows), 0
    _commit(job, progress)
    step = max(1, job.total // PROGRESS_STEPS)
    for done in importer.iter_validate():
        if done % step == 0 or done == job.total:
            job.done = done
            _commit(job, progress)  # validating writes nothing else: committing progress is safe


def _finish(job_id, progress):
    """After the import committed: whatever the after-commit apply left (index, proposals, push)."""
    try:
        index.apply_outbox()
    except Exception:
        db.session.rollback()
        log.exception("import job %s: applying the index outbox failed", job_id)
        job = db.session.get(ImportJob, job_id)
        return fail_job(job_id, f"已导入 {job.report['created']} 条，但更新搜索索引与匹配推荐失败；"
                             "未处理的变更将由后台定时任务重试（或运行 flask reindex）", job.report)
    job = db.session.get(ImportJob, job_id)
    job.status, job.phase, job.finished_at = "succeeded", "done", utcnow()
    _commit(job, progress)
    return job


def fail_job(job_id, message, report=None):
    job = db.session.get(ImportJob, job_id)
    job.status, job.message, job.finished_at, job.upload = "failed", message[:500], utcnow(), None
    if report is not None:
        job.report = report
    db.session.commit()
    return job


def _commit(job, progress):
    db.session.commit()
    if progress:
        progress(job)


def settle_stale_jobs(now=None):
    """End jobs left `running` by a stopped worker: rows already committed (phase index) → succeeded
    (the periodic outbox apply has just done their index work); otherwise nothing was written → failed."""
    stale_after = timedelta(minutes=current_app.config.get("IMPORT_JOB_STALE_MINUTES", 30))
    cutoff = (now or utcnow()) - stale_after
    jobs = db.session.scalars(db.select(ImportJob).where(ImportJob.status == "running",
                                                         ImportJob.updated_at < cutoff)).all()
    for job in jobs:
        job.finished_at = utcnow()
        if job.phase == "index":
            job.status, job.phase = "succeeded", "done"
        else:
            job.status, job.upload = "failed", None
            job.message = "任务中断（后台进程已停止），未导入任何数据；请重新上传"
    db.session.commit()
    return len(jobs)


__all__ = ["DuplicateImport", "ImportFailed", "checksum_of", "create_job", "job_state", "recent_jobs",
           "run_job", "fail_job", "settle_stale_jobs"]
