"""`flask challenges expire`: move published challenges past their deadline to reviewing (for cron)."""
import click
from flask.cli import AppGroup

from . import services

challenges = AppGroup("challenges", help="揭榜挂帅榜单维护")


@challenges.command("expire")
def expire():
    """Close applications of every challenge whose deadline has passed (recorded as 系统)."""
    moved = services.expire_due_challenges()
    click.echo(f"已截止征集的榜单：{moved} 个")
