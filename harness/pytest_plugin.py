"""pytest integration: cassettes as test items, and fixtures for adapter test suites.

``pytest --harness cassettes/`` collects every cassette under the given paths as one test item that
fails with the cassette's undeclared error findings; a file nothing reads as a cassette (a CI
workflow among them) is skipped with the reason, as ``harness check`` skips it in a folder. In any suite, the ``harness_check`` fixture runs
a cassette or a raw body through the pipeline and ``assert_conformant`` fails with a readable list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.findings import Severity


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "provider conformance harness")
    group.addoption("--harness", action="store_true", default=False,
                    help="collect cassettes (.yaml/.yml/.sse) under the given paths as conformance test items")
    group.addoption("--harness-provider", default=None,
                    help="protocol family for raw stream files collected with --harness")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from harness.cassette import is_cassette_file

    if parent.config.getoption("harness") and is_cassette_file(file_path):
        return CassetteFile.from_parent(parent, path=file_path)
    return None


class CassetteFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield CassetteItem.from_parent(self, name=self.path.name)


class CassetteItem(pytest.Item):
    def runtest(self) -> None:
        from harness.pipeline import check_path

        report = check_path(self.path, self.config.getoption("harness_provider"))
        if report.not_a_cassette:
            pytest.skip(f"not a cassette: {report.unreadable}")
        assert_conformant(report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, NonConformant):
            return str(excinfo.value)
        return super().repr_failure(excinfo)  # type: ignore[return-value]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"cassette {self.path.name}"


class NonConformant(AssertionError):
    """A cassette produced error findings it did not declare."""


def assert_conformant(report: Any) -> None:
    """Fail with every undeclared error finding, one line each, with its location."""
    errors = report.undeclared(Severity.error)
    if errors:
        lines = [f"{report.path}: {len(errors)} error finding(s)"]
        lines += [f"  {f.check} {f.message} [{f.location.model_dump(exclude_none=True, exclude={'cassette'})}]"
                  for f in errors]
        raise NonConformant("\n".join(lines))


@pytest.fixture
def harness_check() -> Callable[..., Any]:
    """Run a cassette path (or a raw body with ``provider=``) through the pipeline and return the report."""
    from harness.pipeline import check_path, run_body

    def run(source: Path | str | bytes, provider: str | None = None) -> Any:
        if isinstance(source, bytes):
            if provider is None:
                raise ValueError("a raw body needs provider=")
            return run_body(provider, source)
        return check_path(Path(source), provider)

    return run
