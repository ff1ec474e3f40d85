"""`flask --app wsgi vouchers check|expire`: prove each scheme's books; expire vouchers past redeem-by."""
import click
from flask.cli import AppGroup

from . import ledger, schemes

vouchers = AppGroup("vouchers", help="创新券: ledger check and expiry.")


@vouchers.command("check")
def check():
    """For each scheme: budget = remaining + reserved + redeemed, and every counter = its ledger rows.
    Exits non-zero on any difference."""
    results = ledger.check_all()
    bad = 0
    for scheme_id, problems in results.items():
        if problems:
            bad += 1
            for problem in problems:
                click.echo(f"scheme {scheme_id}: {problem}", err=True)
        else:
            click.echo(f"scheme {scheme_id}: ok")
    if bad:
        raise SystemExit(1)
    click.echo(f"{len(results)} scheme(s) checked, books agree")


@vouchers.command("expire")
def expire():
    """Expire issued vouchers past their redeem-by date; their unspent amounts return to the budget."""
    click.echo(f"expired {schemes.expire_due()} voucher(s)")
