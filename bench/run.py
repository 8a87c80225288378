"""Events per second of the harness pipeline, a bare floor and the official SDKs, for every family.

    python -m bench.run [--sizes 1000,10000,100000] [--full] [--repeat 3] [--json out.json]

For every size and family the same deterministic body goes through:

``pipeline``  ``harness.pipeline.run_body(family, body)``: decode, schema validation, sequencing,
              translation, fold, checks; the whole harness.
``floor``     the least any consumer must do (``bench/floors.py``): split the body into events, parse
              each payload, append each delta to a list, join at the end.
``bound``     the least a pipeline that follows DESIGN.md can do (``bench/bound.py``): the floor plus
              offsets, UTF-8, schema validation, sequence numbers and one canonical event per delta,
              in one loop; hand-written streams only. ``SDK ÷ bound`` is the most ``pipeline/SDK``
              can reach in this Python.
``sdk``       the family's official SDK per event, where one is installed (``bench/sdks.py``: the
              OpenAI Responses and Chat Completions accumulators, Anthropic's (also behind Bedrock
              InvokeModel), google-genai's per-chunk models, botocore's event-stream parser).

The bodies: OpenAI Responses and Anthropic Messages are hand-written (``bench/streams.py``, what the
published figures were measured on) unless ``--streams encoded``; every other registered family is
written by its own encoder (``bench/encoded.py``), so a new family is measured as soon as it has one.

Each (family, size, path) runs in its own subprocess. Peak memory is that process's ``ru_maxrss``
after the first timed run minus its RSS just before it; the high-water mark is reset first through
``/proc/self/clear_refs`` (Linux), so reading the body does not mask the run's own peak (where that
file cannot be written the plain ``ru_maxrss`` delta is used and each result says so). Timings are
``time.perf_counter`` around the call, best of ``--repeat`` runs with ``gc.collect()`` between runs
(one run at 10^6 and above unless ``--repeat-large`` says otherwise). Every run's result is checked
(assembled text and arguments equal what the stream encodes; the pipeline reports nothing above
``info``), so a number is never the time of a path that skipped the work. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from bench import bound, encoded, floors, sdks, streams
from bench.sdks import WrongResult, same

PATHS = ("pipeline", "floor", "bound", "sdk")  # "sdk": the family's SDK path (sdks.FOR_FAMILY), if it has one
EXTRA_PATHS = ("pipeline-nogc",)  # on request (--paths): the pipeline with gc.disable() around the call
TARGETS = {  # the project's targets (DESIGN.md / the performance brief); SDK targets in sdks.SDKS
    "pipeline/floor": 1 / 3,
    "flatness": 1.20,
}
DEFAULT_SIZES = (1_000, 10_000, 100_000)
FULL_SIZES = (1_000, 10_000, 100_000, 1_000_000)
WARMUP_EVENTS = 64


def make_stream(provider: str, events: int, seed: int = 0, style: str = "hand") -> streams.Stream:
    """The hand-written stream where there is one and ``style`` asks for it, else the encoder's."""
    if style == "hand" and provider in streams.PROVIDERS:
        return streams.make(provider, events, seed)
    return encoded.make(provider, events, seed)


# -- the paths ------------------------------------------------------------------------------------------


def pipeline(provider: str) -> Callable[[bytes], Any]:
    from harness.pipeline import run_body

    return lambda body: run_body(provider, body)


def pipeline_without_gc(provider: str) -> Callable[[bytes], Any]:
    """The pipeline with the cyclic garbage collector off for the call: what the collector costs it."""
    from harness.pipeline import run_body

    def run(body: bytes) -> Any:
        gc.disable()
        try:
            return run_body(provider, body)
        finally:
            gc.enable()

    return run


def make_path(path: str, stream: streams.Stream) -> Callable[[bytes], Any]:
    if path == "pipeline":
        return pipeline(stream.provider)
    if path == "pipeline-nogc":
        return pipeline_without_gc(stream.provider)
    if path == "floor" and not stream.rules:
        return floors.floor_openai if stream.provider == "openai-responses" else floors.floor_anthropic
    if path == "floor":
        return floors.learned(stream.framing, stream.rules)
    if path == "bound":
        return bound.BOUNDS[stream.provider]
    return sdks.SDKS[path].build(stream)


