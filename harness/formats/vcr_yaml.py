"""YAML cassettes (vcrpy's default serializer): parsed safely, and written by ``save``.

Only the safe core schema and ``!!binary``. Aliases are bounded by what the document would be with
every alias copied out, in nodes and in scalar bytes: a few anchors of large strings used many times
stay under any node cap and still expand to gigabytes the moment a body is serialised. Parse errors
keep the parser's reason with its line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from harness.exchange import Exchange
from harness.findings import Location
from harness.formats.chunks import KEY as CHUNKS_KEY
from harness.formats.chunks import chunk_entry
from harness.formats.limits import Limits
from harness.formats.model import Cassette, CassetteMeta, refuse, unparsed
from harness.formats.secrets import scrub, scrub_uri

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Unreadable(Exception):
    """The YAML was refused; the finding is already on the cassette."""


def parse_yaml(raw: bytes, cassette: Cassette, where: Location, limits: Limits) -> Any:
    """The document, or ``Unreadable`` raised after the reason was refused on the cassette."""
    try:
        loader = SafeLoader(raw)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            nodes, size = expanded_size(node)
            if nodes > limits.expanded_nodes:
                refuse(cassette, "CASSETTE-004",
                       f"YAML aliases expand to over {limits.expanded_nodes} nodes (an alias bomb?)", where)
                raise Unreadable
            if size > limits.expanded_bytes_cap:
                shown = "without end" if size == float("inf") else f"to {int(size)} bytes of scalars"
                refuse(cassette, "CASSETTE-004", f"YAML aliases expand {shown}, over the {limits.expanded_bytes_cap}"
                       "-byte limit (an alias bomb?)", where)
                raise Unreadable
            try:
                return loader.construct_document(node)
            except (yaml.YAMLError, RecursionError, MemoryError):
                raise
            except Exception as error:  # noqa: BLE001  a scalar the core schema cannot build (2001-02-30)
                raise _construction_error(node, error) from None
        finally:
            loader.dispose()
    except Unreadable:
        raise
    except yaml.constructor.ConstructorError as error:
        if "could not determine a constructor" in str(error.problem):
            refuse(cassette, "CASSETTE-002", f"unsafe or unknown YAML tag: {yaml_reason(error)}", where)
        else:
            unparsed(cassette, f"not readable YAML: {yaml_reason(error)}", where, raw, "yaml")
        raise Unreadable from None
    except Exception as error:  # noqa: BLE001  PyYAML raises AttributeError, OverflowError... on hostile scalars
        offset = error.position if isinstance(error, yaml.reader.ReaderError) else None
        unparsed(cassette, f"not readable YAML: {yaml_reason(error)}", where.with_(offset=offset), raw, "yaml")
        raise Unreadable from None


def _at(mark: Any) -> str:
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def yaml_reason(error: BaseException) -> str:
    """The parser's whole reason with where it stands (line and column, 1-based), on one line."""
    if isinstance(error, yaml.MarkedYAMLError):
        parts = []
        if error.context:
            same = error.context_mark is not None and error.problem_mark is not None and (
                error.context_mark.line, error.context_mark.column) == (error.problem_mark.line, error.problem_mark.column)
            parts.append(error.context + ("" if same else _at(error.context_mark)))
        if error.problem:
            parts.append(error.problem + _at(error.problem_mark))
        if error.note:
            parts.append(error.note)
        if parts:
            return "; ".join(" ".join(part.split()) for part in parts)
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        code = ord(character) if isinstance(character, (str, bytes)) and len(character) == 1 else character
        shown = f" (#x{code:02x})" if isinstance(code, int) else ""
        return f"{error.reason}{shown} at byte {error.position}"
    text = " ".join(str(error).split())
    return text or type(error).__name__


def expanded_size(root: yaml.Node) -> tuple[float, float]:
    """Nodes and scalar bytes with every alias copied out, in one pass over the shared node graph.

    Iterative (a deeply nested file must not exhaust the stack); a node that contains itself
    expands without end.
    """
    sizes: dict[int, tuple[float, float]] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    endless = (float("inf"), float("inf"))
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            nodes, size = 1.0, float(_scalar_bytes(node))
            for child in _children(node):
                child_nodes, child_size = sizes[id(child)]
                nodes += child_nodes
                size += child_size
            sizes[key] = (nodes, size)
            continue
        if key in sizes:
            continue
        if key in on_path:
            return endless
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                return endless
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _construction_error(root: yaml.Node, error: Exception) -> yaml.constructor.ConstructorError:
    """A construction failure said with the scalar, its tag and where it stands."""
    detail = "" if isinstance(error, (KeyError, AttributeError)) else " ".join(str(error).split())
    node = _failing_scalar(root)
    if node is None:
        return yaml.constructor.ConstructorError(None, None, detail or type(error).__name__, None)
    tag = str(node.tag).rpartition(":")[2]
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    problem = f"cannot read {value!r} as {tag}" + (f" ({detail})" if detail else "")
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


def _failing_scalar(root: yaml.Node) -> Any:
    """The first scalar the safe constructor cannot build (the error path only)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                yaml.constructor.SafeConstructor().construct_object(node, deep=True)
            except Exception:  # noqa: BLE001
                return node
        stack.extend(reversed(_children(node)))
    return None


def _scalar_bytes(node: yaml.Node) -> int:
    if not isinstance(node, yaml.ScalarNode) or not isinstance(node.value, str):
        return 0
    value = node.value
    return len(value) if value.isascii() else len(value.encode("utf-8", errors="surrogatepass"))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


# -- writing --------------------------------------------------------------------------------------------


def _stored(body: bytes) -> str | bytes:
    """A body as vcrpy stores it: text when it is UTF-8, bytes (YAML !!binary) otherwise."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body


def save(path: Path, exchanges: list[Exchange], meta: CassetteMeta) -> None:
    """Write exchanges as a vcrpy cassette, with the harness key and scrubbed credentials."""
    interactions = []
    for exchange in exchanges:
        request, response = exchange.request, exchange.response
        interactions.append({
            "request": {
                "body": _stored(request.body) if request.body is not None else None,
                "headers": scrub(request.headers),
                "method": request.method,
                "uri": scrub_uri(request.uri),
            },
            "response": {
                "body": {"string": _stored(response.body)},
                "headers": scrub(response.headers),
                "status": {"code": response.status, "message": "OK" if response.status < 400 else "Error"},
            },
        })
        if (chunks := chunk_entry(response)) is not None:
            interactions[-1]["response"][CHUNKS_KEY] = chunks
    harness_key = {key: value for key, value in {
        "written_by": meta.written_by, "provider": meta.provider, "scenario": meta.scenario,
        "description": meta.description, "sources": meta.sources, "expect": meta.expect,
        "equivalent": meta.equivalent,
    }.items() if value not in (None, [])}
    document = {"harness": harness_key, "interactions": interactions, "version": 1}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
