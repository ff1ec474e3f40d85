"""challenges endpoints of the JSON API."""
