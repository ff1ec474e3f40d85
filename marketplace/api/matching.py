"""matching endpoints of the JSON API."""
