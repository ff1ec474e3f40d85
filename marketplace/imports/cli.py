"""`flask --app wsgi import-listings achievements|demands FILE [--publish] [--org NAME] [--admin EMAIL]
[--allow-duplicate]`."""
import os
import secrets

import click
from flask import current_app

from ..accounts import services as accounts
from ..extensions import db
from ..models import User
from ..workflow import DomainError
from .jobs import DuplicateImport, create_job, run_job

SYSTEM_ADMIN_EMAIL = "importer@system.local"
PLATFORM_ORG = "易智平台"


def system_admin():
    """The CLI acts as the first active admin; on an empty database it creates a system admin through the
    account service (no usable password: it cannot log in), member of the verified platform organization."""
    admin = db.session.scalar(db.select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id))
    if admin is not None:
        return admin
    return accounts.create_user(SYSTEM_ADMIN_EMAIL, "admin", secrets.token_urlsafe(32), name="系统导入",
                                org_name=PLATFORM_ORG, org_kind="service_provider")


def _admin_by_email(email):
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or user.role != "admin":
        raise click.ClickException(f"{email} 不是管理员账号")
    return user


def _echo_progress(job):
    if job.phase == "validate" and job.total:
        click.echo(f"\r{job.phase_label} {job.done}/{job.total}", nl=False, err=True)
    elif job.phase in ("insert", "index"):
        click.echo(f"\n{job.phase_label}…", nl=False, err=True)


@click.command("import-listings")
@click.argument("kind", type=click.Choice(["achievements", "demands"]))
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--publish", is_flag=True, help="直接发布（记录为导入管理员的审核通过）；默认待审核。")
@click.option("--org", "org_name", metavar="NAME", help="所有行使用此单位（不存在则创建为已认证单位）。")
@click.option("--admin", "admin_email", metavar="EMAIL", help="以此管理员身份导入；默认第一个管理员。")
@click.option("--allow-duplicate", is_flag=True, help="同一文件（sha256 相同）已导入过时仍然导入。")
def import_listings(kind, path, publish, org_name, admin_email, allow_duplicate):
    """Import achievements or demands from a .csv (UTF-8) or .xlsx file; all rows or none.

    Runs in this process (not on the task queue) and is recorded as an import job like a web upload."""
    if not os.path.isfile(path):
        raise click.ClickException(f"文件不存在：{path}")
    if os.path.getsize(path) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise click.ClickException(f"文件超过 {current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB 的上限")
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        admin = _admin_by_email(admin_email) if admin_email else system_admin()
        job = create_job(admin, kind, os.path.basename(path), data, publish=publish, org_name=org_name,
                         allow_duplicate=allow_duplicate)
    except DuplicateImport as err:
        db.session.rollback()
        raise click.ClickException(err.message.replace("请勾选“确认重复导入”", "请加 --allow-duplicate")) from None
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from None
    db.session.commit()
    job = run_job(job.id, progress=_echo_progress)
    report = job.report or {}
    if job.status != "succeeded":
        click.echo("", err=True)
        for error in report.get("errors", []):
            click.echo(f"第 {error['row']} 行（{error['column']}）：{error['message']}", err=True)
        raise click.ClickException(f"{job.message}（导入任务 #{job.id}）")
    state = "已发布" if publish else "待审核"
    click.echo(f"\n已导入 {report['created']} 条（{state}）；导入任务 #{job.id}")
    for name in report["new_organizations"]:
        click.echo(f"新建已认证单位：{name}")
