"""Listing endpoints (filled in with the API)."""
