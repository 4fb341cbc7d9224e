"""Watchlists: admin-edited YAML files of topics and terms (schema, strict loader, hot reload)."""
