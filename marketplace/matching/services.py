"""Matching services (proposals, push, subscriptions) — filled in by the search issue."""
