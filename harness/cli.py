"""The ``harness`` command: check cassettes, replay one for debugging, print the check catalogue.

Exit status of ``harness check``: 0 when no undeclared error-severity finding, 1 when there is one,
2 for a usage or I/O problem (click's own convention for bad usage).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click
from rich.console import Console

from harness.live.commands import probe, record, serve
from harness.report.markdown import LIMIT as MARKDOWN_LIMIT
from harness.report.markdown import MIN_LIMIT as MARKDOWN_MIN_LIMIT
from harness.report.safe import printable
from harness.report.terminal import BIG_RUN_FINDINGS, SMALL_RUN

if TYPE_CHECKING:
    from harness.report.baseline import Baseline
    from harness.report.model import CassetteReport, Skipped
    from harness.settings import Settings


class _Family(click.ParamType):
    """A family name or alias, checked against the installed families when the option is read, so
    the families (plug-ins included) load only when a command needs them."""

    name = "family"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from harness import registry

        try:
            return registry.get(value).name
        except KeyError:
            self.fail(f"{value!r} is not a family; known: {', '.join(registry.providers())}", param, ctx)


class _Harness(click.Group):
    """Families that cannot load together (a broken plug-in, two claiming one block of check ids)
    are a setup problem: one line and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> None:
        from harness.checkspec import CatalogueError
        from harness.registry import RegistryError

        try:
            super().invoke(ctx)
        except (RegistryError, CatalogueError) as error:
            click.echo(f"harness: {error}", err=True)
            ctx.exit(2)


_PROVIDER = _Family()


@click.group(cls=_Harness, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="provider-conformance-harness", prog_name="harness")
def main() -> None:
    """Conformance harness for LLM and agent provider streams."""


class _Input(click.ParamType):
    """A file or folder to check, read as ``click.Path(exists=True)`` reads it, or an fsspec URL
    (``s3://bucket/runs/``) left to whoever reads the files."""

    name = "path"

    def convert(self, value: str | Path, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        from harness.run.remote import is_url

        if isinstance(value, str) and is_url(value):
            return value
        return _LOCAL_PATH.convert(value, param, ctx)


_LOCAL_PATH = click.Path(exists=True, path_type=Path)


class _MarkdownLimit(click.ParamType):
    """0 (no limit) or a size that holds at least the title, the counts and the closing note."""

    name = "chars"

    def convert(self, value: str | int, param: click.Parameter | None, ctx: click.Context | None) -> int:
        chars = click.INT.convert(value, param, ctx)
        if chars and chars < MARKDOWN_MIN_LIMIT:
            self.fail(f"{chars} is under {MARKDOWN_MIN_LIMIT} (0 lifts the limit)", param, ctx)
        return chars


@main.command()
@click.argument("paths", nargs=-1, required=True, type=_Input())
@click.option("--provider", type=_PROVIDER, help="Protocol family, for raw .sse/.txt/.chunks.txt files.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSON report.")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Markdown report.")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path), help="Write JUnit XML.")
@click.option("--jsonl", "jsonl_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON report per cassette per line, as each is checked. Alone (no --json, --markdown "
                   "or --junit) the run keeps no report: the terminal shows failing cassettes and the counts.")
@click.option("-v", "--verbose", count=True, help="-v: show info findings too; -vv: also expected ones.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the HTML report (one self-contained file, with a timeline of every stream).")
@click.option("--strict", is_flag=True, default=None, help="Fail a cassette with an exchange no family recognises.")
@click.option("--select", multiple=True, metavar="CHECK", help="Report only these checks (an id or a prefix: RESUME, "
                                                               "RESUME-2); adds to [tool.harness] select.")
@click.option("--ignore", multiple=True, metavar="CHECK", help="Never report these checks (id or prefix).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Fail only on findings this baseline does not hold, and list the ones fixed since.")
@click.option("--update-baseline", is_flag=True, help="Write the findings of this run as the --baseline file.")
@click.option("--workers", type=click.IntRange(min=1), help="Processes to check with (default: one per core; "
                                                            "1: this process; --dask uses the cluster's).")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Check on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); the workers read "
                   "the files, so paths must be on a shared file system or fsspec URLs (s3://...).")
@click.option("--max-findings", type=click.IntRange(min=0), metavar="N",
              help=f"Findings printed per cassette, the most severe (0: all; default: all up to {SMALL_RUN} "
                   f"cassettes, {BIG_RUN_FINDINGS} past that). The reports keep them all.")
@click.option("--markdown-limit", type=_MarkdownLimit(), metavar="CHARS",
              help=f"Most characters the --markdown report holds, whole rows and findings left out and counted "
                   f"(default {MARKDOWN_LIMIT}: a GitHub comment holds 65,536; 0: no limit).")
