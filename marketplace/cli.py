"""CLI commands, grouped by domain; each feature package owns its commands."""


def init_app(app):
    from .accounts.cli import users
    from .challenges.cli import challenges
    from .demo import seed_demo
    from .imports.cli import import_listings
    from .matching.cli import index_check, recompute_proposals, reindex
    from .tasks import worker
    from .vouchers.cli import vouchers

    for command in (users, seed_demo, reindex, recompute_proposals, index_check, import_listings, challenges, worker,
                    vouchers):
        app.cli.add_command(command)
