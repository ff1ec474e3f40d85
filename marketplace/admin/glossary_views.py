"""The admin's bilingual glossary (/admin/glossary): the shipped concepts (read-only) and the admins' own
(add, edit, delete), the effective glossary as a TSV download. Rules in matching/glossary_admin.py.
Registered on the admin blueprint (admin-only)."""
from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..forms import EmptyForm, attach_errors, select_choices
from ..limits import page_arg
from ..matching import glossary_admin
from ..matching.glossary import check_seconds
from ..models.listings import FIELDS
from ..workflow import ValidationFailed
from .forms import GlossaryConceptForm
from .views import bp


def _form(**kwargs):
    form = GlossaryConceptForm(**kwargs)
    form.field.choices = select_choices([("", "请选择")] + [(f, f) for f in FIELDS])
    return form


def _render(form, row=None, status=200):
    q, field = (request.args.get("q") or "")[:100], request.args.get("field") or ""
    return render_template("admin/glossary.html", form=form, row=row, q=q, field=field, fields=FIELDS,
                           pagination=glossary_admin.page(q, field, page_arg()), delete_form=EmptyForm(),
                           check_seconds=check_seconds(current_app)), status


def _save(form, row=None):
    """The saved row, or None with the errors on the form."""
    try:
        row, warnings = glossary_admin.save(current_user, form.data, row)
    except ValidationFailed as err:
        db.session.rollback()
        for message in attach_errors(form, err.errors):
            flash(message, "error")
        return None
    db.session.commit()
    flash("词条已保存，检索与匹配将使用新的名称", "success")
    for warning in warnings:
        flash(warning, "warning")
    return row


@bp.route("/admin/glossary", methods=["GET", "POST"])
def glossary():
    form = _form()
    if request.method == "POST":
        if form.validate_on_submit() and _save(form) is not None:
            return redirect(url_for("admin.glossary"))
        return _render(form, status=400)
    return _render(form)


@bp.route("/admin/glossary/<int:concept_id>/edit", methods=["GET", "POST"])
def glossary_edit(concept_id):
    row = glossary_admin.get(concept_id)
    if request.method == "POST":
        form = _form()
        if form.validate_on_submit() and _save(form, row) is not None:
            return redirect(url_for("admin.glossary"))
        return _render(form, row, status=400)
    form = _form(data={"field": row.field, "chinese": "\n".join(row.chinese_names),
                       "english": "\n".join(row.english_names), "note": row.note or ""})
    return _render(form, row)


@bp.post("/admin/glossary/<int:concept_id>/delete")
def glossary_delete(concept_id):
    row = glossary_admin.get(concept_id)
    if EmptyForm().validate_on_submit():
        glossary_admin.delete(current_user, row)
        db.session.commit()
        flash("词条已删除", "success")
    return redirect(url_for("admin.glossary"))


@bp.route("/admin/glossary.tsv")
def glossary_download():
    return Response("".join(glossary_admin.export_lines()), mimetype="text/tab-separated-values",
                    headers={"Content-Disposition": "attachment; filename=glossary.tsv"})
