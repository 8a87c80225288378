"""Corpora of many cassettes, for measuring ``harness check`` over files (``bench/scale.py``).

    python -m bench.corpus [--counts 1000,10000] [--out /tmp/harness-corpora] [--seed 0]

Each corpus is a folder of ``count`` cassettes: a quarter are the shipped cassettes (small, every
family, multi-exchange resumes, deliberate faults their cassettes declare), the rest one-exchange
recordings of every family with an encoder, written by the family itself (``bench/encoded.py``,
kept as cassettes by ``harness.keep``), with lengths drawn log-normally around 200 events (30 to
5,000: a short answer to a long one with a tool call), about 30 KB a file at the median. Every file
passes, so a run's time is the time of the checks and of nothing else. The encoded recordings are a
pool of ``POOL`` distinct streams, each copied under many names: a corpus of 10,000 is written in
seconds, and its checks still do all their work (no check remembers a previous file).

The same seed gives the same corpus, byte for byte. A corpus folder that exists is left as it is.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import tempfile
from pathlib import Path

from bench import encoded

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "cassettes"
POOL = 240  # distinct encoded recordings per corpus
SHIPPED_SHARE = 0.25
MEDIAN_EVENTS, SIGMA, MIN_EVENTS, MAX_EVENTS = 200, 1.0, 30, 5_000
DEFAULT_OUT = Path(tempfile.gettempdir()) / "harness-corpora"


def events(rng: random.Random) -> int:
    """A recording's length: log-normal around the median, clipped to the plausible range."""
    return max(MIN_EVENTS, min(MAX_EVENTS, round(rng.lognormvariate(math.log(MEDIAN_EVENTS), SIGMA))))


def pool(folder: Path, seed: int) -> list[Path]:
    """``POOL`` encoded recordings, families in turn, kept as cassettes under ``folder``."""
    from harness.keep import keep_stream

    rng = random.Random(f"corpus/{seed}")
    families = [name for name in encoded.providers() if _keeps(name, folder)]
    kept = []
    for index in range(POOL):
        name = families[index % len(families)]
        stream = encoded.make(name, events(rng), seed=index)
        kept.append(keep_stream(stream.body, name, folder / f"{index:03d}-{name}.yaml", scenario=f"bench-{index}"))
    return kept


def _keeps(name: str, folder: Path) -> bool:
    """Whether the family's encoded stream, kept as a cassette, passes: ``harness keep`` writes a
    generic request, which a family whose request picks the stream mode (agent-session) refuses."""
    from harness.keep import keep_stream
    from harness.pipeline import check_path

    try:
        probe = keep_stream(encoded.make(name, MIN_EVENTS).body, name, folder / f"probe-{name}.yaml")
    except (encoded.Unbenchmarkable, ValueError):
        return False
    passes = check_path(probe).verdict == "pass"
    probe.unlink()
    if not passes:
        print(f"{name}: its kept recordings do not pass as cassettes; only its shipped cassettes are in the corpus",
              file=sys.stderr)
    return passes


def write(count: int, folder: Path, seed: int = 0) -> Path:
    """A corpus of ``count`` cassettes in ``folder`` (made whole, then moved into place)."""
    if folder.exists():
        return folder
    shipped = sorted(SHIPPED.rglob("*.yaml"))
    rng = random.Random(f"corpus/{seed}/{count}")
    staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}-", dir=folder.parent if folder.parent.exists() else None))
    recordings = pool(staging / "_pool", seed)
    for index in range(count):
        source = rng.choice(shipped) if rng.random() < SHIPPED_SHARE else recordings[index % len(recordings)]
        family = source.parent.name if source.is_relative_to(SHIPPED) else source.stem.split("-", 1)[1]
        target = staging / family / f"{index:05d}-{source.stem}.yaml"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
    shutil.rmtree(staging / "_pool")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(folder)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="parent folder of the corpora")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for count in (int(value) for value in args.counts.split(",")):
        folder = write(count, args.out / str(count), args.seed)
        files = sorted(path for path in folder.rglob("*.yaml"))
        size = sum(path.stat().st_size for path in files)
        print(f"{folder}: {len(files)} cassettes, {size / 2**20:.1f} MiB, "
              f"median {sorted(p.stat().st_size for p in files)[len(files) // 2] / 1024:.1f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