def sdk_path(provider: str, paths: list[str]) -> str | None:
    """The SDK path to measure for a family: asked for by name, or as ``sdk``."""
    name = sdks.FOR_FAMILY.get(provider)
    return name if name is not None and (name in paths or "sdk" in paths) else None


# -- checking that a path did the work ------------------------------------------------------------------


def check(path: str, result: Any, stream: streams.Stream, allow_missing_schemas: bool = False) -> dict[str, Any]:
    """Raise WrongResult unless ``result`` holds the stream's text and arguments; return notes."""
    if path.startswith("pipeline"):
        return _check_pipeline(result, stream, allow_missing_schemas)
    if path in ("floor", "bound") and not stream.rules:
        text_key, call_key = ("msg_bench0001", "fc_bench0001") if stream.provider == "openai-responses" else (0, 1)
        same(f"{path} text", result.get(text_key), stream.text)
        same(f"{path} arguments", result.get(call_key, ""), stream.arguments)
        return {}
    if path == "floor":
        if not encoded.reads_back(result, stream.text, stream.arguments if stream.argument_deltas else ""):
            raise WrongResult(f"floor: the folded channels differ from what the stream encodes ({sorted(result)})")
        return {}
    return sdks.SDKS[path].check(result, stream)


def _check_pipeline(result: Any, stream: streams.Stream, allow_missing_schemas: bool) -> dict[str, Any]:
    notes: dict[str, Any] = {}
    above_info = [f for f in result.findings if f.severity.value in ("error", "warning")]
    counts = Counter(f"{f.check}:{f.severity.value}" for f in result.findings)
    notes["findings"] = [f"{key} ×{count}" if count > 1 else key for key, count in sorted(counts.items())]
    unvalidated = sorted({f.location.native_type or "?" for f in result.findings if f.check == "SCHEMA-002"})
    if unvalidated and not allow_missing_schemas:
        raise WrongResult(f"no schema for {', '.join(unvalidated[:5])}: the pipeline skipped validation, so its "
                          "numbers would be optimistic (pass --allow-missing-schemas to measure anyway)")
    if above_info:
        raise WrongResult("pipeline findings above info (the numbers would be meaningless): "
                          + "; ".join(f"{f.check} {f.severity.value}: {f.message}" for f in above_info[:10]))
    turn = result.turn
    if turn is None:
        raise WrongResult("pipeline: no turn")
    same("pipeline text", turn.text, stream.text)
    calls = turn.client_calls
    if len(calls) != (1 if stream.arguments else 0):
        raise WrongResult(f"pipeline turn has {len(calls)} client calls")
    if calls and stream.argument_deltas:
        same("pipeline arguments", calls[0].arguments_text or "", stream.arguments)
    elif calls and calls[0].arguments != orjson.loads(stream.arguments):
        raise WrongResult("pipeline arguments differ from the encoded call's")
    notes["status"] = turn.status
    return notes


# -- worker: one (provider, size, path) in its own process ----------------------------------------------


def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _rss_kib() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux >= 4.0: ``echo 5 > /proc/self/clear_refs``), so that
    ``ru_maxrss`` afterwards is the peak of what runs next, not of loading the body."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    provider, path, repeat = spec["provider"], spec["path"], spec["repeat"]
    body = Path(spec["body"]).read_bytes()  # written by the parent: generating here would raise the baseline
    expected = orjson.loads(Path(spec["expected"]).read_bytes())
    expected["rules"] = tuple(expected["rules"])
    stream = streams.Stream(body=body, **expected)
    del expected
    run = make_path(path, stream)
    warm = make_stream(provider, WARMUP_EVENTS, style=spec["style"])
    allow = spec.get("allow_missing_schemas", False)
    check(path, run(warm.body), warm, allow)  # imports, schema compilation, first-use caches
    del warm
    gc.collect()
    current = _rss_kib()
    if current is not None and _reset_peak():
        memory = "ru_maxrss after the first run (peak reset via /proc/self/clear_refs) - VmRSS before it"
        rss_before = current
    else:
        memory = "ru_maxrss delta over the first run (high-water mark not resettable: loading the body may mask it)"
        rss_before = _maxrss_kib()
    times: list[float] = []
    notes: dict[str, Any] = {}
    for attempt in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = run(body)
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        if attempt == 0:
            rss_after = _maxrss_kib()
            notes = check(path, result, stream, allow)
        del result
    return {
        "provider": provider, "events": stream.events, "path": path, "bytes": len(body),
        "times": times, "best": min(times),
        "peak_rss_delta_mib": max(0, rss_after - rss_before) / 1024,
        "rss_before_mib": rss_before / 1024, "memory": memory, "notes": notes,
    }


