"""Files per second of ``harness check`` over a corpus, one process against many, and its cold start.

    python -m bench.scale [--counts 1000,10000] [--ways serial,workers,dask] [--cold 20] [--out DIR]

For every corpus (``bench/corpus.py``; written first if missing) each way runs the real command,
``harness check CORPUS --jsonl FILE`` (JSON Lines alone: the streaming run that keeps no report):

``serial``   ``--workers 1``: in one process.
``workers``  ``--workers 2``: a pool of two worker processes (this machine's cores).
``dask``     ``--dask ADDRESS``: a local cluster of a scheduler and two one-thread workers started
             here (``dask scheduler``, ``dask worker``), warmed by one run over the shipped cassettes
             first, as a running cluster would be.

Each command runs under a small wrapper process, so its CPU time and peak memory are those of the
command and its workers alone (``resource.getrusage(RUSAGE_CHILDREN)``: ``ru_maxrss`` is the largest
single process, not a sum); the Dask workers report their own peak. Wall time includes the
command's start-up, as a user sees it. Every run must exit 0 with one line per cassette, so a number
is never the time of a run that skipped files. The cold start is the wall and CPU time of
``harness check`` on one small cassette, ``--cold`` times; the load average is printed with every
table, because on a shared machine it moves every figure. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import corpus

ROOT = Path(__file__).resolve().parents[1]
_SCRIPT = Path(sys.executable).with_name("harness")  # the command a user runs, beside this interpreter
HARNESS = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "harness.cli"]
SMALL = ROOT / "cassettes" / "anthropic-messages" / "text-with-pings.yaml"
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": used.ru_utime + used.ru_stime, "peak_kib": used.ru_maxrss}))
"""


def measured(command: list[str]) -> dict[str, Any]:
    """Wall time, CPU time and peak RSS of one command and everything it waited for."""
    run = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def check_run(folder: Path, options: list[str], lines: Path) -> dict[str, Any]:
    result = measured([*HARNESS, "check", str(folder), "--jsonl", str(lines), *options])
    count = sum(1 for _ in folder.rglob("*.yaml"))
    written = lines.read_bytes().count(b"\n")
    if result["code"] != 0 or written != count:
        raise RuntimeError(f"harness check {folder} {options} exited {result['code']} with {written} of {count} lines")
    return {**result, "files": count}


