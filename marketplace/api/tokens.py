"""API tokens (filled in with the API)."""
