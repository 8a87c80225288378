"""The cassettes a server serves, each under its own path prefix: its path relative to the served
folder, without extension (a file given alone: its name without extension)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from harness import registry
from harness.cassette import Cassette, is_cassette_file, load
from harness.providers.base import Provider


class LibraryError(ValueError):
    """The served paths cannot be served together (no cassette, or two with one name)."""


@dataclass(slots=True)
class Served:
    """One cassette as the server sees it: the family of each exchange and each recorded path."""

    name: str
    cassette: Cassette
    providers: list[Provider | None]
    paths: list[str]  # each exchange's recorded request path, unquoted ("" when none was recorded)
    origin: str  # scheme and host of the first recorded request, to rebuild a full URI for the checks

    @property
    def provider(self) -> Provider | None:
        return next((provider for provider in self.providers if provider is not None), None)


class Library:
    def __init__(self, served: list[Served]) -> None:
        self.by_name = {item.name: item for item in served}
        # longest name first, so "a/b" wins over "a" for /a/b/v1/...
        self._ordered = sorted(served, key=lambda item: len(item.name), reverse=True)

    @classmethod
    def load(cls, paths: list[Path]) -> Library:
        found: dict[str, Path] = {}
        for root in paths:
            files = sorted(p for p in root.rglob("*") if p.is_file() and is_cassette_file(p)) if root.is_dir() else [root]
            for file in files:
                name = _name(file.relative_to(root) if root.is_dir() else Path(file.name))
                if name in found:
                    raise LibraryError(f"two cassettes would be served as /{name}/: {found[name]} and {file}")
                found[name] = file
        if not found:
            raise LibraryError("no cassette files under the given paths")
        return cls([served(name, file) for name, file in found.items()])

    @property
    def names(self) -> list[str]:
        return sorted(self.by_name)

    def find(self, path: str) -> tuple[Served, str] | None:
        """The cassette a request path addresses and the provider path after its prefix."""
        for item in self._ordered:
            prefix = f"/{item.name}"
            if path == prefix or path.startswith(prefix + "/"):
                return item, path[len(prefix):] or "/"
        return None


def _name(relative: Path) -> str:
    text = relative.as_posix()
    if text.endswith(".chunks.txt"):
        return text[: -len(".chunks.txt")]
    return text[: -len(relative.suffix)] if relative.suffix else text


def served(name: str, path: Path) -> Served:
    cassette = load(path)
    providers = []
    for exchange in cassette.exchanges:
        try:
            providers.append(registry.detect(exchange))
        except KeyError:
            providers.append(None)
    uris = [exchange.request.uri for exchange in cassette.exchanges]
    first = urlsplit(uris[0]) if uris else urlsplit("")
    origin = f"{first.scheme}://{first.netloc}" if first.netloc else ""
    return Served(name, cassette, providers, [unquote(urlsplit(uri).path) for uri in uris], origin)

