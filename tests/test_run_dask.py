"""``harness check --dask ADDRESS`` on a real two-worker cluster on 127.0.0.1, started and stopped here:
the serial run's output, a worker killed mid-run costs nothing, a file that kills two workers is
reported as crashed (and no other file with it), and fsspec URLs are read by the workers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed "
                                                        "(pip install -e '.[dask]' brings distributed and fsspec)")
pytest.importorskip("fsspec", reason="the dask extra is not installed (pip install -e '.[dask]')")

from click.testing import CliRunner

from harness import run
from harness.cli import main
from harness.report.data import cassette_data
from harness.run import cassette_files, check_files
from harness.run.cluster import check_on_cluster

pytestmark = pytest.mark.xdist_group("dask")  # one cluster for the module, on one xdist worker

ROOT = Path(__file__).resolve().parents[1]
MARKED = "kills-its-worker.yaml"
# Loaded by each Dask worker (--preload): the worker process ends at once on the marked file, as a
# segfault would end it. The nanny starts a new worker; the scheduler runs the task elsewhere.
HOOK = f"""
import os
from pathlib import Path

import harness.run as run

_real = getattr(run.check_path, "real", run.check_path)  # a preload may run twice in one process


def _dying(path, *args, **kwargs):
    if Path(path).name == {MARKED!r}:
        os._exit(70)
    return _real(path, *args, **kwargs)


_dying.real = _real
run.check_path = _dying
"""


def _start(command: list[str], folder: Path, log: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with (folder / log).open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=folder,
                                start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
            process.wait(timeout=10)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two workers (each with its nanny) on 127.0.0.1; the scheduler lets a task kill
    one worker and fails it with the second (allowed-failures 1)."""
    folder = tmp_path_factory.mktemp("dask")
    (folder / "hook.py").write_text(HOOK)
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
    scheduler = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                 "--no-dashboard", "--scheduler-file", str(folder / "scheduler.json")]
    processes = [_start(scheduler, folder, "scheduler.log", env)]
    try:
        deadline = time.monotonic() + 30
        while not (folder / "scheduler.json").exists():
            assert time.monotonic() < deadline and processes[0].poll() is None, (folder / "scheduler.log").read_text()
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written whole before the scheduler listens; let it finish
        address = json.loads((folder / "scheduler.json").read_text())["address"]
        worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                  "--nworkers", "1", "--no-dashboard", "--death-timeout", "30", "--preload", str(folder / "hook.py"),
                  "--local-directory", str(folder)]
        for index in range(2):
            processes.append(_start(worker, folder, f"worker-{index}.log", env))
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few hundred cassettes: the shipped ones, twice."""
    folder = tmp_path_factory.mktemp("corpus")
    for copy in range(2):
        shutil.copytree(ROOT / "cassettes", folder / f"copy-{copy}")
    return folder


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_a_cluster_run_writes_the_serial_run(cluster: str, corpus: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus.parent)  # relative paths: the workers read them absolute, the reports keep them
    runs = {}
    for name, options in (("serial", ["--workers", "1"]), ("dask", ["--dask", cluster])):
        code, text = _check(corpus.name, *options, "--json", str(tmp_path / f"{name}.json"),
                            "--jsonl", str(tmp_path / f"{name}.jsonl"))
        runs[name] = (code, text, (tmp_path / f"{name}.json").read_bytes(), (tmp_path / f"{name}.jsonl").read_bytes())
    assert runs["dask"] == runs["serial"]
    assert runs["dask"][0] == 0 and runs["dask"][3].count(b"\n") == 2 * len(cassette_files([ROOT / "cassettes"]))


def test_a_worker_killed_mid_run_costs_nothing(cluster: str, corpus: Path) -> None:
    files = cassette_files([corpus / "copy-0"])
    serial = [cassette_data(report) for report in check_files(files)]
    reports = check_on_cluster(files, cluster)
    got = [cassette_data(next(reports)) for _ in range(40)]
    with distributed.Client(cluster, timeout=30) as client:
        victim = next(iter(client.run(os.getpid).values()))
    os.kill(victim, signal.SIGKILL)
    got += [cassette_data(report) for report in reports]
    assert got == serial  # every file, once, in order, as one process checks it


def test_a_file_that_kills_two_workers_is_reported_as_crashed_and_the_run_completes(
        cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The file kills here too (the check that confirms it runs in a process forked from this one);
    # the files that only shared a dying worker with it are confirmed clean and keep their reports.
    real = run.check_path

    def dying(path: Path, *args: object, **kwargs: object) -> object:
        if path.name == MARKED:
            os._exit(70)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(run, "check_path", dying)
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "cassettes" / "anthropic-messages", folder)
    shutil.copy(folder / "text-with-pings.yaml", folder / MARKED)
    code, text = _check(f"file://{folder}", "--dask", cluster, "--jsonl", str(tmp_path / "r.jsonl"))
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_bytes().splitlines()]
    assert [line["path"] for line in lines] == [f"file://{path}" for path in cassette_files([folder])]
    crashed = [line for line in lines if line["verdict"] == "crash"]
    assert [line["path"] for line in crashed] == [f"file://{folder / MARKED}"]
    assert "Dask workers died running it, and so did a local worker process: it exited with status 70" \
        in crashed[0]["crash"]
    assert code == 3 and f"{len(lines)} cassettes checked: {len(lines) - 1} passed, 0 failed, 1 crashed" in text