@click.option("--no-progress", is_flag=True, help="No progress bar (it shows only on a terminal, for long runs).")
def check(paths: tuple[Path | str, ...], provider: str | None, json_path: Path | None, markdown_path: Path | None,
          junit_path: Path | None, jsonl_path: Path | None, html_path: Path | None, verbose: int, strict: bool | None,
          select: tuple[str, ...], ignore: tuple[str, ...], baseline_path: Path | None, update_baseline: bool,
          workers: int | None, dask_address: str | None, max_findings: int | None, markdown_limit: int | None,
          no_progress: bool) -> None:
    """Check cassettes (files, folders recursively, or URLs) and report every finding.

    Exit status: 0 no undeclared error, 1 findings, 2 usage or I/O problem (a Dask cluster that
    fails mid-run too), 3 the harness crashed on a cassette (a bug to report; the other cassettes
    are still checked and reported). A file met in a folder that is no cassette in any supported
    format is skipped and listed, never failed; named on its own it is a usage problem.
    """
    from harness.report.model import Summary
    from harness.report.progress import progress
    from harness.run.cluster import ClusterError

    settings = _settings(select, ignore)
    strict = settings.strict if strict is None else strict
    given = {"json": json_path, "markdown": markdown_path, "junit": junit_path, "html": html_path, "jsonl": jsonl_path}
    json_path, markdown_path, junit_path, html_path, jsonl_path = (
        value if value is not None else settings.outputs.get(key) for key, value in given.items())
    limit = next((value for value in (markdown_limit, settings.markdown_limit) if value is not None), MARKDOWN_LIMIT)
    files = _cassette_files(paths)
    if not files:
        raise click.UsageError("no cassette files (.yaml, .yml, .json, .har, .sse, .txt, .bin) under the given paths")
    renders = ((json_path, _json), (markdown_path, partial(_markdown, limit=limit)), (junit_path, _junit),
               (html_path, _html))
    outputs = [(target, render) for target, render in renders if target is not None]
    _refuse_overwriting([target for target, _ in outputs] + [p for p in (jsonl_path, baseline_path) if p is not None],
                        [file for file in files if isinstance(file, Path)])
    baseline = _baseline(baseline_path) if baseline_path is not None and not update_baseline else None
    named = {path for path in paths if isinstance(path, Path) and path.is_file()}
    skipped: list[Skipped] = []
    with ExitStack() as stack:
        checked = _reports(files, provider, strict, workers, dask_address, keep_events=html_path is not None)
        if not no_progress:
            checked = stack.enter_context(progress(checked, len(files), _progress_console()))
        reports = _judged(checked, settings, baseline, named, skipped)
        if jsonl_path is not None:
            from harness.report.jsonl import written

            reports = written(reports, stack.enter_context(_opened(jsonl_path)))
        try:
            if jsonl_path is not None and not outputs:
                from harness.report.stream import print_streamed

                total = print_streamed(reports, _console(), skipped)
                _refuse_no_cassette(total.cassettes, skipped)
                sys.exit(total.exit_code)
            kept = list(reports)
        except ClusterError as error:
            click.echo(f"harness: {error}", err=True)
            sys.exit(2)
        except OSError as error:
            if jsonl_path is None:
                raise
            click.echo(f"harness: cannot write {jsonl_path}: {error.strerror}", err=True)
            sys.exit(2)
    from harness.report.terminal import print_summary

    _refuse_no_cassette(len(kept), skipped)
    if update_baseline and baseline_path is not None:
        kept = _write_baseline(kept, baseline_path)
    print_summary(kept, _console(), verbose=verbose, skipped=skipped, max_findings=max_findings)
    if baseline is not None:
        _fixed_since(kept, baseline, settings)
    for target, render in outputs:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(render(kept, skipped))
        except OSError as error:
            click.echo(f"harness: cannot write {target}: {error.strerror}", err=True)
            sys.exit(2)
    sys.exit(Summary.of(kept).exit_code)


def _cassette_files(paths: tuple[Path | str, ...]) -> list[Path | str]:
    """Each path's cassette files (``harness.run.cassette_files``), each URL's, in the order given."""
    from harness.run import cassette_files
    from harness.run.remote import url_files

    files: list[Path | str] = []
    for path in paths:
        try:
            files += cassette_files([path]) if isinstance(path, Path) else url_files(path)
        except (ImportError, OSError) as error:
            raise click.UsageError(f"cannot list {path}: {error}") from None
    return files


def _reports(files: list[Path | str], provider: str | None, strict: bool, workers: int | None,
             dask_address: str | None, *, keep_events: bool = False) -> Iterator[CassetteReport]:
    """The reports, in input order: from the Dask cluster if one is named, else from local processes."""
    if dask_address is not None:
        from harness.run.cluster import check_on_cluster

        return check_on_cluster(files, dask_address, provider, strict=strict, keep_events=keep_events)
    from harness.run import check_files, default_workers

    return check_files(files, provider, strict=strict, keep_events=keep_events, workers=workers or default_workers())


