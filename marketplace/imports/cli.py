"""`flask --app wsgi import-listings achievements|demands FILE [--publish] [--org NAME] [--admin EMAIL]`."""
import os
import secrets
import sys

import click

from ..extensions import db
from ..matching import index
from ..models import Organization, User
from ..timeutil import utcnow
from ..workflow import DomainError
from .services import ListingImport

SYSTEM_ADMIN_EMAIL = "importer@system.local"
PLATFORM_ORG = "易智平台"


def system_admin():
    """The CLI acts as the first active admin; on an empty database it creates a system admin
    (no usable password: it cannot log in) belonging to the verified platform organization."""
    admin = db.session.scalar(db.select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id))
    if admin is not None:
        return admin
    org = db.session.scalar(db.select(Organization).where(Organization.name == PLATFORM_ORG))
    if org is None:
        org = Organization(name=PLATFORM_ORG, kind="service_provider", verified=True, verified_at=utcnow())
        db.session.add(org)
        db.session.flush()
    admin = User(email=SYSTEM_ADMIN_EMAIL, name="系统导入", role="admin", organization_id=org.id)
    admin.set_password(secrets.token_urlsafe(32))
    db.session.add(admin)
    db.session.flush()
    return admin


def _admin_by_email(email):
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or user.role != "admin":
        raise click.ClickException(f"{email} 不是管理员账号")
    return user


def _run_with_bars(job):
    with click.progressbar(length=len(job.rows), label="校验", file=sys.stderr) as bar:
        for _ in job.iter_validate():
            bar.update(1)
    if job.report.errors:
        return False
    with click.progressbar(length=len(job.rows), label="写入", file=sys.stderr) as bar:
        for _ in job.iter_insert():
            bar.update(1)
    return True


@click.command("import-listings")
@click.argument("kind", type=click.Choice(["achievements", "demands"]))
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--publish", is_flag=True, help="直接发布（记录为导入管理员的审核通过）；默认待审核。")
@click.option("--org", "org_name", metavar="NAME", help="所有行使用此单位（不存在则创建为已认证单位）。")
@click.option("--admin", "admin_email", metavar="EMAIL", help="以此管理员身份导入；默认第一个管理员。")
def import_listings(kind, path, publish, org_name, admin_email):
    """Import achievements or demands from a .csv (UTF-8) or .xlsx file; all rows or none."""
    if not os.path.isfile(path):
        raise click.ClickException(f"文件不存在：{path}")
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        admin = _admin_by_email(admin_email) if admin_email else system_admin()
        job = ListingImport(kind, admin, os.path.basename(path), data, publish=publish, org_name=org_name)
        inserted = _run_with_bars(job)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from None
    if not inserted:
        db.session.rollback()
        for error in job.report.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(job.report.errors)} 处错误，未导入任何数据（共 {len(job.rows)} 行）")
    db.session.commit()  # the index outbox is applied after commit (matching.index)
    index.apply_outbox()  # a no-op if the after-commit hook already applied it
    state = "已发布" if publish else "待审核"
    click.echo(f"已导入 {len(job.report.created_ids)} 条（{state}）")
    for name in job.report.new_organizations:
        click.echo(f"新建已认证单位：{name}")
