"""Events per second of the harness pipeline, a bare floor and the official SDK accumulators.

    python -m bench.run [--sizes 1000,10000,100000] [--full] [--repeat 3] [--json out.json]

For every size and provider the same deterministic SSE body (bench/streams.py) goes through:

``pipeline``       ``harness.pipeline.run_body(provider, body)``: SSE decode, schema validation,
                   sequencing, translation, fold, checks; the whole harness.
``floor``          the least any consumer must do: split the body on ``\\n\\n``, take the ``data:``
                   line, ``orjson.loads`` it, append each delta to a list per item, join at the end.
``openai-sdk``     (OpenAI streams) the floor's split + ``orjson.loads``, then what ``client.responses
                   .stream()`` does per event: ``construct_type(ResponseStreamEvent, payload)`` and
                   ``ResponseStreamState.handle_event``.
``anthropic-sdk``  (Anthropic streams) the floor's split + ``orjson.loads``, then what ``client.messages
                   .stream()`` does per event: ``construct_type(RawMessageStreamEvent, payload)`` and
                   ``accumulate_event``; pings are skipped as the SDK skips them.

Each (provider, size, path) runs in its own subprocess. Peak memory is that process's ``ru_maxrss``
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
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from bench import streams

PATHS = ("pipeline", "floor", "openai-sdk", "anthropic-sdk")
EXTRA_PATHS = ("pipeline-nogc",)  # on request (--paths): the pipeline with gc.disable() around the call
SDK_PATH = {"openai-responses": "openai-sdk", "anthropic-messages": "anthropic-sdk"}
TARGETS = {  # the project's targets (DESIGN.md / the performance brief)
    "pipeline/floor": 1 / 3,
    "pipeline/openai-sdk@10^4": 20.0,
    "pipeline/anthropic-sdk@10^4": 5.0,
    "flatness": 1.20,
}
DEFAULT_SIZES = (1_000, 10_000, 100_000)
FULL_SIZES = (1_000, 10_000, 100_000, 1_000_000)
WARMUP_EVENTS = 64


# -- the paths ------------------------------------------------------------------------------------------


def sse_data(chunks: list[bytes]) -> Iterator[bytes]:
    """Incremental bare SSE split: frames end at a blank line; yield each frame's ``data:`` line."""
    rest = b""
    for chunk in chunks:
        buffer = rest + chunk if rest else chunk
        find = buffer.find
        position = 0
        while True:
            end = find(b"\n\n", position)
            if end < 0:
                break
            start = find(b"data: ", position, end)
            if start >= 0:
                stop = find(b"\n", start, end)
                yield buffer[start + 6 : end if stop < 0 else stop]
            position = end + 2
        rest = buffer[position:]


def floor_openai(body: bytes) -> dict[Any, str]:
    loads = orjson.loads
    buffers: dict[Any, list[str]] = {}
    for data in sse_data([body]):
        payload = loads(data)
        kind = payload["type"]
        if kind == "response.output_text.delta" or kind == "response.function_call_arguments.delta":
            key = payload["item_id"]
            buffer = buffers.get(key)
            if buffer is None:
                buffer = buffers[key] = []
            buffer.append(payload["delta"])
    return {key: "".join(parts) for key, parts in buffers.items()}


def floor_anthropic(body: bytes) -> dict[Any, str]:
    loads = orjson.loads
    buffers: dict[Any, list[str]] = {}
    for data in sse_data([body]):
        payload = loads(data)
        if payload["type"] == "content_block_delta":
            key = payload["index"]
            buffer = buffers.get(key)
            if buffer is None:
                buffer = buffers[key] = []
            delta = payload["delta"]
            buffer.append(delta["text"] if delta["type"] == "text_delta" else delta["partial_json"])
    return {key: "".join(parts) for key, parts in buffers.items()}


