"""Hostile and broken input to the loader: alias bombs by size, paths that are no regular file,
decompression bombs, corrupt codings, unreadable statuses, YAML errors located, credentials judged
by their shape, and the answer a caller gets when a file is not a cassette at all.

Whatever the input, ``load`` returns: every problem is a CASSETTE finding with a location.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import stat
import threading
import zlib
from contextlib import contextmanager
from pathlib import Path

import brotli
import pytest
import yaml
import zstandard
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from harness.cassette import Limits, is_cassette_file, load, looks_redacted
from harness.formats.bodies import gunzip, inflate, unbrotli, unzstd
from harness.registry import catalogue

FAST = settings(max_examples=40, deadline=None)
KNOWN = catalogue()
POSIX = os.name == "posix"


def checks(cassette) -> list[str]:
    return [f.check for f in cassette.findings]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def interaction(body="data: x\n\n", *, encoding=None, status=200, headers=None, uri="https://api.example.com/v1/x"):
    response_headers = {"content-type": ["text/event-stream"]}
    if encoding is not None:
        response_headers["content-encoding"] = [encoding]
    return {"request": {"body": None, "headers": headers or {}, "method": "POST", "uri": uri},
            "response": {"body": {"string": body}, "headers": response_headers,
                         "status": {"code": status, "message": "OK"}}}


def cassette_text(*interactions) -> str:
    return yaml.safe_dump({"interactions": list(interactions), "version": 1})


def assert_located(cassette, path: Path) -> None:
    """Every finding names a catalogued CASSETTE check and the file; exactly one of format/unreadable."""
    for item in cassette.findings:
        assert item.check.startswith("CASSETTE-") and item.check in KNOWN, item
        assert item.location.cassette == str(path), item
    assert (cassette.format is None) != (cassette.unreadable is None), (cassette.format, cassette.unreadable)


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging when a call blocks (a FIFO read); a no-op where alarms cannot be set."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(*_):
        raise TimeoutError("load blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- 1. aliases bounded by expanded size --------------------------------------------------------------------


def test_large_leaf_alias_bomb_under_the_node_cap(tmp_path):
    # 1 MB string used 1,000 times: 1,002 nodes (far under the node cap), a gigabyte once expanded
    text = f"a: &a '{'x' * 1_000_000}'\nb: [{', '.join(['*a'] * 1000)}]\ninteractions: []\n"
    path = write(tmp_path, "c.yaml", text)
    cassette = load(path)
    assert checks(cassette) == ["CASSETTE-004"]
    assert "bytes" in cassette.findings[0].message and "alias" in cassette.findings[0].message
    assert cassette.unreadable == cassette.findings[0].message
    assert_located(cassette, path)


def test_aliases_inside_an_interaction_that_would_expand_a_body(tmp_path):
    # the request body mapping is what json.dumps would copy out
    text = ("big: &s '" + "y" * 100_000 + "'\nrow: &r [" + ", ".join(["*s"] * 50) + "]\ninteractions:\n"
            "- request: {method: POST, uri: u, body: {a: [" + ", ".join(["*r"] * 50) + "]}}\n"
            "  response: {body: {string: 'data: x'}}\n")
    assert checks(load(write(tmp_path, "c.yaml", text))) == ["CASSETTE-004"]


def expanded_scalar_bytes(value, memo=None) -> int:
    """The oracle: scalar bytes of a loaded document with every shared object counted where it stands."""
    memo = {} if memo is None else memo
    if isinstance(value, str):
        return len(value.encode())
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, dict):
        total = sum(expanded_scalar_bytes(key, memo) + expanded_scalar_bytes(item, memo) for key, item in value.items())
    else:
        total = sum(expanded_scalar_bytes(item, memo) for item in value)
    memo[id(value)] = total
    return total


@FAST
@given(st.integers(1, 120), st.lists(st.integers(1, 9), max_size=4), st.integers(0, 3))
def test_alias_size_limit_matches_the_expanded_size(tmp_path, leaf, fan_outs, references):
    lines = [f"l0: &l0 '{'z' * leaf}'"]
    for level, fan in enumerate(fan_outs, start=1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * fan)}]")
    top = len(fan_outs)
    lines.append(f"uses: [{', '.join([f'*l{top}'] * references)}]")
    lines.append("interactions: []")
    text = "\n".join(lines) + "\n"
    limits = Limits(file_bytes=4096, expanded_bytes=3000)
    path = write(tmp_path, "c.yaml", text)
    cassette = load(path, limits=limits)
    expected = expanded_scalar_bytes(yaml.safe_load(text))
    assert checks(cassette) == (["CASSETTE-004"] if expected > 4096 else []), expected
    assert_located(cassette, path)


# -- 2. paths that are not regular files --------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_before_reading(device):
    with deadline(5):
        cassette = load(Path(device))
    assert checks(cassette) == ["CASSETTE-001"]
    assert "character device" in cassette.unreadable
    assert cassette.format is None and cassette.exchanges == []


@pytest.mark.skipif(not POSIX, reason="FIFOs are POSIX")
@pytest.mark.parametrize("name", ["pipe.yaml", "pipe.sse", "pipe.json", "pipe.har", "pipe.yaml.gz"])
def test_fifo_is_refused_without_blocking(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    with deadline(5):  # nobody ever writes: a read would block for ever
        cassette = load(fifo)
        if name.endswith(".json"):
            assert not is_cassette_file(fifo)  # its head is sniffed, and never read from a FIFO
    assert checks(cassette) == ["CASSETTE-001"]
    assert "FIFO" in cassette.unreadable
    assert_located(cassette, fifo)


@pytest.mark.skipif(not POSIX, reason="FIFOs are POSIX")
def test_symlink_to_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    link = tmp_path / "link.yaml"
    link.symlink_to(tmp_path / "pipe")
    with deadline(5):
        assert "FIFO" in load(link).unreadable


def test_directory_given_as_a_file(tmp_path):
    folder = tmp_path / "cassette.yaml"
    folder.mkdir()
    cassette = load(folder)
    assert checks(cassette) == ["CASSETTE-001"]
    assert "directory" in cassette.unreadable


@pytest.mark.skipif(not POSIX, reason="Unix sockets")
def test_socket_is_refused(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    path = tmp_path / "s.yaml"
    try:
        server.bind(str(path))
    except OSError:
        pytest.skip("socket path too long here")
    try:
        with deadline(5):
            assert "socket" in load(path).unreadable
    finally:
        server.close()


def test_missing_file_is_unreadable(tmp_path):
    cassette = load(tmp_path / "absent.yaml")
    assert checks(cassette) == ["CASSETTE-001"]
    assert cassette.unreadable and cassette.format is None


def test_path_with_a_nul_byte(tmp_path):
    cassette = load(tmp_path / "a\x00b.yaml")
    assert checks(cassette) == ["CASSETTE-001"] and cassette.unreadable
    assert not is_cassette_file(tmp_path / "a\x00b.json")


def test_regular_file_through_a_symlink_is_read(tmp_path):
    target = write(tmp_path, "real.yaml", cassette_text(interaction()))
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert (load(link).format, load(link).findings) == ("vcr-yaml", [])


# -- 3. decompression bombs and broken codings ---------------------------------------------------------------------

CODERS = {
    "gzip": lambda data: gzip.compress(data, mtime=0),
    "deflate": zlib.compress,
    "br": lambda data: brotli.compress(data, quality=5),
    "zstd": lambda data: zstandard.ZstdCompressor().compress(data),
}
DECODERS = {"gzip": gunzip, "deflate": inflate, "br": unbrotli, "zstd": unzstd}


@pytest.mark.parametrize("coding", sorted(CODERS))
def test_bomb_is_stopped_at_the_limit_and_says_so(tmp_path, coding):
    bomb = CODERS[coding](b"\0" * 20_000_000)  # 20 MB of zeros: a few kB coded
    path = write(tmp_path, "c.yaml", cassette_text(interaction(bomb, encoding=coding)))
    cassette = load(path, limits=Limits(body_bytes=1_000_000))
    assert checks(cassette) == ["CASSETTE-003"]
    message = cassette.findings[0].message
    assert "limit" in message and "1000000" in message and coding in message
    assert cassette.exchanges[0].response.body == bomb  # left as stored
    assert_located(cassette, path)


@pytest.mark.parametrize("coding", sorted(CODERS))
def test_decoders_stop_at_the_limit(coding):
    decoded = DECODERS[coding](CODERS[coding](b"\0" * 20_000_000), 100_000)
    assert decoded.limited and decoded.data == b""


ZEROS = b"\0" * (1 << 24)  # 16 MiB


def past_the_default_limit(coding: str) -> bytes:
    """A body that decodes to 304 MiB of zeros, built without holding 304 MiB: gzip members and zstd
    frames back to back, one brotli stream fed 16 MiB at a time."""
    if coding == "gzip":
        return gzip.compress(ZEROS, compresslevel=9) * 19
    if coding == "zstd":
        return zstandard.ZstdCompressor(level=1).compress(ZEROS) * 19
    encoder = brotli.Compressor(quality=1)
    return b"".join(encoder.process(ZEROS) for _ in range(19)) + encoder.finish()


# deflate shares gzip's decoder loop and cannot pass ~1000:1, so the small-limit tests above cover it
@pytest.mark.parametrize("coding", ["gzip", "zstd", "br"])
def test_default_limit_stops_a_bomb(coding):
    data = past_the_default_limit(coding)
    assert len(data) < 2 << 20  # under 2 MiB stored
    assert DECODERS[coding](data, Limits().body_bytes).limited


@FAST
@given(st.sampled_from(sorted(CODERS)), st.integers(-3, 3))
def test_limit_is_exact(tmp_path, coding, delta):
    limit = 4096
    body = b"a" * (limit + delta)
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(CODERS[coding](body), encoding=coding))),
                    limits=Limits(body_bytes=limit))
    if delta > 0:
        assert checks(cassette) == ["CASSETTE-003"]
    else:
        assert (cassette.findings, cassette.exchanges[0].response.body) == ([], body)


@pytest.mark.parametrize("coding", sorted(CODERS))
def test_truncated_body(tmp_path, coding):
    coded = CODERS[coding](os.urandom(3000))
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(coded[: len(coded) // 2], encoding=coding))))
    assert checks(cassette) == ["CASSETTE-007" if coding == "gzip" else "CASSETTE-011"]
    assert "truncated" in cassette.findings[0].message or "decode" in cassette.findings[0].message


def test_truncated_second_gzip_member(tmp_path):
    second = gzip.compress(b"data: 2\n\n" * 200)
    body = gzip.compress(b"data: 1\n\n") + second[: len(second) // 2]
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(body, encoding="gzip"))))
    assert checks(cassette) == ["CASSETTE-007"]
    assert "truncated" in cassette.findings[0].message


def test_garbage_after_the_last_gzip_member_is_reported(tmp_path):
    body = gzip.compress(b"data: 1\n\n") + b"\x00\x00" + b"junk"
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(body, encoding="gzip"))))
    assert checks(cassette) == ["CASSETTE-007"]
    assert cassette.exchanges[0].response.body == b"data: 1\n\n"


def test_zero_padding_after_gzip_is_fine(tmp_path):
    body = gzip.compress(b"data: 1\n\n") + b"\x00" * 16
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(body, encoding="gzip"))))
    assert (cassette.findings, cassette.exchanges[0].response.body) == ([], b"data: 1\n\n")


def test_binary_that_is_not_brotli(tmp_path):
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(b"\xff\x00\x81 not brotli", encoding="br"))))
    assert checks(cassette) == ["CASSETTE-011"]
    assert cassette.exchanges[0].response.body == b"\xff\x00\x81 not brotli"


def test_a_chain_whose_inner_layer_is_not_what_it_says(tmp_path):
    body = brotli.compress(b"data: plain, never gzipped\n\n")
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(body, encoding="gzip, br"))))
    assert checks(cassette) == ["CASSETTE-007"]
    assert "gzip layer" in cassette.findings[0].message


@pytest.mark.parametrize("coding", ["compress", "x-custom", "aes128gcm"])
def test_unknown_coding(tmp_path, coding):
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(b"\x1f\x9d\x90 coded", encoding=coding))))
    assert checks(cassette) == ["CASSETTE-011"]
    assert repr(coding) in cassette.findings[0].message


def test_zstd_window_over_the_http_limit(tmp_path):
    params = zstandard.ZstdCompressionParameters.from_level(19, window_log=27)
    data = os.urandom(1 << 16) * 200
    coded = zstandard.ZstdCompressor(compression_params=params).compress(data)
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(coded, encoding="zstd"))))
    assert checks(cassette) == ["CASSETTE-011"]


@FAST
@given(st.sampled_from(sorted(CODERS)), st.binary(min_size=1, max_size=200),
       st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), min_size=1, max_size=4))
def test_corrupted_coded_bodies_never_raise(tmp_path, coding, body, flips):
    coded = bytearray(CODERS[coding](body))
    for position, value in flips:
        coded[position % len(coded)] = value
    path = write(tmp_path, "c.yaml", cassette_text(interaction(bytes(coded), encoding=coding)))
    cassette = load(path)
    assert_located(cassette, path)
    assert len(cassette.exchanges) == 1


# -- 4. statuses ---------------------------------------------------------------------------------------------------

JUNK_STATUS = (st.text(max_size=8).filter(lambda text: not text.strip()[:3].isdigit()) | st.floats() | st.booleans()
               | st.none() | st.lists(st.integers(), max_size=2) | st.integers().filter(lambda n: not 100 <= n <= 599)
               | st.just({"message": "OK"}) | st.builds(lambda code: {"code": code}, st.text(max_size=4)))


@FAST
@given(JUNK_STATUS)
def test_unreadable_status_is_a_finding_never_200(tmp_path, status):
    assume(not (isinstance(status, dict) and isinstance(status.get("code"), str) and status["code"].strip()[:3].isdigit()
                and len(status["code"].strip()) == 3))
    document = {"interactions": [interaction()]}
    document["interactions"][0]["response"]["status"] = status
    path = write(tmp_path, "c.yaml", yaml.safe_dump(document))
    cassette = load(path)
    assert checks(cassette) == ["CASSETTE-012"]
    assert cassette.exchanges[0].response.status == 0
    assert cassette.findings[0].location.exchange == 0
    assert cassette.findings[0].location.path == "response.status"


def test_absent_status_reads_as_200(tmp_path):
    document = {"interactions": [interaction()]}
    del document["interactions"][0]["response"]["status"]
    cassette = load(write(tmp_path, "c.yaml", yaml.safe_dump(document)))
    assert (cassette.findings, cassette.exchanges[0].response.status) == ([], 200)


def test_har_status_zero_says_no_response(tmp_path):
    entry = {"request": {"method": "GET", "url": "https://x/y", "headers": []},
             "response": {"status": 0, "headers": [], "content": {"size": 0}}}
    cassette = load(write(tmp_path, "x.har", json.dumps({"log": {"entries": [entry]}})))
    assert checks(cassette) == ["CASSETTE-012"]
    assert "no response" in cassette.findings[0].message


# -- 5. YAML errors keep the reason, line and column ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "words", "where"), [
    ("interactions: [\n", "did not find expected node content", "line 2, column 1"),
    ("a: b: c\n", "mapping values are not allowed", "line 1, column 5"),
    ("x: 1\nkey: 'unterminated\n", "while scanning a quoted scalar", "line 2, column 6"),
    ("x: 1\ny: 2\nz: 2001-02-30\n", "cannot read '2001-02-30' as timestamp (day is out of range", "line 3, column 4"),
    ("x: !!int abc\n", "cannot read 'abc' as int", "line 1, column 4"),
    ("x: 1\ninteractions: !custom {a: 1}\n", "could not determine a constructor for the tag '!custom'",
     "line 2, column 15"),
    ("- a\n- b\nc: d\n", "while parsing a block collection at line 1, column 1; did not find expected '-' indicator",
     "line 3, column 1"),
])
def test_yaml_error_keeps_reason_line_and_column(tmp_path, text, words, where):
    cassette = load(write(tmp_path, "c.yaml", text))
    [item] = cassette.findings
    assert words in item.message and where in item.message, item.message
    assert "\n" not in item.message
    # a file opening with `interactions:` is a broken cassette (checked, failed); the others are none at all
    assert cassette.unreadable == (None if text.startswith("interactions") else item.message)


def test_not_utf8_yaml_gives_the_byte_offset(tmp_path):
    cassette = load(write(tmp_path, "c.yaml", b"interactions: [\xff\xfe]\n"))
    [item] = cassette.findings
    assert item.location.offset == 15 and "byte 15" in item.message


def test_json_error_keeps_reason_line_and_column(tmp_path):
    cassette = load(write(tmp_path, "c.json", '{"interactions": [\n  {"request": }\n]}'))
    [item] = cassette.findings
    assert item.check == "CASSETTE-001"
    assert "line 2, column 15" in item.message and "not readable JSON" in item.message
    assert item.location.offset == 33


@FAST
@given(st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=12, unique=True), st.data())
def test_yaml_error_points_at_the_broken_line(tmp_path, keys, data):
    lines = [f"{key}: value {n}" for n, key in enumerate(keys)]
    broken = data.draw(st.integers(0, len(lines)))
    lines.insert(broken, "@oops")
    cassette = load(write(tmp_path, "c.yaml", "\n".join(lines) + "\n"))
    [item] = cassette.findings
    assert item.check == "CASSETTE-001"
    assert f"line {broken + 1}, column 1" in item.message, item.message


# -- 7. not a cassette: the answer a caller can act on ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "check"), [
    ("notes.yaml", "title: my notes\nitems: [1, 2]\n", "CASSETTE-005"),
    ("list.yaml", "- 1\n- 2\n", "CASSETTE-005"),
    ("empty.yaml", "", "CASSETTE-005"),
    ("package.json", '{"name": "x", "version": "1.0.0"}', "CASSETTE-005"),
    ("bad.json", "{not json", "CASSETTE-001"),
    ("binary.yaml", b"\x00\x01\x02\x03", "CASSETTE-001"),
    ("bad.yaml.gz", b"\x1f\x8b\x08\x00broken", "CASSETTE-001"),
    ("tags.yaml", "x: !!python/object/apply:os.system ['true']\n", "CASSETTE-002"),
])
def test_files_that_are_no_cassette(tmp_path, name, content, check):
    path = write(tmp_path, name, content)
    cassette = load(path)
    assert checks(cassette) == [check]
    assert cassette.format is None
    assert cassette.unreadable == cassette.findings[0].message
    assert cassette.exchanges == []


def test_oversized_file_and_oversized_gzip_cassette(tmp_path):
    assert load(write(tmp_path, "big.yaml", "x" * 200), max_file_bytes=100).unreadable
    inflating = write(tmp_path, "big.yaml.gz", gzip.compress(b"# " + b"x" * 10_000))
    cassette = load(inflating, max_file_bytes=1000)
    assert checks(cassette) == ["CASSETTE-003"]
    assert "limit" in cassette.unreadable


def test_a_broken_interaction_keeps_the_format(tmp_path):
    cassette = load(write(tmp_path, "c.yaml", yaml.safe_dump({"interactions": [7, interaction()]})))
    assert (cassette.format, cassette.unreadable, checks(cassette)) == ("vcr-yaml", None, ["CASSETTE-005"])


NAMES = st.sampled_from(["f.yaml", "f.json", "f.har", "f.sse", "f.bin", "f.chunks.txt", "f", "f.yaml.gz", "f.json.gz"])
PREFIXES = st.sampled_from([b"", b"{", b"[", b'{"log": ', b'[{"scope": ', b'{"interactions": ', b"\x1f\x8b\x08\x00",
                            b"\xef\xbb\xbf", b"interactions:\n- "])


@settings(max_examples=150, deadline=None)
@given(NAMES, PREFIXES, st.binary(max_size=200))
def test_any_bytes_under_any_name(tmp_path, name, prefix, data):
    path = write(tmp_path, name, prefix + data)
    cassette = load(path)
    assert_located(cassette, path)


@FAST
@given(NAMES, st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=6),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
                               ["log", "entries", "request", "response", "content", "text", "encoding", "status",
                                "scope", "path", "rawHeaders", "responseIsBinary", "headers", "name", "value",
                                "interactions", "requests", "responses", "mimeType", "size", "cookies"]), inner,
                               max_size=4), max_leaves=20))
def test_any_json_shape_under_any_name(tmp_path, name, document):
    data = json.dumps(document).encode()
    path = write(tmp_path, name, gzip.compress(data) if name.endswith(".gz") else data)
    cassette = load(path)
    assert_located(cassette, path)


# -- 8. credentials judged by their shape -------------------------------------------------------------------------------

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
KEY_SHAPES = [("sk-proj-", 156), ("sk-ant-api03-", 95), ("sk-", 48), ("AIza", 35), ("sk-", 32), ("gsk_", 52),
              ("xai-", 80), ("", 40)]
MARKERS = ["test", "TEST", "mock", "Mock", "fake", "dummy", "redacted", "REDACTED", "placeholder", "example", "xxx"]


@st.composite
def real_keys_with_a_marker(draw):
    prefix, length = draw(st.sampled_from(KEY_SHAPES))
    random = draw(st.text(ALNUM, min_size=length, max_size=length))
    marker = draw(st.sampled_from(MARKERS))
    at = draw(st.integers(0, length))
    return prefix + random[:at] + marker + random[at:]


@FAST
@given(real_keys_with_a_marker(), st.sampled_from(["Bearer {}", "{}", "Basic {}"]))
def test_a_real_key_containing_a_marker_word_is_flagged(tmp_path, key, form):
    assert not looks_redacted(form.format(key))
    headers = {"authorization": [form.format(key)], "x-goog-api-key": [key]}
    path = write(tmp_path, "c.yaml", cassette_text(interaction(headers=headers, uri=f"https://x/y?key={key}")))
    cassette = load(path)
    assert checks(cassette) == ["CASSETTE-006"] * 3
    for item in cassette.findings:
        assert key not in item.model_dump_json()


PLACEHOLDERS = st.one_of(
    st.sampled_from(["", "   ", "***", "...", "REDACTED", "<API_KEY>", "<redacted>", "[REDACTED]", "{{api_key}}",
                     "${OPENAI_API_KEY}", "$ANTHROPIC_API_KEY", "DUMMY", "FAKE", "PLACEHOLDER", "scrubbed", "filtered",
                     "sk-test", "sk-fake", "sk-...", "sk-proj-REDACTED", "sk-ant-api03-REDACTED", "sk-xxxxxxxxxxxx",
                     "sk-1234", "sk-abc123", "AIzaFAKE", "AIza-test-key", "test-key", "mock_api_key", "fake-api-key-1",
                     "your-api-key-here", "YOUR_API_KEY", "xxxxxxxxxxxxxxxx", "0000000000", "sk-****abcd",
                     "sha256:9f86d081884c7d659a2feaa0c55ad015", "REDACTED-3f2a9c1b", "testkey", "dummytoken",
                     "AKIAEXAMPLE"]),
    st.builds(lambda words, sep: sep.join(words),
              st.lists(st.sampled_from(["test", "mock", "fake", "dummy", "api", "key", "token", "redacted", "sk",
                                        "your", "secret", "placeholder", "xxx", "1", "42"]), min_size=1, max_size=4),
              st.sampled_from(["-", "_", ".", ""])),
    st.builds(lambda char, count: char * count, st.sampled_from("x*X0-."), st.integers(1, 60)),
    st.builds(lambda prefix, tail: prefix + tail, st.sampled_from(["sk-", "sk-proj-", "sk-ant-", "AIza"]),
              st.text(ALNUM, max_size=12)),
)


@FAST
@given(PLACEHOLDERS, st.sampled_from(["Bearer {}", "{}", "Basic {}", "bearer {}"]))
def test_placeholders_are_not_flagged(tmp_path, value, form):
    assert looks_redacted(form.format(value)), value
    headers = {"authorization": [form.format(value)], "x-api-key": [value]}
    path = write(tmp_path, "c.yaml", cassette_text(interaction(headers=headers, uri=f"https://x/y?key={value}")))
    assert load(path).findings == []


@pytest.mark.parametrize("value", [
    "sk-proj-" + "Ab3" * 52,  # a real-length project key
    "sk-ant-api03-" + "x7Y_-test" * 10 + "AA",  # "test" inside, underscores and dashes like a real key
    "AIzaSyD" + "mock" + "q" * 28,  # a Google key of real length with "mock" inside
    "sk-" + "0123456789abcdef" * 2 + "fa",  # DeepSeek's 35-character shape
    ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/bedrock/aws4_request, "
     "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
    "session=4bJ1CVE2y5z7iolQc.k0qgMfDmxbGVUlZB77F9J",
])
def test_real_looking_values_are_flagged(value):
    assert not looks_redacted(value.split("=", 1)[1] if value.startswith("session=") else value)


@pytest.mark.parametrize("value", [
    "AWS4-HMAC-SHA256 Credential=REDACTED/20240101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=REDACTED",
])
def test_redacted_signature_is_not_flagged(value):
    assert looks_redacted(value)


@pytest.mark.parametrize(("header", "value", "flagged"), [
    ("set-cookie", "__cf_bm=4bJ1CVE2y5z7iolQc.k0qgMfDm; path=/; expires=Wed, 01 Jan 2026 00:00:00 GMT", "CASSETTE-013"),
    ("set-cookie", "sid=4bJ1CVE2y5z7iolQc.k0qgMfDm; path=/; expires=Wed, 01 Jan 2026 00:00:00 GMT", "CASSETTE-006"),
    ("set-cookie", "session=REDACTED; path=/; HttpOnly", None),
    ("cookie", "a=REDACTED; b=<token>", None),
    ("cookie", "a=REDACTED; b=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "CASSETTE-006"),
])
def test_cookies_are_judged_by_their_values(tmp_path, header, value, flagged):
    cassette = load(write(tmp_path, "c.yaml", cassette_text(interaction(headers={header: [value]}))))
    assert checks(cassette) == ([flagged] if flagged else [])


def test_amz_credential_query_judged_by_its_access_key(tmp_path):
    scope = "/20240101/us-east-1/bedrock/aws4_request"
    clean = load(write(tmp_path, "a.yaml", cassette_text(interaction(uri=f"https://x/y?X-Amz-Credential=REDACTED{scope}"))))
    leaked = load(write(tmp_path, "b.yaml", cassette_text(interaction(
        uri=f"https://x/y?X-Amz-Credential=AKIAIOSFODNN7ABCDEFG{scope}"))))
    assert (checks(clean), checks(leaked)) == ([], ["CASSETTE-006"])


def test_unreadable_file_modes_are_a_finding(tmp_path):
    path = write(tmp_path, "c.yaml", cassette_text(interaction()))
    if os.geteuid() == 0:
        pytest.skip("root reads anything")
    path.chmod(0)
    try:
        cassette = load(path)
        assert checks(cassette) == ["CASSETTE-001"] and cassette.unreadable
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


# -- a cassette cut off mid-write is a broken cassette, never "not a cassette" ------------------------------

_SHIPPED = sorted((Path(__file__).resolve().parents[1] / "cassettes").rglob("*.yaml"))


@FAST
@given(st.sampled_from(_SHIPPED), st.floats(min_value=0.0, max_value=1.0), st.sampled_from(["yaml", "json"]))
def test_a_cassette_cut_anywhere_still_reads_as_a_cassette(tmp_path_factory: pytest.TempPathFactory, source: Path,
                                                           where: float, syntax: str) -> None:
    whole = source.read_bytes()
    if syntax == "json":  # the same cassette written by vcrpy's JSON serializer
        whole = json.dumps(yaml.load(whole, Loader=yaml.SafeLoader), default=repr).encode()
    opening = len(b"harness:") if syntax == "yaml" else len(b'{"harness":')
    cut = whole[: opening + int(where * (len(whole) - opening))]
    path = tmp_path_factory.mktemp("cut") / f"cut.{syntax}"
    path.write_bytes(cut)
    cassette = load(path)
    # it parses (the cut fell between lines), or it is a broken cassette with a CASSETTE-001 finding: a
    # folder walk fails it rather than skipping it as a CI file or a manifest (report.not_a_cassette)
    assert cassette.unreadable is None, cassette.unreadable
    assert cassette.format is not None


def test_a_file_that_only_fails_to_parse_is_still_not_a_cassette(tmp_path: Path) -> None:
    path = tmp_path / "workflow.yaml"
    path.write_text("name: ci\non: [push\n", encoding="utf-8")
    cassette = load(path)
    assert cassette.unreadable is not None and checks(cassette) == ["CASSETTE-001"]