def _settings(select: tuple[str, ...], ignore: tuple[str, ...]) -> Settings:
    """The project's settings ([tool.harness] or harness.toml, found upward), with the command line's."""
    from harness.settings import SettingsError, find, load

    try:
        source = find(Path.cwd())
        settings = load(source)
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    if source is not None:
        click.echo(f"harness: settings from {source}", err=True)
    return settings.with_command_line(select, ignore)


def _judged(reports: Iterator[CassetteReport], settings: Settings, baseline: Baseline | None,
            named: set[Path], skipped: list[Skipped]) -> Iterator[CassetteReport]:
    """Each report as this project reads it: settings applied, the baseline's findings accepted. A
    file that is no cassette at all (``CassetteReport.not_a_cassette``) is a usage problem when named
    on the command line (exit 2), and added to ``skipped`` when met in a folder; one that is a
    cassette with hostile or broken content is a finding (exit 1)."""
    from harness.report.model import Skipped

    for report in reports:
        if report.not_a_cassette:
            if Path(report.path) in named:
                click.echo(printable(f"harness: {report.path} is not a cassette in any supported format: "
                                     f"{report.unreadable}"), err=True)
                sys.exit(2)
            skipped.append(Skipped(report.path, report.unreadable or ""))
            continue
        report = settings.applied(report)
        yield baseline.accept(report) if baseline is not None else report


def _refuse_no_cassette(checked: int, skipped: list[Skipped]) -> None:
    """A run whose every file turned out to be no cassette checked nothing: a usage problem, as a
    folder with no cassette files is."""
    if not checked and skipped:
        first = skipped[0]
        raise click.UsageError(printable(f"none of the {len(skipped)} file(s) under the given paths is a cassette "
                                         f"in any supported format ({first.path}: {first.reason})"))


def _baseline(path: Path) -> Baseline:
    from harness.report.baseline import Baseline

    try:
        return Baseline.read(path)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _write_baseline(reports: list[CassetteReport], path: Path) -> list[CassetteReport]:
    """Write this run's findings as the baseline; the run is then judged against it (it passes)."""
    from harness.report.baseline import Baseline

    written = Baseline.of(reports)
    try:
        written.write(path)
    except OSError as error:
        click.echo(f"harness: cannot write {path}: {error.strerror}", err=True)
        sys.exit(2)
    click.echo(f"harness: baseline of {len(written.entries)} finding(s) written to {path}", err=True)
    return [written.accept(report) for report in reports]


def _fixed_since(reports: list[CassetteReport], baseline: Baseline, settings: Settings) -> None:
    """Say what the baseline no longer needs to hold (among the checks this run reports)."""
    for entry in (e for e in baseline.fixed(reports) if settings.rules.reports(e["check"])):
        click.echo(f"harness: fixed since the baseline: {entry['check']} in {entry['cassette']} "
                   f"exchange {entry['exchange']}", err=True)


def _opened(target: Path) -> BinaryIO:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.open("wb")
    except OSError as error:
        click.echo(f"harness: cannot write {target}: {error.strerror}", err=True)
        sys.exit(2)


def _json(reports: list[CassetteReport], skipped: list[Skipped]) -> bytes:
    from harness.report.json_report import render_json

    return render_json(reports, skipped)


def _markdown(reports: list[CassetteReport], skipped: list[Skipped], limit: int) -> bytes:
    from harness.report.markdown import render_markdown

    return render_markdown(reports, skipped, limit).encode()


def _html(reports: list[CassetteReport], skipped: list[Skipped]) -> bytes:
    from harness.report.html import render_html

    return render_html(reports, skipped)


def _junit(reports: list[CassetteReport], skipped: list[Skipped]) -> bytes:
    from harness.report.junit import render_junit

    return render_junit(reports, skipped)


def _refuse_overwriting(targets: list[Path], inputs: list[Path]) -> None:
    """Two reports into one file, or a report over a cassette being read, is a typo that destroys
    data: refused before anything is written."""
    read = {path.resolve() for path in inputs}
    seen: set[Path] = set()
    for target in targets:
        resolved = target.resolve()
        if resolved in read:
            raise click.UsageError(f"the report path {target} is one of the cassettes being checked")
        if resolved in seen:
            raise click.UsageError(f"two reports would be written to {target}")
        seen.add(resolved)


