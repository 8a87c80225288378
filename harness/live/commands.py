"""``harness serve``, ``harness record`` and ``harness probe``: the live rooms on the command line
(registered at the end of ``harness/cli.py``). Exit status 2 for a usage problem: a bad fault spec, no
cassette, a port in use, an endpoint the probe cannot reach."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click
import orjson

_FAULT_HELP = ("KIND[:WHERE][=VALUE][@CASSETTE-GLOB]; KIND: drop, duplicate, reorder, truncate, stall, disconnect, "
               "corrupt, error-event, http429, http500, http503, http529; WHERE: event (3), byte (b120) or rate "
               "(10%), none: the seed picks; VALUE: stall seconds, reorder window, retry-after. Repeatable.")


def _bound(host: str, port: int) -> socket.socket:
    from harness.live.runner import PortInUse, bind

    try:
        return bind(host, port)
    except PortInUse as error:
        click.echo(f"harness: {error}", err=True)
        sys.exit(2)
    except OSError as error:
        click.echo(f"harness: cannot listen on {host}:{port}: {error.strerror}", err=True)
        sys.exit(2)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=0, type=click.IntRange(0, 65535), show_default=True, help="0: any free port.")
@click.option("--speed", default=0.0, type=click.FloatRange(min=0), show_default=True,
              help="0: as fast as possible; 1: as recorded; 2: twice as fast.")
@click.option("--fault", "faults", multiple=True, help=_FAULT_HELP)
@click.option("--seed", default=0, type=int, show_default=True, help="Seeds every fault plan.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON report here at exit.")
def serve(paths: tuple[Path, ...], host: str, port: int, speed: float, faults: tuple[str, ...], seed: int,
          report_path: Path | None) -> None:
    """Serve cassettes over HTTP as recorded, inject faults, check the client's requests."""
    from harness.live.faults import FaultSpec, FaultSpecError
    from harness.live.journal import Journal
    from harness.live.library import Library, LibraryError
    from harness.live.runner import address, run
    from harness.live.serve import REPORT_PATH, ServeApp

    try:
        specs = [FaultSpec.parse(text) for text in faults]
    except FaultSpecError as error:
        raise click.BadParameter(str(error), param_hint="--fault") from None
    try:
        library = Library.load(list(paths))
    except LibraryError as error:
        raise click.UsageError(str(error)) from None
    sock = _bound(host, port)
    base = address(sock)
    journal = Journal(echo=click.echo)
    app = ServeApp(library, journal, speed=speed, faults=specs, seed=seed, base_url=base)
    click.echo(f"harness serve: listening on {base} (speed {speed:g}, seed {seed}"
               f"{', faults ' + ' '.join(faults) if faults else ''}); report at {base}{REPORT_PATH}")
    for name in library.names:
        click.echo(f"  {base}/{name}/")
    run(app, sock)
    report = journal.report()
    click.echo(f"harness serve: stopped after {len(report['requests'])} request(s): {report['verdict']}, "
               f"{report['errors']} error(s)")
    if report_path is not None:
        try:
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
        except OSError as error:
            click.echo(f"harness: cannot write {report_path}: {error.strerror}", err=True)
            sys.exit(2)


@click.command()
@click.option("--upstream", required=True, help="Base URL every request is forwarded to.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=0, type=click.IntRange(0, 65535), show_default=True, help="0: any free port.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the cassettes.")
@click.option("--family", help="Force the protocol family (else detected per exchange).")
def record(upstream: str, host: str, port: int, out: Path, family: str | None) -> None:
    """A recording reverse proxy: forward, stream back as it arrives, write scrubbed cassettes, check them."""
    from harness import registry
    from harness.live.proxy import RecordProxy
    from harness.live.record import Recorder
    from harness.live.runner import address, run

    if family is not None:
        try:
            family = registry.get(family).name
        except KeyError as error:
            raise click.BadParameter(str(error.args[0]), param_hint="--family") from None
    if not upstream.startswith(("http://", "https://")):
        raise click.BadParameter("an http:// or https:// URL", param_hint="--upstream")
    sock = _bound(host, port)
    recorder = Recorder(out, family=family, echo=click.echo)
    click.echo(f"harness record: listening on {address(sock)}, forwarding to {upstream}, writing to {out}/")
    run(RecordProxy(upstream, recorder), sock)
    click.echo(f"harness record: stopped; {len(recorder.written)} cassette(s) written")


@click.command()
@click.option("--base-url", help="The endpoint, as the family's SDK takes it (see --list).")
@click.option("--family", help="The protocol family the endpoint speaks.")
@click.option("--model", help="Model to ask for (default: the family's usual one).")
@click.option("--api-key-env", "key_env", metavar="VAR", help="Environment variable holding the API key "
                                                               "(default: the family's usual one; none set: no key).")
@click.option("--scenario", "names", multiple=True, help="Run only this scenario (repeatable; see --list).")
@click.option("--repeat", default=1, type=click.IntRange(1, 100), show_default=True,
              help="Run each scenario K times; report pass@K and pass^K.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the recorded cassettes (and probe.json) here; default: a temporary folder, removed.")
@click.option("--timeout", default=120.0, type=click.FloatRange(min=1), show_default=True,
              help="Seconds to wait for each answer.")
@click.option("--list", "listing", is_flag=True, help="Print each family's scenarios and what each proves.")
def probe(base_url: str | None, family: str | None, model: str | None, key_env: str | None, names: tuple[str, ...],
          repeat: int, out: Path | None, timeout: float, listing: bool) -> None:
    """Send a family's scenario suite to a live endpoint, record and check every exchange.

    Exit status: 0 no scenario failed, 1 at least one failed, 2 usage problem or endpoint unreachable.
    """
    import tempfile

    from harness.live import scenarios as suites
    from harness.live.probe import Unreachable, api_key, select
    from harness.live.probe import probe as run_probe
    from harness.live.probe_report import print_list, print_results, results_json

    if family is not None and family not in suites.families():
        raise click.BadParameter(f"{family!r} has no scenario suite; families with one: "
                                 f"{', '.join(suites.families())}", param_hint="--family")
    if listing:
        print_list([family] if family else suites.families(), click.echo)
        return
    if base_url is None or family is None:
        raise click.UsageError("--base-url and --family are required (or --list)")
    if not base_url.startswith(("http://", "https://")):
        raise click.BadParameter("an http:// or https:// URL", param_hint="--base-url")
    try:
        select(family, list(names))
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--scenario") from None
    dialect = suites.dialect(family)
    with tempfile.TemporaryDirectory(prefix="harness-probe-") as scratch:
        folder = out or Path(scratch)
        click.echo(f"harness probe: {family} at {base_url}, model {model or dialect.default_model}, "
                   f"{repeat} run(s) per scenario, cassettes in {folder if out else 'a temporary folder'}")
        try:
            results = run_probe(base_url, family, model=model, key=api_key(dialect, key_env), names=list(names),
                                repeat=repeat, out=folder, timeout=timeout)
        except Unreachable as error:
            click.echo(f"harness: {error}", err=True)
            sys.exit(2)
        print_results(results, repeat, click.echo)
        if out is not None:
            (out / "probe.json").write_bytes(orjson.dumps(results_json(results, repeat), option=orjson.OPT_INDENT_2))
    sys.exit(1 if any(result.status == "fail" for result in results) else 0)
