"""`flask users ...`: the operator's account tools."""
import click
from flask.cli import AppGroup

from ..extensions import db
from ..models.accounts import ORG_KINDS, ROLES
from ..workflow import DomainError
from . import passwords, services

users = AppGroup("users", help="Manage user accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"One of: {', '.join(ROLES)}")
@click.option("--password", required=True,
              help=f"At least {passwords.PASSWORD_MIN} characters, not common, not containing the e-mail's name.")
@click.option("--name", default=None, help="Display name (defaults to the part of EMAIL before @).")
@click.option("--org", "org_name", default=None, help="Organization name; created (verified) if it does not exist.")
@click.option("--org-kind", default=None, help=f"Kind of a new organization: {', '.join(ORG_KINDS)}")
def create(email, role, password, name, org_name, org_kind):
    """Create a user account of any role (organizations created here are verified)."""
    try:
        user = services.create_user(email, role, password, name=name, org_name=org_name, org_kind=org_kind)
    except DomainError as err:
        db.session.rollback()
        details = "; ".join(f"{key}: {message}" for key, message in err.errors.items()) or err.message
        raise click.ClickException(f"cannot create user ({details})") from None
    db.session.commit()
    org = user.organization
    click.echo(f"created {user.role} {user.email} (id {user.id})"
               + (f", organization {org.name} [{org.kind}{', verified' if org.verified else ''}]" if org else ""))
