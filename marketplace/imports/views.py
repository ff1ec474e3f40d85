"""/admin/import: upload a CSV/XLSX of achievements or demands (admins only).

Without JavaScript the form posts and the page shows the report. With JavaScript the same POST
asks for `application/x-ndjson` and the response streams one JSON line per progress step of the
validation and insert phases (real row counts, not a guess), then the report.
"""
import json

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user

from ..extensions import db
from ..security import role_required
from ..workflow import DomainError
from .forms import ImportForm
from .readers import ACHIEVEMENT_COLUMNS, DEMAND_COLUMNS
from .services import ListingImport

bp = Blueprint("imports", __name__)

STREAM_TYPE = "application/x-ndjson"
PROGRESS_STEPS = 50  # about this many progress lines per phase


def _wants_stream():
    return request.accept_mimetypes.best == STREAM_TYPE


def _start_job(form):
    upload = form.file.data
    return ListingImport(form.kind.data, current_user._get_current_object(), upload.filename or "upload",
                         upload.read(), publish=form.publish.data, org_name=form.org.data)


def _finish(job):
    """Commit a clean run, roll back a failed one; returns the report."""
    if job.report.errors:
        db.session.rollback()
    else:
        db.session.commit()  # matching.index applies the queued index changes (and proposals) after commit
    return job.report


def _page(form, report=None, error=None, status=200):
    return render_template("imports/upload.html", form=form, report=report, error=error,
                           achievement_columns=ACHIEVEMENT_COLUMNS, demand_columns=DEMAND_COLUMNS), status


@bp.route("/admin/import", methods=["GET", "POST"])
@role_required("admin")
def upload():
    form = ImportForm()
    if request.method == "POST" and not form.validate():
        if _wants_stream():
            fields = {name: errors[0] for name, errors in form.errors.items()}
            return {"error": {"code": "invalid", "message": "请检查表单", "fields": fields}}, 400
        return _page(form, status=400)
    if request.method == "GET":
        return _page(form)
    try:
        job = _start_job(form)
    except DomainError as err:
        if _wants_stream():
            return {"error": {"code": err.code, "message": err.message}}, err.status
        return _page(form, error=err.message, status=err.status)
    if _wants_stream():
        return Response(stream_with_context(_stream(job)), mimetype=STREAM_TYPE,
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    if job.validate():
        job.insert()
    report = _finish(job)
    return _page(form, report=report, status=200 if report.ok else 400)


def _line(payload):
    return json.dumps(payload, ensure_ascii=False) + "\n"


def _stream(job):
    total = len(job.rows)
    step = max(1, total // PROGRESS_STEPS)
    try:
        for phase, steps in (("validate", job.iter_validate), ("insert", job.iter_insert)):
            if phase == "insert" and job.report.errors:
                break
            for done in steps():
                if done % step == 0 or done == total:
                    yield _line({"phase": phase, "done": done, "total": total})
        if not job.report.errors:
            yield _line({"phase": "index", "done": 0, "total": 0})
        report = _finish(job)
    except Exception:
        db.session.rollback()
        yield _line({"phase": "failed", "message": "导入时发生内部错误，未导入任何数据"})
        raise
    yield _line({"phase": "done", "ok": report.ok, "report": report.as_dict()})
