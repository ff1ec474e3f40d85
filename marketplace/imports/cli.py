import click


@click.command("import-listings")
def import_listings():
    """Import achievements or demands from CSV/XLSX."""
    raise click.ClickException("not implemented yet")
