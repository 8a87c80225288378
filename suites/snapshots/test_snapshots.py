"""One syrupy JSON snapshot per shipped cassette and per real-corpus file.

Each snapshot holds the canonical event log, the folded turns and the findings, made stable by
``normalise``. After an intended change: ``python -m pytest suites/snapshots --snapshot-update``,
then review the diff of ``__snapshots__/`` like code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from harness import events as ev
from harness.pipeline import CassetteReport, check_path
from harness.report.data import finding_data, turn_data
from suites.corpus import CORPUS, PROVIDER_FOLDERS, corpus_files, corpus_params
from suites.snapshots.normalise import normalise

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "cassettes").rglob("*.yaml"))
SNAPSHOTS = Path(__file__).resolve().parent / "__snapshots__" / Path(__file__).stem


def snapshot_ids(test: str) -> list[str]:
    """The parameter ids a test has snapshots for (used to skip them by name without the corpus)."""
    return sorted(path.name[len(test) + 1 : -len("].json")] for path in SNAPSHOTS.glob(f"{test}[[]*].json"))


@pytest.fixture
def snapshot_json(snapshot: Any) -> Any:
    return snapshot.use_extension(JSONSnapshotExtension)


def snapshot_data(report: CassetteReport, root: Path) -> dict[str, Any]:
    return normalise({
        "cassette": Path(report.path).relative_to(root).as_posix(),
        "exchanges": [
            {
                "index": exchange.index,
                "provider": exchange.provider,
                "events": [ev.dump(event, exclude_defaults=True) for event in exchange.events],
                "turn": turn_data(exchange.turn) if exchange.turn is not None else None,
            }
            for exchange in report.exchanges
        ],
        "findings": [_without_cassette(finding_data(item, report.is_expected(item))) for item in report.findings],
    })


def _without_cassette(data: dict[str, Any]) -> dict[str, Any]:
    data["location"].pop("cassette", None)  # the absolute path of this checkout
    return data


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.relative_to(ROOT / "cassettes").as_posix().replace("/", "--"))
def test_shipped_cassette(path: Path, snapshot_json: Any) -> None:
    assert snapshot_data(check_path(path, keep_events=True), ROOT) == snapshot_json


# every recording of every family that has a corpus folder
RECORDINGS = {f"{provider}--{path.name}": path for provider in sorted(PROVIDER_FOLDERS) for path in corpus_files(provider)}
RECORDING_IDS = list(RECORDINGS)


@pytest.mark.parametrize("recording", corpus_params(RECORDING_IDS, snapshot_ids("test_corpus_recording")))
def test_corpus_recording(recording: str, snapshot_json: Any) -> None:
    provider = recording.split("--", 1)[0]
    assert snapshot_data(check_path(RECORDINGS[recording], provider, keep_events=True), CORPUS) == snapshot_json
