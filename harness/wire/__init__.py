"""Bytes to frames, one module per framing; every decoder is incremental and reports, never raises."""
