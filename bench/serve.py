"""`harness serve` on the wire: served events per second, and how faithfully ``--speed 1`` keeps the
recorded gaps between chunks.

    python -m bench.serve                       # 10^4 and 10^5 events, 300 timed gaps
    python -m bench.serve --events 10000 --gaps 1000 --repeat 5 --json out.json

The server runs as its own process (``harness serve``, as a user runs it), the client here reads with
httpx; both on 127.0.0.1. Throughput: one request per stream, timed from sending the request to the
last byte; the first request of a stream includes its fold (the server folds what it serves, to check
the next request against it), later ones reuse it. Gap fidelity: a stream whose chunks were recorded
with gaps drawn from 1-20 ms (about what token streams show) served at speed 1; for each chunk, the
gap the client saw since the previous one against the recorded gap. Only measures: nothing asserts.
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

from bench import streams
from harness.cassette import CassetteMeta, save
from harness.exchange import Exchange, Request, Response

_URIS = {"openai-responses": "https://api.openai.com/v1/responses",
         "anthropic-messages": "https://api.anthropic.com/v1/messages"}


def _cassette(folder: Path, name: str, provider: str, body: bytes, chunks: list[int] | None = None,
              times: list[float] | None = None) -> None:
    request = Request(uri=_URIS[provider], body=b'{"stream": true}', json={"stream": True})
    response = Response(headers={"content-type": ["text/event-stream"]}, body=body, chunks=chunks, times=times)
    save(folder / f"{name}.yaml", [Exchange(0, request, response)], CassetteMeta(provider=provider))


def _server(folder: Path, speed: float) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-c", "from harness.cli import main; main()", "serve", str(folder),
                                "--speed", str(speed)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline() if process.stdout else ""
    found = re.search(r"listening on (http://\S+?)[,\s]", line)
    if not found:
        process.kill()
        raise RuntimeError(f"harness serve did not start: {line!r}")
    return process, found[1]


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def _fetch(client: httpx.Client, url: str) -> tuple[float, list[float], int]:
    """Seconds from request to last byte, each piece's arrival from the first byte, bytes read."""
    start = time.perf_counter()
    arrivals: list[float] = []
    size = 0
    with client.stream("POST", url, json={"stream": True}) as reply:
        for piece in reply.iter_raw():
            arrivals.append(time.perf_counter())
            size += len(piece)
    end = time.perf_counter()
    return end - start, [moment - arrivals[0] for moment in arrivals], size


def throughput(providers: list[str], sizes: list[int], repeat: int) -> list[dict[str, object]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = {(provider, size): streams.make(provider, size) for provider in providers for size in sizes}
        for (provider, size), stream in made.items():
            _cassette(folder, f"{provider}-{size}", provider, stream.body)
        process, base = _server(folder, 0)
        try:
            with httpx.Client(timeout=600) as client:
                for (provider, size), stream in made.items():
                    url = f"{base}/{provider}-{size}{httpx.URL(_URIS[provider]).path}"
                    first, _, read = _fetch(client, url)
                    assert read == len(stream.body), (read, len(stream.body))
                    again = min(_fetch(client, url)[0] for _ in range(repeat))
                    rows.append({"provider": provider, "events": size, "bytes": len(stream.body),
                                 "first_events_per_s": round(size / first), "served_events_per_s": round(size / again),
                                 "served_us_per_event": round(again / size * 1e6, 2)})
        finally:
            _stop(process)
    return rows


def fidelity(gaps: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    stream = streams.make("anthropic-messages", gaps + 1, seed)
    cuts = sorted(rng.sample(range(1, len(stream.body)), gaps))
    times = [0.0]
    for _ in cuts:
        times.append(times[-1] + rng.uniform(0.001, 0.020))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _cassette(folder, "timed", "anthropic-messages", stream.body, cuts, times)
        process, base = _server(folder, 1)
        try:
            with httpx.Client(timeout=600) as client:
                _, seen, _ = _fetch(client, f"{base}/timed/v1/messages")
        finally:
            _stop(process)
    if len(seen) != len(times):
        return {"gaps": gaps, "error": f"{len(seen)} pieces arrived for {len(times)} recorded (pieces merged or split)"}
    gap_errors = sorted(abs((seen[n] - seen[n - 1]) - (times[n] - times[n - 1])) * 1e3 for n in range(1, len(times)))
    drift = sorted(abs(seen[n] - times[n]) * 1e3 for n in range(len(times)))
    quantiles = statistics.quantiles(gap_errors, n=100)
    return {"gaps": gaps, "recorded_s": round(times[-1], 3), "served_s": round(seen[-1], 3),
            "gap_error_ms_p50": round(quantiles[49], 3), "gap_error_ms_p95": round(quantiles[94], 3),
            "gap_error_ms_max": round(gap_errors[-1], 3), "drift_ms_p50": round(statistics.median(drift), 3),
            "drift_ms_max": round(drift[-1], 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", default="openai-responses,anthropic-messages")
    parser.add_argument("--events", default="10000,100000", help="stream sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="served again this many times; the best counts")
    parser.add_argument("--gaps", type=int, default=300, help="timed chunks for the speed-1 fidelity run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    rows = throughput(args.providers.split(","), [int(size) for size in args.events.split(",")], args.repeat)
    timed = fidelity(args.gaps, args.seed)
    print("| stream | events | first request (with fold), events/s | served again, events/s | µs/event |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['provider']} | {row['events']} | {row['first_events_per_s']} | {row['served_events_per_s']} "
              f"| {row['served_us_per_event']} |")
    print()
    print(orjson.dumps(timed, option=orjson.OPT_INDENT_2).decode())
    if args.json is not None:
        args.json.write_bytes(orjson.dumps({"throughput": rows, "fidelity": timed}, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
