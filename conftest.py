"""Hypothesis profiles for the whole suite: ``ci`` (the default) and ``thorough``.

Pick one with ``HYPOTHESIS_PROFILE=thorough python -m pytest``. Property tests use function-scoped
fixtures (``tmp_path``, ``remember``) that hold nothing between examples, so that health check is off.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]

settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("thorough", max_examples=5000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

pytest_plugins = ["pytester"]  # tests/test_pytest_plugin.py runs pytest on cassettes in a sandbox


def pytest_configure(config: object) -> None:
    """Without the shared corpus (a clone on its own), the committed snapshots of its recordings are not
    compared: unused then means absent, not stale, so syrupy warns instead of failing the run. With the
    corpus there, an unused snapshot still fails it."""
    from suites.corpus import CORPUS

    if not CORPUS.is_dir():
        config.option.warn_unused_snapshots = True  # type: ignore[attr-defined]  # syrupy's --snapshot-warn-unused
