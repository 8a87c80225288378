"""The provider families, found through the ``harness.providers`` entry-point group.

The shipped families register there too (``pyproject.toml``), so a family in another installed
package joins exactly as they do: its entry point names a ``Provider`` subclass, importing it claims
its block of check ids (``harness.checkspec.claim``), and its schemas folder and encoder come with
it. Loading happens once, when a family is first asked for (``providers()``, ``PROVIDERS``, ``get``,
``detect``): a plug-in that fails to load, two families with one name, or two families claiming the
same check numbers stop the harness there, at start-up, with a ``RegistryError`` naming them.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any

from harness.checkspec import CatalogueError, CheckSpec, registered
from harness.exchange import Exchange
from harness.providers.base import Provider

GROUP = "harness.providers"


class RegistryError(RuntimeError):
    """The installed families cannot be loaded together (the message names the ones at fault)."""


def _load() -> dict[str, Provider]:
    found: dict[str, Provider] = {}
    for entry in entry_points(group=GROUP):
        try:
            loaded = entry.load()
        except CatalogueError as error:
            raise RegistryError(f"the installed families cannot load together: {error}") from error
        except Exception as error:  # noqa: BLE001  a broken plug-in must name itself, whatever it raised
            raise RegistryError(f"family {entry.name!r} ({entry.value}) failed to load: {error!r}") from error
        if not (isinstance(loaded, type) and issubclass(loaded, Provider)):
            raise RegistryError(f"entry point {entry.name!r} ({entry.value}) is not a Provider subclass")
        provider = loaded()
        if provider.name != entry.name:
            raise RegistryError(f"entry point {entry.name!r} loads a family named {provider.name!r}")
        if provider.name in found and type(found[provider.name]) is not loaded:
            raise RegistryError(f"two families are named {provider.name!r}: "
                                f"{type(found[provider.name]).__module__} and {loaded.__module__}")
        found[provider.name] = provider
    if not found:
        raise RegistryError(f"no provider family is registered in the {GROUP!r} entry-point group: "
                            "install the package (pip install -e .)")
    ordered = sorted(found.values(), key=lambda provider: (provider.detect_order, provider.name))
    return {provider.name: provider for provider in ordered}


@cache
def providers() -> dict[str, Provider]:
    """Every installed family by name, in detection order."""
    return _load()


def __getattr__(name: str) -> Any:
    if name == "PROVIDERS":  # the families as a module constant, loaded on first use
        return providers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get(name: str) -> Provider:
    """A provider by name or alias; KeyError lists the known names."""
    for provider in providers().values():
        if name == provider.name or name in provider.aliases:
            return provider
    raise KeyError(f"unknown provider {name!r}; known: {', '.join(providers())}")


def detect(exchange: Exchange) -> Provider | None:
    """The family an exchange speaks: its hint if it names one, else the first family (in detection
    order) that recognises it."""
    if exchange.provider_hint:
        return get(exchange.provider_hint)
    return next((provider for provider in providers().values() if provider.detect(exchange)), None)


def catalogue() -> dict[str, CheckSpec]:
    """Every rule: the provider-neutral ones and those of every installed family, plug-ins included."""
    providers()
    return registered()
