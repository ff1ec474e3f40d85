import click


@click.command("reindex")
def reindex():
    """Rebuild the search index from the database."""
    raise click.ClickException("not implemented yet")


@click.command("index-check")
def index_check():
    """Report drift between the database and the index."""
    raise click.ClickException("not implemented yet")