@main.command()
@click.argument("cassette", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--provider", type=_PROVIDER, help="Protocol family, for raw stream files.")
@click.option("--exchange", "only", type=int, help="Show only this exchange (0-based).")
@click.option("--json", "as_json", is_flag=True, help="Print the canonical log and turns as JSON lines.")
def replay(cassette: Path, provider: str | None, only: int | None, as_json: bool) -> None:
    """Show the canonical event log and the folded turn of each exchange."""
    from harness.pipeline import check_path
    from harness.report.replay import print_replay, replay_json_lines

    report = check_path(cassette, provider, keep_events=True)
    if as_json:
        for line in replay_json_lines(report, only):
            click.echo(line)
    else:
        print_replay(report, _console(), only)


@main.command()
@click.argument("stream", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--provider", type=_PROVIDER, required=True, help="Protocol family of the stream.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Cassette to write (e.g. cassettes/regressions/<name>.yaml).")
@click.option("--expect", "expect", multiple=True, help="A check id the stream must produce (repeatable).")
@click.option("--scenario", help="Scenario name recorded in the cassette.")
def keep(stream: Path, provider: str, output: Path, expect: tuple[str, ...], scenario: str | None) -> None:
    """Wrap a raw stream body (say, a failing example) as a cassette, so it becomes a regression case."""
    from harness.keep import keep_stream

    try:
        keep_stream(stream.read_bytes(), provider, output, expect=list(expect), scenario=scenario or stream.stem)
    except OSError as error:
        click.echo(f"harness: cannot write {output}: {error.strerror}", err=True)
        sys.exit(2)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--provider", type=_PROVIDER, help="Protocol family, for raw stream files.")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
def compare(paths: tuple[Path, ...], provider: str | None, as_json: bool) -> None:
    """Fold recordings of the same turn and report where they differ (STATE-005).

    One cassette: its exchanges are compared with each other (one turn told in several stream modes).
    Several: turn n of each against turn n of the first (one scenario, several vendors or modes).
    Exit status: 0 the same, 1 differences, 2 usage or I/O problem.
    """
    from harness.compare import compare_reports
    from harness.pipeline import check_path
    from harness.report.differences import differences_json, print_differences

    reports = [check_path(path, provider) for path in paths]
    try:
        differences = compare_reports(reports)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        click.echo(differences_json(differences).decode())
    else:
        print_differences(differences, len(reports), _console())
    sys.exit(1 if differences else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--provider", type=_PROVIDER, help="Protocol family, for raw stream files.")
@click.option("--by", type=click.Choice(["provider", "host", "model"]), default="provider", show_default=True,
              help="What a vendor is: the family, the family and host, or the family and model.")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False, path_type=Path), help="Write Markdown.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Write one HTML page.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write JSON.")
def profile(paths: tuple[Path, ...], provider: str | None, by: str, markdown_path: Path | None,
            html_path: Path | None, json_path: Path | None) -> None:
    """How each vendor behaves on the wire, across its recordings (sequence numbers, fragment sizes,
    parallel calls, reasoning, stop reasons, usage placement, errors, resume contracts, findings)."""
    from harness.report.profile import profile as profiles
    from harness.report.profile import profile_data, profile_html, profile_markdown
    from harness.report.safe import json_bytes
    from harness.run import check_paths

    found = profiles(check_paths(list(paths), provider, keep_events=True), by)  # type: ignore[arg-type]
    markdown = profile_markdown(found)
    click.echo(markdown, nl=False)
    for target, content in ((markdown_path, markdown.encode()), (html_path, profile_html(found).encode()),
                            (json_path, json_bytes(profile_data(found), indent=True))):
        if target is not None:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            except OSError as error:
                click.echo(f"harness: cannot write {target}: {error.strerror}", err=True)
                sys.exit(2)


@main.command("checks")
@click.option("--family", help="Only this family (WIRE, SCHEMA, ORDER, LIFECYCLE, ASSEMBLY, RESUME, STATE, CASSETTE).")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
def list_checks(family: str | None, fmt: str) -> None:
    """Print the check catalogue: id, severity, rule, source."""
    from harness.registry import catalogue
    from harness.report.catalogue import catalogue_json, catalogue_markdown, catalogue_table

    specs = [spec for spec in catalogue().values() if family is None or spec.family == family.upper()]
    if fmt == "json":
        click.echo(catalogue_json(specs).decode())
    elif fmt == "markdown":
        click.echo(catalogue_markdown(specs), nl=False)
    else:
        _console().print(catalogue_table(specs))


def _console() -> Console:
    """Rich's console; in a CI log (no terminal) wide enough that paths and messages stay on one line."""
    return Console() if sys.stdout.isatty() else Console(width=160)


def _progress_console() -> Console:
    """Stderr, interactive only when it is a terminal (or rich's TTY_INTERACTIVE says so): FORCE_COLOR,
    which CI jobs set for colours, must not bring a redrawn bar into a log."""
    return Console(stderr=True, force_interactive=None if "TTY_INTERACTIVE" in os.environ else sys.stderr.isatty())


main.add_command(serve)
main.add_command(record)
main.add_command(probe)

if __name__ == "__main__":
    main()
