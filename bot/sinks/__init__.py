"""Sinks receive every stored post after its transaction committed (console, later more)."""