def _worker_main(spec_file: str) -> int:
    spec = json.loads(Path(spec_file).read_text())
    try:
        result = worker(spec)
    except WrongResult as error:
        result = {"error": str(error), "wrong_result": True}
    except Exception as error:  # report, do not hide: the parent shows it in the table
        result = {"error": f"{type(error).__name__}: {error}"}
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    return 0


# -- parent ---------------------------------------------------------------------------------------------


def run_one(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
        spec_file = handle.name
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.run", "--worker", spec_file],
            capture_output=True, text=True, timeout=timeout, cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    finally:
        os.unlink(spec_file)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": f"worker exit {done.returncode}: {done.stderr.strip()[-800:]}"}
    return json.loads(lines[-1])


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("openai", "anthropic", "google-genai", "botocore", "orjson", "jsonschema-rs", "pydantic",
                    "pydantic-core"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(), "packages": versions}


def ratios(results: list[dict[str, Any]], sizes: list[int],
           providers: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Throughput ratios per (family, size), and flatness per (family, path) from 10^4 to the largest size."""
    best = {(r["provider"], r["size"], r["path"]): r["best"] / r["events"] for r in results if "best" in r}
    rows = []
    for provider in providers:
        sdk = sdks.FOR_FAMILY.get(provider)
        for size in sizes:
            pipe = best.get((provider, size, "pipeline"))
            if pipe is None:
                continue
            floor = best.get((provider, size, "floor"))
            least = best.get((provider, size, "bound"))
            sdk_cost = best.get((provider, size, sdk)) if sdk else None
            rows.append({  # events/s of the pipeline over the other path's (per-event costs, inverted)
                "provider": provider, "events": size, "sdk": sdk,
                "pipeline/floor": floor / pipe if floor else None,
                "pipeline/sdk": sdk_cost / pipe if sdk_cost else None,
                "bound/floor": floor / least if floor and least else None,
                "bound/sdk": sdk_cost / least if sdk_cost and least else None,
            })
    flat = []
    for provider in providers:
        for path in ("pipeline", "pipeline-nogc", "floor", "bound", sdks.FOR_FAMILY.get(provider)):
            measured = sorted(size for (p, size, q) in best if p == provider and q == path and size >= 10_000)
            if 10_000 not in measured or len(measured) < 2:
                continue
            top = measured[-1]
            base = best[(provider, 10_000, path)]
            flat.append({"provider": provider, "path": path, "from": 10_000, "to": top,
                         "us_per_event_from": base * 1e6, "us_per_event_to": best[(provider, top, path)] * 1e6,
                         "ratio": best[(provider, top, path)] / base})
    return rows, flat


def render(results: list[dict[str, Any]], ratio_rows: list[dict[str, Any]], flat: list[dict[str, Any]],
           info: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 160)
    table = Table(title="events per second (best of runs; peak MiB = ru_maxrss of the first run above the RSS before it, "
                        "one subprocess per row)")
    for column, justify in (("provider", "left"), ("N", "right"), ("path", "left"), ("runs", "right"),
                            ("best s", "right"), ("events/s", "right"), ("µs/event", "right"),
                            ("peak MiB", "right"), ("note", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    last = None
    for r in results:
        key = (r["provider"], r["size"])
        if last is not None and key != last:
            table.add_section()
        last = key
        size = f"{r.get('events', r['size']):,}"
        if "best" not in r:
            table.add_row(r["provider"], size, r["path"], "", "", "", "", "",
                          f"[red]{r.get('error', r.get('skipped', ''))}[/red]" if "error" in r
                          else f"[dim]{r.get('skipped', '')}[/dim]")
            continue
        note = ", ".join(r.get("notes", {}).get("findings", [])) or ""
        table.add_row(r["provider"], size, r["path"], str(len(r["times"])), f"{r['best']:.4f}",
                      f"{r['events'] / r['best']:,.0f}", f"{r['best'] / r['events'] * 1e6:.2f}",
                      f"{r['peak_rss_delta_mib']:.1f}", f"findings: {note}" if note else "")
    console.print(table)

    def verdict(value: float | None, target: float | None) -> str:
        if value is None:
            return "[dim]n/a[/dim]"
        if target is None:
            return f"{value:.2f}"
        colour = "green" if value >= target else "red"
        return f"[{colour}]{value:.2f}[/{colour}]"

    ratio_table = Table(title="throughput ratios (pipeline events/s ÷ other path's events/s)")
    for column in ("provider", "N", "pipeline/floor (target ≥ 0.33)", "SDK path",
                   "pipeline/SDK (target @10^4: 20 OpenAI, 5 Anthropic accumulators)",
                   "bound/floor", "bound/SDK (the most reachable)"):
        ratio_table.add_column(column, justify="left" if column in ("provider", "SDK path") else "right")
    for row in ratio_rows:
        sdk = row["sdk"]
        target = sdks.SDKS[sdk].target if sdk and row["events"] == 10_000 else None
        ratio_table.add_row(row["provider"], f"{row['events']:,}", verdict(row["pipeline/floor"], TARGETS["pipeline/floor"]),
                            sdk or "[dim]none installed[/dim]", verdict(row["pipeline/sdk"], target),
                            verdict(row["bound/floor"], TARGETS["pipeline/floor"]), verdict(row["bound/sdk"], target))
    console.print(ratio_table)

    if flat:
        flat_table = Table(title="flatness: µs/event at the largest size ÷ µs/event at 10^4 (target ≤ 1.20)")
        for column in ("provider", "path", "sizes", "µs/event @10^4", "µs/event @max", "ratio"):
            flat_table.add_column(column, justify="left" if column in ("provider", "path", "sizes") else "right")
        for row in flat:
            colour = "green" if row["ratio"] <= TARGETS["flatness"] else "red"
            flat_table.add_row(row["provider"], row["path"], f"{row['from']:,} → {row['to']:,}",
                               f"{row['us_per_event_from']:.2f}", f"{row['us_per_event_to']:.2f}",
                               f"[{colour}]{row['ratio']:.2f}[/{colour}]" if row["path"] == "pipeline"
                               else f"{row['ratio']:.2f}")
        console.print(flat_table)
    packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    console.print(f"[dim]{info['implementation']} {info['python']} on {info['cpu']} ({info['cpus']} cpus); {packages}[/dim]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated event counts (default 1000,10000,100000)")
    parser.add_argument("--full", action="store_true", help="also 10^6 (sizes 1000,10000,100000,1000000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, best kept (default 3)")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs at 10^6 events and above (default 1)")
    parser.add_argument("--providers", help="comma-separated families (default: every registered family)")
    parser.add_argument("--streams", choices=("hand", "encoded"), default="hand",
                        help="hand: the hand-written OpenAI Responses and Anthropic streams (default); encoded: "
                             "every family's stream written by its encoder")
    parser.add_argument("--paths", default=",".join(PATHS),
                        help="any of " + ",".join(PATHS + EXTRA_PATHS) + " or an SDK path by name: "
                             + ",".join(sdks.SDKS))
    parser.add_argument("--sdk-max", type=int, default=100_000,
                        help="largest size the accumulating SDK paths run at: they re-concatenate (and the "
                             "Anthropic one re-parses the whole tool input per delta), quadratic (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--allow-missing-schemas", action="store_true",
                        help="measure the pipeline even where a native event type has no schema (SCHEMA-002)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per subprocess")
    parser.add_argument("--json", dest="json_out", help="also write the results as JSON to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker_main(args.worker)

    if args.sizes:
        sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    else:
        sizes = list(FULL_SIZES if args.full else DEFAULT_SIZES)
    providers = [p for p in args.providers.split(",") if p] if args.providers else encoded.providers()
    paths = [p for p in args.paths.split(",") if p]
    unknown = set(paths) - set(PATHS) - set(EXTRA_PATHS) - set(sdks.SDKS)
    if unknown:
        parser.error(f"unknown path(s): {', '.join(sorted(unknown))}")
    info = machine()
    info["command"] = "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv)
    info["streams"] = args.streams
    results: list[dict[str, Any]] = []
    failed = False
    broken: dict[str, str] = {}  # families left out after a failure that makes their numbers meaningless
    from rich.console import Console

    console = Console(stderr=True)
    scratch = tempfile.TemporaryDirectory(prefix="bench-")
    for size in sizes:
        repeat = args.repeat_large if size >= 1_000_000 else args.repeat
        for provider in providers:
            if provider in broken:
                results.append({"provider": provider, "size": size, "path": "*", "skipped": broken[provider]})
                continue
            try:
                stream = make_stream(provider, size, args.seed, args.streams)
            except (encoded.Unbenchmarkable, KeyError, ValueError) as error:
                broken[provider] = f"no stream: {error}"
                results.append({"provider": provider, "size": size, "path": "*", "error": broken[provider]})
                failed = True
                continue
            body_file = Path(scratch.name, f"{provider}-{size}.body")
            expected_file = Path(scratch.name, f"{provider}-{size}.json")
            body_file.write_bytes(stream.body)
            expected_file.write_bytes(orjson.dumps(stream.expected()))
            size_bytes, events = len(stream.body), stream.events
            del stream
            sdk = sdk_path(provider, paths)
            for path in [p for p in paths if p in ("pipeline", "floor", "bound", "pipeline-nogc")] + ([sdk] if sdk else []):
                row: dict[str, Any] = {"provider": provider, "size": size, "events": events, "path": path,
                                       "bytes": size_bytes}
                if path == "bound" and (args.streams != "hand" or provider not in bound.BOUNDS):
                    continue  # written for the hand-written streams the targets are stated on
                if path in sdks.QUADRATIC and size > args.sdk_max:
                    row["skipped"] = f"skipped above --sdk-max {args.sdk_max:,} (quadratic accumulation)"
                    results.append(row)
                    continue
                spec = {"provider": provider, "events": size, "path": path, "repeat": repeat, "style": args.streams,
                        "body": str(body_file), "expected": str(expected_file),
                        "allow_missing_schemas": args.allow_missing_schemas}
                started = time.perf_counter()
                with console.status(f"{provider} N={size:,} {path} ×{repeat}"):
                    outcome = run_one(spec, args.timeout)
                row.update(outcome)
                results.append(row)
                if "best" in outcome:
                    console.print(f"[dim]{provider:>22} N={events:>9,} {path:<21} best {outcome['best']:.4f} s "
                                  f"({events / outcome['best']:,.0f} ev/s, peak +{outcome['peak_rss_delta_mib']:.1f} MiB) "
                                  f"[{time.perf_counter() - started:.1f} s wall][/dim]")
                    continue
                failed = True
                console.print(f"[red]{provider} N={size:,} {path}: {outcome.get('error')}[/red]")
                if path == "pipeline" and outcome.get("wrong_result"):
                    broken[provider] = "left out: the pipeline's result was wrong at a smaller size"
                    console.print(f"[red]{provider}: the pipeline's result is wrong, its numbers would be "
                                  "meaningless; left out from here on.[/red]")
                    break
            body_file.unlink()
            expected_file.unlink()
    scratch.cleanup()
    ratio_rows, flat = ratios(results, sizes, providers)
    render(results, ratio_rows, flat, info)
    if args.json_out:
        Path(args.json_out).write_bytes(orjson.dumps(
            {"machine": info, "targets": {**TARGETS, **{f"pipeline/{name}@10^4": sdk.target
                                                       for name, sdk in sdks.SDKS.items() if sdk.target}},
             "memory": "per result: see its `memory` field", "results": results, "ratios": ratio_rows,
             "flatness": flat},
            option=orjson.OPT_INDENT_2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
