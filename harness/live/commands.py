"""``harness serve`` and ``harness record``: the live rooms on the command line (registered at the end
of ``harness/cli.py``). Exit status 2 for a usage problem: a bad fault spec, no cassette, a port in use."""

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
