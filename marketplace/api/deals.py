"""deals endpoints of the JSON API."""
