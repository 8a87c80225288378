"""Conformance checks over the canonical log, the folded state and the next request."""
