import click


@click.command("seed-demo")
def seed_demo():
    """Load the demo data (idempotent)."""
    raise click.ClickException("not implemented yet")
