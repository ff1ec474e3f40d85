"""Extra panels on a listing's detail page, contributed by other features.

A feature registers a provider at import time:

    @panel_provider
    def challenge_panel(listing, user):
        return {"challenge": {"template": "challenges/_panel.html", "applications": [...]}}

The detail view passes the merged dict as `panels`; a panel with a "template" key is
included in the main column (the template sees `panel`, `listing` and `panels`), and
templates/listings/_extra_panels.html, when it exists, is included too.
"""
_providers = []


def panel_provider(func):
    _providers.append(func)
    return func


def collect(listing, user):
    panels = {}
    for provider in _providers:
        panels.update(provider(listing, user) or {})
    return panels