@contextmanager
def local_cluster(workers: int = 2) -> Iterator[tuple[str, Any, int]]:
    """A scheduler and ``workers`` one-thread workers on 127.0.0.1, stopped on the way out: the
    address, a client, and the scheduler's process id."""
    import distributed

    folder = Path(tempfile.mkdtemp(prefix="harness-dask-"))
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> None:
        started.append(subprocess.Popen([sys.executable, "-m", *args], cwd=folder, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True))

    try:
        start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(folder / "scheduler.json"))
        deadline = time.monotonic() + 60
        while not (folder / "scheduler.json").exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the Dask scheduler did not start")
            time.sleep(0.1)
        time.sleep(0.2)
        address = json.loads((folder / "scheduler.json").read_text())["address"]
        for _ in range(workers):
            start("distributed.cli.dask_worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                  "--nworkers", "1", "--no-dashboard", "--death-timeout", "60", "--local-directory", str(folder))
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
            yield address, client, started[0].pid
    finally:
        for process in reversed(started):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


def _worker_peak_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def scale(folders: list[Path], ways: list[str], scratch: Path) -> list[dict[str, Any]]:
    rows = []
    for folder in folders:
        for way, options in (("serial", ["--workers", "1"]), ("workers", ["--workers", "2"])):
            if way in ways:
                rows.append({"corpus": folder.name, "way": way, "load": os.getloadavg()[0],
                             **check_run(folder, options, scratch / f"{way}.jsonl")})
    if "dask" in ways:
        with local_cluster() as (address, client, _):
            check_run(ROOT / "cassettes", ["--dask", address], scratch / "warm.jsonl")
            for folder in folders:
                row = check_run(folder, ["--dask", address], scratch / "dask.jsonl")
                workers = max(client.run(_worker_peak_kib).values())
                rows.append({"corpus": folder.name, "way": "dask", "load": os.getloadavg()[0], **row,
                             "peak_kib": max(row["peak_kib"], workers)})
    return rows


def _cpu(pid: int | None = None) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system + (times.children_user + times.children_system if pid is None else 0)


def overheads(folder: Path, files: int = 300, tasks: int = 2000) -> dict[str, float]:
    """CPU milliseconds per file or task of each serial part: a check in one process, what the pool
    adds per file (parent, workers), and what Dask spends per task (client, scheduler)."""
    import operator

    from harness.run import cassette_files, check_files
    from harness.run.pool import imap

    paths = cassette_files([folder])[:files]
    start = _cpu()
    reports = list(check_files(paths))
    check = _cpu() - start
    start, children = _cpu(), _children()
    list(imap(reports.__getitem__, range(len(reports)), 2, failed=lambda item, why: None))
    parent, workers = _cpu() - start, _children() - children
    with local_cluster() as (_, client, scheduler):
        client.submit(operator.neg, 0).result()
        start, scheduled, began = _cpu(), _cpu(scheduler), time.perf_counter()
        window: list[Any] = []
        for value in range(tasks):
            window.append(client.submit(operator.neg, value, pure=False))
            if len(window) == 16:
                client.gather(window)
                window = []
        client.gather(window)
        wall = time.perf_counter() - began
        dask_client, dask_scheduler = _cpu() - start, _cpu(scheduler) - scheduled
    per_file, per_task = 1000 / len(paths), 1000 / tasks
    return {"check_ms": check * per_file, "pool_parent_ms": parent * per_file, "pool_workers_ms": workers * per_file,
            "dask_client_ms": dask_client * per_task, "dask_scheduler_ms": dask_scheduler * per_task,
            "dask_tasks_per_s": tasks / wall, "load": os.getloadavg()[0]}


def _children() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cold(runs: int) -> dict[str, Any]:
    """``harness check`` on one small cassette, ``runs`` times after one to warm the file cache."""
    results = [measured([*HARNESS, "check", str(SMALL)]) for _ in range(runs + 1)][1:]
    walls = sorted(result["wall"] for result in results)
    cpus = sorted(result["cpu"] for result in results)
    return {"runs": runs, "wall_min": walls[0], "wall_median": walls[runs // 2], "cpu_median": cpus[runs // 2],
            "load": os.getloadavg()[0]}


def render(rows: list[dict[str, Any]], start: dict[str, Any] | None, costs: dict[str, float] | None) -> str:
    lines = ["| corpus | way | files | wall s | files/s | CPU s | peak MiB (largest process) | load |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['corpus']} | {row['way']} | {row['files']:,} | {row['wall']:.1f} | "
                     f"{row['files'] / row['wall']:.0f} | {row['cpu']:.1f} | {row['peak_kib'] / 1024:.0f} | "
                     f"{row['load']:.1f} |")
    if start is not None:
        lines += ["", (f"cold start, `harness check {SMALL.relative_to(ROOT)}`, {start['runs']} runs: wall min "
                       f"{start['wall_min']:.3f} s, median {start['wall_median']:.3f} s; CPU median "
                       f"{start['cpu_median']:.3f} s (load {start['load']:.1f})")]
    if costs is not None:
        lines += ["", ("| CPU ms per file or task | check (one process) | pool: parent | pool: workers | "
                       "Dask: client | Dask: scheduler | Dask tasks/s (no-op) | load |"),
                  "|---|---:|---:|---:|---:|---:|---:|---:|",
                  (f"| | {costs['check_ms']:.2f} | {costs['pool_parent_ms']:.2f} | {costs['pool_workers_ms']:.2f} | "
                   f"{costs['dask_client_ms']:.2f} | {costs['dask_scheduler_ms']:.2f} | "
                   f"{costs['dask_tasks_per_s']:.0f} | {costs['load']:.1f} |")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--ways", default="serial,workers,dask", help="serial, workers, dask, comma-separated")
    parser.add_argument("--cold", type=int, default=20, help="cold-start runs (0: none)")
    parser.add_argument("--overheads", action="store_true",
                        help="also the CPU cost per file of each serial part (check, pool, Dask client and scheduler)")
    parser.add_argument("--out", type=Path, default=corpus.DEFAULT_OUT, help="parent folder of the corpora")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    folders = [corpus.write(int(count), args.out / count) for count in args.counts.split(",") if count]
    with tempfile.TemporaryDirectory(prefix="harness-scale-") as scratch:
        rows = scale(folders, args.ways.split(","), Path(scratch))
    start = cold(args.cold) if args.cold else None
    costs = overheads(folders[0]) if args.overheads else None
    print(render(rows, start, costs))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "cold": start, "overheads": costs}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
