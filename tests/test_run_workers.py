"""``harness check --workers N`` and ``--jsonl``: a process pool gives the serial run's output, byte for
byte; a worker that dies costs its file (reported as crashed), never the run; JSON Lines stream."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harness import run
from harness.cli import main
from harness.report.data import cassette_data
from harness.report.jsonl import written
from harness.run import cassette_files, check_files
from harness.run.pool import WINDOW_PER_WORKER, imap

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = ROOT / "cassettes"
FAMILY = CASSETTES / "anthropic-messages"
DIE_ON = "HARNESS_TEST_DIE_ON"  # read only by the test initializer below, in the workers


def _die_on_marked() -> None:
    """Test-only worker initializer: the worker ends abruptly on the files named in $HARNESS_TEST_DIE_ON
    (``name:exit`` leaves through os._exit(70), ``name:kill`` is killed by SIGKILL, as the OOM killer does)."""
    marked = dict(entry.split(":") for entry in os.environ.get(DIE_ON, "").split(",") if entry)
    real = run.check_path

    def dying(path: Path, *args: object, **kwargs: object) -> object:
        how = marked.get(path.name)
        if how == "exit":
            os._exit(70)
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args, **kwargs)

    run.check_path = dying


def _check(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(main, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_two_workers_write_the_serial_run_byte_for_byte(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = {}
    for workers in ("1", "2"):
        folder = tmp_path / workers
        code, text = _check(runner, str(CASSETTES), "--workers", workers, "--json", str(folder / "r.json"),
                            "--jsonl", str(folder / "r.jsonl"), "--junit", str(folder / "r.xml"))
        outputs[workers] = (code, text, *((folder / name).read_bytes() for name in ("r.json", "r.jsonl", "r.xml")))
    assert outputs["1"] == outputs["2"]
    assert outputs["2"][0] == 0 and outputs["2"][2].count(b'"path"') > 150


def test_the_exit_code_of_a_failing_run_does_not_depend_on_the_workers(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sse"
    broken.write_text('event: message_start\ndata: {"type": "message_start"\n\n')
    runner = CliRunner()
    serial = _check(runner, str(FAMILY), str(broken), "--provider", "anthropic-messages", "--workers", "1")
    pooled = _check(runner, str(FAMILY), str(broken), "--provider", "anthropic-messages", "--workers", "2")
    assert serial == pooled and serial[0] == 1


def test_a_worker_that_dies_costs_only_its_file(monkeypatch: pytest.MonkeyPatch) -> None:
    files = cassette_files([FAMILY])
    exiting, killed = files[3], files[-1]
    monkeypatch.setenv(DIE_ON, f"{exiting.name}:exit,{killed.name}:kill")
    serial = {str(report.path): cassette_data(report) for report in check_files(files)}
    reports = list(check_files(files, workers=2, initializer=_die_on_marked))
    assert [report.path for report in reports] == [str(path) for path in files]  # none missing, in order
    crashed = {report.path: report.crash for report in reports if report.verdict == "crash"}
    assert crashed.keys() == {str(exiting), str(killed)}
    assert "exited with status 70" in crashed[str(exiting)] and "SIGKILL" in crashed[str(killed)]
    for report in reports:
        if report.verdict != "crash":
            assert cassette_data(report) == serial[report.path]


def test_a_crash_in_a_worker_is_the_crash_report_of_one_process(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    real = run.check_path
    target = cassette_files([FAMILY])[2]

    def flaky(path: Path, *args: object, **kwargs: object) -> object:
        if path == target:
            raise RuntimeError("boom")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(run, "check_path", flaky)  # workers are forked on Linux: they see the patch
    code, text = _check(CliRunner(), str(FAMILY), "--workers", "2", "--jsonl", str(tmp_path / "r.jsonl"))
    assert code == 3
    assert f"CRASH {target}: internal error: RuntimeError: boom" in text
    assert "1 crashed" in text


def test_jsonl_alone_streams_one_object_per_cassette_in_input_order(tmp_path: Path) -> None:
    target = tmp_path / "out" / "r.jsonl"
    code, text = _check(CliRunner(), str(CASSETTES / "gemini"), str(FAMILY), "--workers", "2", "--jsonl", str(target))
    lines = target.read_bytes().splitlines()
    expected = cassette_files([CASSETTES / "gemini", FAMILY])
    assert [json.loads(line)["path"] for line in lines] == [str(path) for path in expected]
    assert code == 0 and "Conformance check of" not in text  # no table: it would need every report
    assert f"{len(expected)} cassettes checked: {len(expected)} passed, 0 failed, 0 crashed" in text


def test_each_line_is_written_before_the_next_report_is_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "r.jsonl"
    with target.open("wb") as out:
        stream = written(check_files(cassette_files([FAMILY]), workers=2), out)
        first = next(stream)
        assert target.read_bytes().count(b"\n") == 1 and json.loads(target.read_bytes())["path"] == first.path
        stream.close()


def test_a_folder_named_by_url_is_read_as_its_files(tmp_path: Path) -> None:
    pytest.importorskip("fsspec", reason="URLs need the dask extra (fsspec)")
    local, remote = tmp_path / "local.jsonl", tmp_path / "url.jsonl"
    assert _check(CliRunner(), str(FAMILY), "--jsonl", str(local))[0] == 0
    assert _check(CliRunner(), f"file://{FAMILY}", "--jsonl", str(remote))[0] == 0
    assert remote.read_text() == local.read_text().replace(f'"{FAMILY}/', f'"file://{FAMILY}/')


# -- the pool itself ---------------------------------------------------------------------------------


_started: Any = None  # a shared counter, set by the test before the pool forks


def _count_then_wait(item: int) -> int:
    with _started.get_lock():
        _started.value += 1
    time.sleep(0.5 if item == 0 else 0.001)
    return item * item


@pytest.mark.skipif(sys.platform != "linux", reason="the counter reaches the workers by fork")
def test_results_come_in_input_order_and_a_slow_item_holds_back_at_most_a_window(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "_started", multiprocessing.get_context("fork").Value("i", 0))
    results = imap(_count_then_wait, range(100), 2, failed=lambda item, why: -1)
    assert next(results) == 0
    assert _started.value <= WINDOW_PER_WORKER * 2  # the fast worker ran ahead of item 0 by a window, no more
    assert list(results) == [item * item for item in range(1, 100)]


def _unpicklable(item: int) -> object:
    return (lambda: item) if item == 1 else item


def test_a_result_that_cannot_be_sent_back_is_reported_not_lost() -> None:
    results = list(imap(_unpicklable, [0, 1, 2], 2, failed=lambda item, why: why))
    assert results[0] == 0 and results[2] == 2
    assert "could not be sent back" in results[1]
