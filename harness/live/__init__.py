"""Cassettes on the wire: a replay server with fault injection, and a recording proxy (DESIGN.md,
"On the wire and at scale"). The pipeline never imports this package."""
