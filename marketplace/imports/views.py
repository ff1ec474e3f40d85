"""/admin/import: upload a CSV/XLSX of achievements or demands (admins only) as a background job.

The POST only records the job (ImportJob, with the file) and enqueues it on the task queue
(marketplace.tasks), then redirects to the job's page. That page shows the status and a refresh
link; with JavaScript (static/js/imports.js) it polls the JSON status URL until the report is there.
"""
import logging

from urllib.parse import quote

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from .. import tasks
from ..extensions import db
from ..models import ImportJob
from ..security import role_required
from ..workflow import DomainError
from . import jobs, samples
from .forms import ImportForm
from .readers import ACHIEVEMENT_COLUMNS, DEMAND_COLUMNS, FIGURES_COLUMNS

bp = Blueprint("imports", __name__)
log = logging.getLogger(__name__)


def _page(form, error=None, status=200):
    return render_template("imports/upload.html", form=form, error=error, jobs=jobs.recent_jobs(),
                           achievement_columns=ACHIEVEMENT_COLUMNS, demand_columns=DEMAND_COLUMNS,
                           figures_columns=FIGURES_COLUMNS), status


@bp.route("/admin/import", methods=["GET", "POST"])
@role_required("admin")
def upload():
    form = ImportForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate():
        return _page(form, status=400)
    upload_file = form.file.data
    try:
        job = jobs.create_job(current_user._get_current_object(), form.kind.data, upload_file.filename or "upload",
                              upload_file.read(), publish=form.publish.data, org_name=form.org.data,
                              allow_duplicate=form.confirm_duplicate.data)
    except jobs.DuplicateImport as err:
        form.confirm_duplicate.errors = [err.message]
        return _page(form, status=err.status)
    except DomainError as err:
        return _page(form, error=err.message, status=err.status)
    db.session.commit()
    try:
        tasks.run_import(job.id)  # immediate mode (tests) runs it here; otherwise the worker does
    except Exception:  # the queue's storage is unreachable: say so on the job rather than leave it queued
        log.exception("enqueueing import job %s failed", job.id)
        db.session.rollback()
        jobs.fail_job(job.id, "任务队列暂时不可用，未导入任何数据；请稍后重新上传")
    return redirect(url_for("imports.job_page", job_id=job.id), code=303)


def _job_or_404(job_id):
    return db.get_or_404(ImportJob, job_id, description="导入任务不存在")


@bp.get("/admin/import/jobs/<int:job_id>")
@role_required("admin")
def job_page(job_id):
    job = _job_or_404(job_id)
    return render_template("imports/job.html", job=job, state=jobs.job_state(job))


@bp.get("/admin/import/jobs/<int:job_id>/status")
@role_required("admin")
def job_status(job_id):
    job = _job_or_404(job_id)
    return {"job": jobs.job_state(job)}, 200, {"Cache-Control": "no-store"}


@bp.get("/admin/import/template/<any(achievement, demand):kind>.<any(csv, xlsx):fmt>")
@role_required("admin")
def template(kind, fmt):
    """The import template: DESIGN §6's Chinese headers and one example row (imports/samples.py)."""
    filename = f"{samples.FILENAMES[kind]}.{fmt}"
    return Response(samples.template_bytes(kind, fmt), mimetype=samples.MIMETYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename={kind}-template.{fmt}; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})