def openai_sdk() -> Callable[[bytes], Any]:
    from openai._models import construct_type
    from openai._types import omit
    from openai.lib.streaming.responses._responses import ResponseStreamState
    from openai.types.responses import ResponseStreamEvent

    def run(body: bytes) -> Any:
        loads = orjson.loads
        state: ResponseStreamState[Any] = ResponseStreamState(input_tools=omit, text_format=omit)
        handle = state.handle_event
        for data in sse_data([body]):
            handle(construct_type(type_=ResponseStreamEvent, value=loads(data)))
        return state

    return run


def anthropic_sdk() -> Callable[[bytes], Any]:
    from anthropic._models import construct_type
    from anthropic.lib.streaming._messages import accumulate_event
    from anthropic.types import RawMessageStreamEvent

    def run(body: bytes) -> Any:
        loads = orjson.loads
        snapshot = None
        json_bufs: dict[int, bytes] = {}
        for data in sse_data([body]):
            payload = loads(data)
            if payload["type"] == "ping":
                continue  # the SDK's Stream drops `event: ping` before decoding it
            event = construct_type(type_=RawMessageStreamEvent, value=payload)
            snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs=json_bufs)
        return snapshot

    return run


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


def make_path(path: str, provider: str) -> Callable[[bytes], Any]:
    if path == "pipeline":
        return pipeline(provider)
    if path == "pipeline-nogc":
        return pipeline_without_gc(provider)
    if path == "floor":
        return floor_openai if provider == "openai-responses" else floor_anthropic
    if path == "openai-sdk":
        return openai_sdk()
    if path == "anthropic-sdk":
        return anthropic_sdk()
    raise KeyError(path)


# -- checking that a path did the work ------------------------------------------------------------------


class WrongResult(Exception):
    pass


def _same(what: str, got: Any, want: str) -> None:
    if got != want:
        shown = got if not isinstance(got, str) else f"{len(got)} chars, starts {got[:60]!r}"
        raise WrongResult(f"{what}: got {shown}, want {len(want)} chars, starts {want[:60]!r}")


def check(path: str, provider: str, result: Any, stream: streams.Stream,
          allow_missing_schemas: bool = False) -> dict[str, Any]:
    """Raise WrongResult unless ``result`` holds the stream's text and arguments; return notes."""
    notes: dict[str, Any] = {}
    if path.startswith("pipeline"):
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
        if turn is None or len(turn.items) != 2:
            raise WrongResult(f"pipeline turn has {None if turn is None else len(turn.items)} items, want 2")
        message, call = turn.items
        _same("pipeline text", "".join(message.text[part] for part in sorted(message.text)), stream.text)
        _same("pipeline arguments", call.arguments_text or "", stream.arguments)
        notes["status"] = turn.status
    elif path == "floor":
        text_key, call_key = ("msg_bench0001", "fc_bench0001") if provider == "openai-responses" else (0, 1)
        _same("floor text", result.get(text_key), stream.text)
        _same("floor arguments", result.get(call_key, ""), stream.arguments)
    elif path == "openai-sdk":
        final = result._completed_response
        if final is None:
            raise WrongResult("openai-sdk: no completed response")
        snapshot = result._ResponseStreamState__current_snapshot
        _same("openai-sdk accumulated text", snapshot.output[0].content[0].text, stream.text)
        _same("openai-sdk accumulated arguments", snapshot.output[1].arguments, stream.arguments)
        _same("openai-sdk final text", final.output[0].content[0].text, stream.text)
    elif path == "anthropic-sdk":
        _same("anthropic-sdk text", result.content[0].text, stream.text)
        expected_input = orjson.loads(stream.arguments) if stream.arguments else {}
        if result.content[1].input != expected_input:
            raise WrongResult("anthropic-sdk: tool input differs from the streamed arguments")
        notes["stop_reason"] = result.stop_reason
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
    stream = streams.Stream(provider, expected["events"], body, expected["text"], expected["arguments"],
                            expected["text_deltas"], expected["argument_deltas"])
    del expected
    run = make_path(path, provider)
    warm = streams.make(provider, WARMUP_EVENTS)
    allow = spec.get("allow_missing_schemas", False)
    check(path, provider, run(warm.body), warm, allow)  # imports, schema compilation, first-use caches
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
            notes = check(path, provider, result, stream, allow)
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
    for package in ("openai", "anthropic", "orjson", "jsonschema-rs", "pydantic", "pydantic-core"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(), "packages": versions}


