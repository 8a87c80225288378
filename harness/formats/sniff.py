"""Which reader a file needs, from its name and its content: a ``.json`` file may be vcrpy's JSON, a
nock recording or a HAR file, a HAR file may be named anything, and a ``.yaml`` file may hold JSON."""

from __future__ import annotations

import re
from typing import Any

from harness.findings import Location
from harness.formats.har import is_har, read_har
from harness.formats.limits import Limits
from harness.formats.model import Cassette, broken, refuse
from harness.formats.nock import is_nock, read_nock
from harness.formats.raw import raw_format, read_raw
from harness.formats.vcr import is_vcr, read_vcr
from harness.formats.vcr_json import BOM, Unparsed, parse_json, refuse_json
from harness.formats.vcr_yaml import Unreadable, parse_yaml

JSON_NAMES = (".json", ".har")
_JSON_START = re.compile(rb"\s*[\[{]")
# what the first 64 KiB of a JSON cassette shows: a key of one of the known shapes near the top
_JSON_CASSETTE_HEAD = re.compile(rb'^\s*(\{[\s\S]*"(interactions|requests|log)"\s*:|\[\s*(\{[\s\S]*"scope"\s*:|$))')


def read_content(raw: bytes, name: str, cassette: Cassette, where: Location, limits: Limits) -> None:
    """Fill the cassette from a file's bytes (already inflated) by the reader they call for."""
    form = raw_format(name)
    if form is not None:
        read_raw(raw, cassette, form)
        return
    looks_json = _JSON_START.match(raw.removeprefix(BOM)) is not None
    json_named = name.endswith(JSON_NAMES)
    if looks_json or json_named:
        try:
            data = parse_json(raw)
        except Unparsed as error:
            if json_named:
                if not looks_json and _yaml_cassette(raw, cassette, where, limits):
                    return  # a cassette in YAML under a JSON name
                refuse_json(cassette, where, error, raw)
                return
        else:
            read_document(data, cassette, where, limits, "json")
            return
    try:
        data = parse_yaml(raw, cassette, where, limits)  # flow-style YAML starts with { or [ too
    except Unreadable:
        return
    read_document(data, cassette, where, limits, "yaml")


def _yaml_cassette(raw: bytes, cassette: Cassette, where: Location, limits: Limits) -> bool:
    """Read the bytes as YAML when they hold one of the known shapes; otherwise leave the cassette be."""
    scratch = Cassette(path=cassette.path, meta=cassette.meta)
    try:
        data = parse_yaml(raw, scratch, where, limits)
    except Unreadable:
        return False
    if not (is_vcr(data) or is_har(data) or is_nock(data)):
        return False
    read_document(data, cassette, where, limits, "yaml")
    return True


def read_document(data: Any, cassette: Cassette, where: Location, limits: Limits, syntax: str) -> None:
    if is_vcr(data):
        read_vcr(data, cassette, where, limits, f"vcr-{syntax}")
    elif is_har(data):
        read_har(data, cassette, where, limits)
    elif is_nock(data):
        read_nock(data, cassette, where, limits)
    elif isinstance(data, dict) and "harness" in data:  # this harness's key, then the file ended or lost its list
        broken(cassette, "CASSETTE-005", "no `interactions` list at the top level", where, f"vcr-{syntax}")
    else:
        refuse(cassette, "CASSETTE-005", "no `interactions` list at the top level (nor a HAR `log`, nor a list of "
               "nock entries with a `scope`)", where)


def looks_like_json_cassette(head: bytes) -> bool:
    """Whether the first bytes of a ``.json`` file show one of the cassette shapes (for folder walks,
    which must not take every JSON file in a tree for a cassette)."""
    start = head.removeprefix(BOM)
    return _JSON_CASSETTE_HEAD.match(start) is not None
