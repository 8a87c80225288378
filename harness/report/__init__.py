"""Renderers: the same report model as JSON, Markdown, JUnit XML or a terminal table."""
