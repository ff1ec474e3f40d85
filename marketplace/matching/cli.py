import click


@click.command("reindex")
def reindex():
    """Rebuild the search index from the database."""
    raise click.ClickException("not implemented yet")


@click.command("index-check")
def index_check():
    """Report drift between the database and the index."""
    raise click.ClickException("not implemented yet")


@click.command("import-listings")
def import_listings():
    """Import achievements or demands from CSV/XLSX."""
    raise click.ClickException("not implemented yet")