def ratios(results: list[dict[str, Any]], sizes: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    best = {(r["provider"], r["events"], r["path"]): r["best"] for r in results if "best" in r}
    rows = []
    for provider in streams.PROVIDERS:
        sdk = SDK_PATH[provider]
        for size in sizes:
            pipe = best.get((provider, size, "pipeline"))
            if pipe is None:
                continue
            floor = best.get((provider, size, "floor"))
            sdk_time = best.get((provider, size, sdk))
            rows.append({
                "provider": provider, "events": size,
                # throughput ratios: pipeline events/s over the other path's events/s
                "pipeline/floor": floor / pipe if floor else None,
                f"pipeline/{sdk}": sdk_time / pipe if sdk_time else None,
            })
    flat = []
    for provider in streams.PROVIDERS:
        for path in ("pipeline", "pipeline-nogc", "floor", SDK_PATH[provider]):
            measured = sorted(size for (p, size, q) in best if p == provider and q == path and size >= 10_000)
            if 10_000 not in measured or len(measured) < 2:
                continue
            top = measured[-1]
            base = best[(provider, 10_000, path)] / 10_000
            flat.append({"provider": provider, "path": path, "from": 10_000, "to": top,
                         "us_per_event_from": base * 1e6,
                         "us_per_event_to": best[(provider, top, path)] / top * 1e6,
                         "ratio": best[(provider, top, path)] / top / base})
    return rows, flat


def render(results: list[dict[str, Any]], ratio_rows: list[dict[str, Any]], flat: list[dict[str, Any]],
           info: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 150)
    table = Table(title="events per second (best of runs; peak MiB = ru_maxrss of the first run above the RSS before it, "
                        "one subprocess per row)")
    for column, justify in (("provider", "left"), ("N", "right"), ("path", "left"), ("runs", "right"),
                            ("best s", "right"), ("events/s", "right"), ("µs/event", "right"),
                            ("peak MiB", "right"), ("note", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    last = None
    for r in results:
        key = (r["provider"], r["events"])
        if last is not None and key != last:
            table.add_section()
        last = key
        if "best" not in r:
            table.add_row(r["provider"], f"{r['events']:,}", r["path"], "", "", "", "", "",
                          f"[red]{r.get('error', r.get('skipped', ''))}[/red]" if "error" in r
                          else f"[dim]{r.get('skipped', '')}[/dim]")
            continue
        notes = r.get("notes", {})
        note = ", ".join(notes.get("findings", [])) or ""
        if note:
            note = f"findings: {note}"
        table.add_row(r["provider"], f"{r['events']:,}", r["path"], str(len(r["times"])), f"{r['best']:.4f}",
                      f"{r['events'] / r['best']:,.0f}", f"{r['best'] / r['events'] * 1e6:.2f}",
                      f"{r['peak_rss_delta_mib']:.1f}", note)
    console.print(table)

    def verdict(value: float | None, target: float) -> str:
        if value is None:
            return "[dim]n/a[/dim]"
        colour = "green" if value >= target else "red"
        return f"[{colour}]{value:.2f}[/{colour}]"

    ratio_table = Table(title="throughput ratios (pipeline events/s ÷ other path's events/s)")
    for column in ("provider", "N", "pipeline/floor (target ≥ 0.33)", "pipeline/SDK (target ≥ 20 openai, ≥ 5 anthropic @10^4)"):
        ratio_table.add_column(column, justify="right" if column != "provider" else "left")
    for row in ratio_rows:
        sdk = SDK_PATH[row["provider"]]
        target = TARGETS[f"pipeline/{sdk}@10^4"]
        sdk_value = row[f"pipeline/{sdk}"]
        sdk_cell = verdict(sdk_value, target) if row["events"] == 10_000 else (
            "[dim]n/a[/dim]" if sdk_value is None else f"{sdk_value:.2f}")
        ratio_table.add_row(row["provider"], f"{row['events']:,}", verdict(row["pipeline/floor"], TARGETS["pipeline/floor"]),
                            sdk_cell)
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
    parser.add_argument("--providers", default=",".join(streams.PROVIDERS))
    parser.add_argument("--paths", default=",".join(PATHS), help="any of " + ",".join(PATHS + EXTRA_PATHS))
    parser.add_argument("--sdk-max", type=int, default=100_000,
                        help="largest size the SDK paths run at: both accumulate by re-concatenating (and the "
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
    providers = [p for p in args.providers.split(",") if p]
    paths = [p for p in args.paths.split(",") if p]
    info = machine()
    info["command"] = "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv)
    results: list[dict[str, Any]] = []
    failed = False
    from rich.console import Console

    console = Console(stderr=True)
    scratch = tempfile.TemporaryDirectory(prefix="bench-")
    for index, size in enumerate(sizes):
        repeat = args.repeat_large if size >= 1_000_000 else args.repeat
        for provider in providers:
            stream = streams.make(provider, size, args.seed)
            body_file = Path(scratch.name, f"{provider}-{size}.sse")
            expected_file = Path(scratch.name, f"{provider}-{size}.json")
            body_file.write_bytes(stream.body)
            expected_file.write_bytes(orjson.dumps(
                {"events": stream.events, "text": stream.text, "arguments": stream.arguments,
                 "text_deltas": stream.text_deltas, "argument_deltas": stream.argument_deltas}))
            size_bytes = len(stream.body)
            del stream
            for path in paths:
                if path.endswith("-sdk") and path != SDK_PATH[provider]:
                    continue
                row: dict[str, Any] = {"provider": provider, "events": size, "path": path, "bytes": size_bytes}
                if path.endswith("-sdk") and size > args.sdk_max:
                    row["skipped"] = f"skipped above --sdk-max {args.sdk_max:,} (quadratic accumulation)"
                    results.append(row)
                    continue
                spec = {"provider": provider, "events": size, "path": path, "repeat": repeat,
                        "body": str(body_file), "expected": str(expected_file),
                        "allow_missing_schemas": args.allow_missing_schemas}
                started = time.perf_counter()
                with console.status(f"{provider} N={size:,} {path} ×{repeat}"):
                    outcome = run_one(spec, args.timeout)
                row.update(outcome)
                results.append(row)
                if "best" in outcome:
                    console.print(f"[dim]{provider:>18} N={size:>9,} {path:<13} best {outcome['best']:.4f} s "
                                  f"({size / outcome['best']:,.0f} ev/s, peak +{outcome['peak_rss_delta_mib']:.1f} MiB) "
                                  f"[{time.perf_counter() - started:.1f} s wall][/dim]")
                else:
                    failed = True
                    console.print(f"[red]{provider} N={size:,} {path}: {outcome.get('error')}[/red]")
                    if index == 0 and path == "pipeline" and outcome.get("wrong_result"):
                        console.print("[red]the pipeline reports findings above info on the smallest stream: "
                                      "the numbers would be meaningless; stopping.[/red]")
                        return 2
            body_file.unlink()
            expected_file.unlink()
    scratch.cleanup()
    ratio_rows, flat = ratios(results, sizes)
    render(results, ratio_rows, flat, info)
    if args.json_out:
        Path(args.json_out).write_bytes(orjson.dumps(
            {"machine": info, "targets": TARGETS, "memory": "per result: see its `memory` field",
             "results": results, "ratios": ratio_rows, "flatness": flat},
            option=orjson.OPT_INDENT_2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
