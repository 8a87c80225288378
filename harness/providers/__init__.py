"""The shipped protocol families, one package each, and what every family builds on (``base``).

Families are found through the ``harness.providers`` entry-point group (``harness.registry``), not
imported from here, so importing one family never imports the others.
"""
