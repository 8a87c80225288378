"""Loading cassettes: vcrpy YAML, raw stream files, hostile input, credentials, and save()."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cassette import CHUNKS_CONTENT_TYPE, CassetteMeta, load, save
from harness.exchange import Exchange, Request, Response
from harness.registry import catalogue

SSE_BODY = 'event: ping\ndata: {"type":"ping"}\n\n'
SECRET = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"


def interaction(body="data: x\n\n", *, request_body=None, headers=None, uri="https://api.example.com/v1/x",
                response_headers=None, status=200):
    return {
        "request": {"body": request_body, "headers": headers or {}, "method": "POST", "uri": uri},
        "response": {
            "body": {"string": body},
            "headers": response_headers or {"content-type": ["text/event-stream"]},
            "status": {"code": status, "message": "OK"},
        },
    }


def write_yaml(tmp_path: Path, document, name="c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def write_text(tmp_path: Path, text: str, name="c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def checks(cassette) -> list[str]:
    return [f.check for f in cassette.findings]


# -- vcrpy cassettes -------------------------------------------------------------------------------------


def test_one_interaction(tmp_path):
    path = write_yaml(tmp_path, {"interactions": [interaction(SSE_BODY, request_body='{"stream": true}')],
                                 "version": 1})
    cassette = load(path)
    assert cassette.findings == []
    assert len(cassette.exchanges) == 1
    exchange = cassette.exchanges[0]
    assert exchange.index == 0
    assert exchange.response.body == SSE_BODY.encode()
    assert exchange.response.status == 200
    assert exchange.response.content_type == "text/event-stream"
    assert exchange.request.method == "POST"
    assert exchange.request.uri == "https://api.example.com/v1/x"
    assert exchange.request.body == b'{"stream": true}'
    assert exchange.request.json == {"stream": True}


def test_many_interactions_keep_order_and_indices(tmp_path):
    document = {"interactions": [interaction(f"data: {n}\n\n", status=200 + n) for n in range(5)], "version": 1}
    cassette = load(write_yaml(tmp_path, document))
    assert [e.index for e in cassette.exchanges] == [0, 1, 2, 3, 4]
    assert [e.response.body for e in cassette.exchanges] == [f"data: {n}\n\n".encode() for n in range(5)]
    assert [e.response.status for e in cassette.exchanges] == [200, 201, 202, 203, 204]


def test_binary_response_body(tmp_path):
    raw = b"data: \xff\xfe binary\n\n"
    document = {"interactions": [interaction(raw)], "version": 1}
    path = write_yaml(tmp_path, document)
    assert "!!binary" in path.read_text()
    cassette = load(path)
    assert cassette.exchanges[0].response.body == raw
    assert cassette.findings == []


def test_gzip_binary_body_is_decompressed(tmp_path):
    document = {"interactions": [interaction(gzip.compress(SSE_BODY.encode()), response_headers={
        "content-type": ["text/event-stream"], "content-encoding": ["gzip"]})], "version": 1}
    cassette = load(write_yaml(tmp_path, document))
    assert cassette.findings == []
    assert cassette.exchanges[0].response.body == SSE_BODY.encode()


def test_stale_gzip_header_on_decoded_body_is_left_alone(tmp_path):
    document = {"interactions": [interaction(SSE_BODY, response_headers={"content-encoding": ["gzip"]})]}
    cassette = load(write_yaml(tmp_path, document))
    assert cassette.findings == []
    assert cassette.exchanges[0].response.body == SSE_BODY.encode()


def test_body_as_plain_string_instead_of_mapping(tmp_path):
    document = {"interactions": [interaction()]}
    document["interactions"][0]["response"]["body"] = SSE_BODY
    cassette = load(write_yaml(tmp_path, document))
    assert cassette.exchanges[0].response.body == SSE_BODY.encode()


def test_status_as_plain_integer(tmp_path):
    document = {"interactions": [interaction()]}
    document["interactions"][0]["response"]["status"] = 429
    assert load(write_yaml(tmp_path, document)).exchanges[0].response.status == 429


def test_non_json_request_body_has_no_json(tmp_path):
    cassette = load(write_yaml(tmp_path, {"interactions": [interaction(request_body="a=1&b=2")]}))
    assert cassette.exchanges[0].request.body == b"a=1&b=2"
    assert cassette.exchanges[0].request.json is None


def test_pydantic_ai_parsed_body_on_request(tmp_path):
    document = {"interactions": [interaction()]}
    request = document["interactions"][0]["request"]
    del request["body"]
    request["parsed_body"] = {"model": "m", "stream": True, "input": [{"role": "user", "content": "hi"}]}
    cassette = load(write_yaml(tmp_path, document))
    assert cassette.findings == []
    assert cassette.exchanges[0].request.json == request["parsed_body"]


def test_pydantic_ai_parsed_body_on_response(tmp_path):
    # pydantic-ai's cassette serializer stores JSON responses as `parsed_body` with no `body` at all
    # (e.g. corpus/anthropic/pai_text_parts_ahead_of_server_tool_4x.yaml, interaction 0).
    document = {"interactions": [interaction()]}
    response = document["interactions"][0]["response"]
    del response["body"]
    response["headers"] = {"content-type": ["application/json"]}
    response["parsed_body"] = {"id": "msg_1", "content": [{"type": "text", "text": "hi"}]}
    cassette = load(write_yaml(tmp_path, document))
    assert cassette.findings == []
    assert json.loads(cassette.exchanges[0].response.body) == response["parsed_body"]


def test_harness_metadata(tmp_path):
    document = {
        "harness": {"provider": "anthropic-messages", "scenario": "tool-call", "description": "d",
                    "written_by": "harness", "sources": ["specs/openai-anthropic.md C.7"],
                    "expect": ["LIFECYCLE-205", "STATE-001"]},
        "interactions": [interaction()],
    }
    cassette = load(write_yaml(tmp_path, document))
    meta = cassette.meta
    assert meta.provider == "anthropic-messages"
    assert meta.scenario == "tool-call"
    assert meta.written_by == "harness"
    assert meta.sources == ["specs/openai-anthropic.md C.7"]
    assert meta.expect == ["LIFECYCLE-205", "STATE-001"]
    assert cassette.exchanges[0].provider_hint == "anthropic-messages"


def test_explicit_provider_overrides_metadata(tmp_path):
    document = {"harness": {"provider": "anthropic-messages"}, "interactions": [interaction()]}
    cassette = load(write_yaml(tmp_path, document), provider="openai-responses")
    assert cassette.meta.provider == "openai-responses"
    assert cassette.exchanges[0].provider_hint == "openai-responses"


@pytest.mark.parametrize("harness_key", [{"expect": 5}, {"sources": 5}, {"expect": "WIRE-001"},
                                         {"expect": {"a": 1}}, {"expect": [1, None, "WIRE-001"]}, "text", [1, 2]])
def test_odd_harness_metadata_never_raises(tmp_path, harness_key):
    cassette = load(write_yaml(tmp_path, {"harness": harness_key, "interactions": [interaction()]}))
    assert len(cassette.exchanges) == 1
    assert all(isinstance(check, str) for check in cassette.meta.expect)
    # a single id given as a string is that id, not its characters
    assert cassette.meta.expect in ([], ["WIRE-001"])


# -- raw stream files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["stream.sse", "stream.txt"])
def test_raw_sse_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(SSE_BODY.encode())
    cassette = load(path, provider="anthropic-messages")
    assert cassette.findings == []
    [exchange] = cassette.exchanges
    assert exchange.response.body == SSE_BODY.encode()
    assert exchange.response.content_type == "text/event-stream"
    assert exchange.provider_hint == "anthropic-messages"


def test_chunks_txt_file(tmp_path):
    path = tmp_path / "openai-text.chunks.txt"
    body = b'{"type":"response.created"}\n{"type":"response.completed"}\n'
    path.write_bytes(body)
    cassette = load(path, provider="openai-responses")
    [exchange] = cassette.exchanges
    assert exchange.response.body == body
    assert exchange.response.content_type == CHUNKS_CONTENT_TYPE
    assert exchange.provider_hint == "openai-responses"


# -- hostile files ---------------------------------------------------------------------------------------


def test_python_object_tag_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = write_text(tmp_path, f"interactions: !!python/object/apply:os.system ['touch {marker}']\n")
    cassette = load(path)
    assert checks(cassette) == ["CASSETTE-002"]
    assert cassette.exchanges == []
    assert not marker.exists()


def test_unknown_local_tag_is_refused(tmp_path):
    cassette = load(write_text(tmp_path, "interactions: !custom {a: 1}\n"))
    assert checks(cassette) == ["CASSETTE-002"]


def test_wide_alias_expansion_is_refused(tmp_path):
    # one anchor of 3,000 items used 3,000 times: 9 million nodes once expanded, from a 20 kB file
    text = "a: &a [" + ", ".join(["x"] * 3000) + "]\nb: [" + ", ".join(["*a"] * 3000) + "]\ninteractions: []\n"
    cassette = load(write_text(tmp_path, text))
    assert checks(cassette) == ["CASSETTE-004"]


def test_a_few_aliases_are_fine(tmp_path):
    text = "defaults: &h {content-type: [text/event-stream]}\ninteractions:\n" + "".join(
        f"- request: {{method: POST, uri: u, headers: *h}}\n  response: {{headers: *h, body: {{string: 'data: {n}\\n\\n'}}}}\n"
        for n in range(3))
    cassette = load(write_text(tmp_path, text))
    assert cassette.findings == []
    assert len(cassette.exchanges) == 3


def test_self_referencing_alias_is_refused(tmp_path):
    cassette = load(write_text(tmp_path, "interactions: &a [*a]\n"))
    assert checks(cassette) == ["CASSETTE-004"]


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused(tmp_path):
    # Only 72 alias events, but 9**9 strings once expanded (orjson.dumps of a request body would expand them).
    cassette = load(write_text(tmp_path, BILLION_LAUGHS + "interactions: []\n"))
    assert "CASSETTE-004" in checks(cassette)


@pytest.mark.parametrize("text", ["interactions: [\n", "a: b: c\n", "key: 'unterminated\n", "\t- tab\n",
                                  "interactions:\n- {request: }}\n", "x: 2001-02-30\n"])
def test_malformed_yaml(tmp_path, text):
    cassette = load(write_text(tmp_path, text))
    assert checks(cassette) == ["CASSETTE-001"]
    assert cassette.exchanges == []


@pytest.mark.parametrize("text", ["x: !!timestamp nope\n", "interactions: !!timestamp ''\n", "x: !!binary '#'\n",
                                  "x: !!int abc\n", "x: !!float abc\n", "x: !!bool maybe\n", "x: !!null 3\n"])
def test_explicit_core_tags_with_bad_values(tmp_path, text):
    cassette = load(write_text(tmp_path, text))  # must not raise
    assert cassette.exchanges == []
    assert len(cassette.findings) == 1 and cassette.findings[0].check.startswith("CASSETTE-00")


def test_not_utf8_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"interactions: [\xff\xfe]\n")
    assert checks(load(path)) == ["CASSETTE-001"]


@pytest.mark.parametrize("document", [[1, 2], "just text", 42, None, {"version": 1},
                                      {"interactions": {"a": 1}}, {"interactions": "x"}])
def test_top_level_shape(tmp_path, document):
    cassette = load(write_yaml(tmp_path, document))
    assert checks(cassette) == ["CASSETTE-005"]
    assert cassette.exchanges == []


def test_interaction_missing_response_is_skipped_others_kept(tmp_path):
    document = {"interactions": [{"request": {"method": "POST", "uri": "u"}}, interaction("data: 1\n\n"), 7,
                                 {"request": {}, "response": "x"}]}
    cassette = load(write_yaml(tmp_path, document))
    assert checks(cassette) == ["CASSETTE-005", "CASSETTE-005", "CASSETTE-005"]
    assert [f.location.exchange for f in cassette.findings] == [0, 2, 3]
    assert [e.index for e in cassette.exchanges] == [1]


def test_response_without_body(tmp_path):
    document = {"interactions": [interaction()]}
    del document["interactions"][0]["response"]["body"]
    cassette = load(write_yaml(tmp_path, document))
    assert checks(cassette) == ["CASSETTE-005"]
    assert cassette.exchanges[0].response.body == b""


def test_corrupt_gzip(tmp_path):
    data = bytearray(gzip.compress(SSE_BODY.encode() * 20))
    data[12:20] = b"\xff" * 8  # inside the deflate stream
    document = {"interactions": [interaction(bytes(data), response_headers={"content-encoding": ["gzip"]})]}
    cassette = load(write_yaml(tmp_path, document))
    assert checks(cassette) == ["CASSETTE-007"]
    assert len(cassette.exchanges) == 1


def test_truncated_gzip(tmp_path):
    data = gzip.compress(SSE_BODY.encode() * 50)
    document = {"interactions": [interaction(data[: len(data) // 2], response_headers={"content-encoding": ["gzip"]})]}
    cassette = load(write_yaml(tmp_path, document))
    assert checks(cassette) == ["CASSETTE-007"]


def test_oversized_file(tmp_path):
    path = write_yaml(tmp_path, {"interactions": [interaction("data: " + "x" * 500 + "\n\n")]})
    cassette = load(path, max_file_bytes=100)
    assert checks(cassette) == ["CASSETTE-003"]
    assert cassette.exchanges == []
    assert load(path, max_file_bytes=10_000).findings == []


def test_missing_path(tmp_path):
    cassette = load(tmp_path / "nope.yaml")
    assert checks(cassette) == ["CASSETTE-001"]
    assert cassette.findings[0].location.cassette == str(tmp_path / "nope.yaml")


def test_directory_path(tmp_path):
    folder = tmp_path / "d.yaml"
    folder.mkdir()
    assert checks(load(folder)) == ["CASSETTE-001"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path):
    path = write_yaml(tmp_path, {"interactions": []})
    path.chmod(0)
    try:
        assert checks(load(path)) == ["CASSETTE-001"]
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize("body", [{1: 2}, {"a": b"\x00\x01"}, {"a": {1, 2}}, [2**70]])
def test_request_body_mapping_that_json_cannot_hold(tmp_path, body):
    document = {"interactions": [interaction(request_body=body)]}
    cassette = load(write_yaml(tmp_path, document))  # must not raise
    assert len(cassette.exchanges) + len(cassette.findings) >= 1


@pytest.mark.parametrize("uri", ["http://[::1?key=abc", "http://[oops/path", 12, None, ["a"]])
def test_odd_uri_never_raises(tmp_path, uri):
    cassette = load(write_yaml(tmp_path, {"interactions": [interaction(uri=uri)]}))
    assert len(cassette.exchanges) == 1


# -- credentials -----------------------------------------------------------------------------------------


def assert_secret_absent(cassette, secret=SECRET):
    for item in cassette.findings:
        assert secret not in item.model_dump_json()
        assert secret not in repr(item)


@pytest.mark.parametrize("headers", [{"authorization": [f"Bearer {SECRET}"]}, {"Authorization": f"Bearer {SECRET}"},
                                     {"x-api-key": [SECRET]}, {"X-Goog-Api-Key": [SECRET]},
                                     {"cookie": [f"session={SECRET}"]}])
def test_credential_headers_flagged_without_the_value(tmp_path, headers):
    cassette = load(write_yaml(tmp_path, {"interactions": [interaction(headers=headers)]}))
    assert checks(cassette) == ["CASSETTE-006"]
    assert cassette.findings[0].severity.value == "error"
    assert cassette.findings[0].location.exchange == 0
    assert_secret_absent(cassette)


def test_credential_in_response_header(tmp_path):
    cassette = load(write_yaml(tmp_path, {"interactions": [interaction(response_headers={
        "set-cookie": [f"session={SECRET}; path=/"]})]}))
    assert checks(cassette) == ["CASSETTE-006"]
    assert_secret_absent(cassette)


def test_infrastructure_cookie_in_response_header_is_a_warning(tmp_path):
    # Cloudflare's bot-management cookie opens nothing: CASSETTE-013 (tests/test_secrets_cookies.py has the rest)
    cassette = load(write_yaml(tmp_path, {"interactions": [interaction(response_headers={
        "set-cookie": [f"__cf_bm={SECRET}; path=/"]})]}))
    assert checks(cassette) == ["CASSETTE-013"]
    assert_secret_absent(cassette)


@pytest.mark.parametrize("param", ["key", "api_key", "X-Amz-Signature"])
def test_credential_query_parameter(tmp_path, param):
    uri = f"https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?alt=sse&{param}={SECRET}"
    cassette = load(write_yaml(tmp_path, {"interactions": [interaction(uri=uri)]}))
    assert checks(cassette) == ["CASSETTE-006"]
    assert_secret_absent(cassette)


@pytest.mark.parametrize("value", ["REDACTED", "Bearer REDACTED", "<API_KEY>", "", "Bearer ***", "scrubbed",
                                   "Bearer <redacted>", "DUMMY"])
def test_redacted_values_are_not_flagged(tmp_path, value):
    document = {"interactions": [interaction(headers={"authorization": [value], "x-api-key": [value]},
                                             uri=f"https://x/y?key={value}")]}
    assert load(write_yaml(tmp_path, document)).findings == []


def test_ordinary_headers_not_flagged(tmp_path):
    document = {"interactions": [interaction(headers={"content-type": ["application/json"],
                                                      "x-request-id": [SECRET]}, uri="https://x/y?alt=sse")]}
    assert load(write_yaml(tmp_path, document)).findings == []


# -- save ------------------------------------------------------------------------------------------------


def sample_exchanges() -> list[Exchange]:
    return [
        Exchange(
            index=0,
            request=Request(method="POST", uri="https://api.anthropic.com/v1/messages",
                            headers={"x-api-key": [SECRET], "content-type": ["application/json"]},
                            body=b'{"stream": true, "model": "claude-x"}'),
            response=Response(status=200, headers={"content-type": ["text/event-stream"],
                                                   "set-cookie": ["s=abc123def456"]},
                              body=SSE_BODY.encode()),
        ),
        Exchange(
            index=1,
            request=Request(method="POST", uri="https://api.anthropic.com/v1/messages",
                            headers={"authorization": [f"Bearer {SECRET}"]}, body=b'{"stream": true}'),
            response=Response(status=529, headers={"content-type": ["application/json"]},
                              body=b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
        ),
    ]


def test_save_round_trip(tmp_path):
    path = tmp_path / "out" / "saved.yaml"
    meta = CassetteMeta(provider="anthropic-messages", scenario="s", written_by="harness tests",
                        sources=["specs/openai-anthropic.md C.7"], expect=["STATE-001"])
    original = sample_exchanges()
    save(path, original, meta)
    assert SECRET not in path.read_text()
    cassette = load(path)
    assert cassette.findings == []
    assert cassette.meta.provider == "anthropic-messages"
    assert cassette.meta.expect == ["STATE-001"]
    assert cassette.meta.sources == ["specs/openai-anthropic.md C.7"]
    assert len(cassette.exchanges) == 2
    for loaded, before in zip(cassette.exchanges, original):
        assert loaded.response.body == before.response.body
        assert loaded.response.status == before.response.status
        assert loaded.request.body == before.request.body
        assert loaded.request.uri == before.request.uri
        assert loaded.request.method == before.request.method
        assert loaded.response.content_type == before.response.content_type
    assert cassette.exchanges[0].request.headers["x-api-key"] == ["REDACTED"]
    assert cassette.exchanges[0].response.headers["set-cookie"] == ["REDACTED"]
    assert cassette.exchanges[1].request.headers["authorization"] == ["REDACTED"]
    assert cassette.exchanges[0].request.headers["content-type"] == ["application/json"]


def test_save_scrubs_credentials_in_the_uri(tmp_path):
    path = tmp_path / "saved.yaml"
    exchange = Exchange(index=0, request=Request(uri=f"https://x/v1/m:streamGenerateContent?alt=sse&key={SECRET}"),
                        response=Response(body=b"data: {}\n\n"))
    save(path, [exchange], CassetteMeta())
    assert SECRET not in path.read_text()
    assert load(path).findings == []


def test_save_keeps_binary_bodies(tmp_path):
    # AWS event-stream bodies are binary; a saved cassette must give back the same bytes.
    body = b"\x00\x00\x00\x2a\x00\x00\x00\x10\xde\xad\xbe\xef\xff\xfe"
    path = tmp_path / "saved.yaml"
    save(path, [Exchange(index=0, request=Request(), response=Response(body=body))], CassetteMeta())
    assert load(path).exchanges[0].response.body == body


def test_saved_cassette_loads_under_plain_vcrpy(tmp_path):
    from vcr import serialize
    from vcr.cassette import Cassette as VCRCassette
    from vcr.serializers import yamlserializer

    path = tmp_path / "saved.yaml"
    save(path, sample_exchanges(), CassetteMeta(provider="anthropic-messages", expect=["STATE-001"]))
    requests, responses = serialize.deserialize(path.read_text(), yamlserializer)[:2]
    assert [r.uri for r in requests] == ["https://api.anthropic.com/v1/messages"] * 2
    assert [r.method for r in requests] == ["POST", "POST"]
    assert responses[0]["body"]["string"] == SSE_BODY.encode()
    assert responses[1]["status"]["code"] == 529

    cassette = VCRCassette.load(path=str(path))
    assert len(cassette) == 2
    assert cassette.requests[0].body == b'{"stream": true, "model": "claude-x"}'


def test_harness_cassette_loads_under_plain_vcrpy(tmp_path):
    from vcr.cassette import Cassette as VCRCassette

    document = {"harness": {"provider": "openai-responses", "expect": ["ORDER-003"]},
                "interactions": [interaction(SSE_BODY, request_body='{"a": 1}')], "version": 1}
    path = write_yaml(tmp_path, document)
    cassette = VCRCassette.load(path=str(path))
    assert len(cassette) == 1
    assert load(path).findings == []


# -- properties: nothing a file holds makes load() raise ---------------------------------------------------

KNOWN = catalogue()


def assert_well_formed(cassette):
    for item in cassette.findings:
        assert item.check.startswith("CASSETTE-"), item
        assert item.check in KNOWN


# every example writes a file: a quarter of the profile's examples
FILE_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                         max_examples=max(25, settings().max_examples // 4))


@FILE_SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    assert_well_formed(load(path))


SCALARS = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True)
           | st.text(max_size=10) | st.binary(max_size=10))
KEYS = st.sampled_from(["interactions", "request", "response", "body", "string", "headers", "status", "code",
                        "uri", "method", "parsed_body", "harness", "expect", "sources", "provider",
                        "content-encoding", "authorization", "version"]) | st.text(max_size=6) | st.integers()
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


@st.composite
def cassette_like(draw):
    """Mostly the right shape, with anything at any leaf."""
    def maybe(strategy, fallback):
        return draw(st.one_of(st.just(fallback), strategy))

    interactions = []
    for _ in range(draw(st.integers(0, 3))):
        request = maybe(STRUCTURES, {
            "method": maybe(STRUCTURES, "POST"), "uri": maybe(STRUCTURES, "https://x/y?key=abc"),
            "headers": maybe(STRUCTURES, {"authorization": ["Bearer abc"]}),
            "body": maybe(STRUCTURES, '{"a": 1}'), "parsed_body": maybe(STRUCTURES, None),
        })
        response = maybe(STRUCTURES, {
            "status": maybe(STRUCTURES, {"code": 200}),
            "headers": maybe(STRUCTURES, {"content-encoding": ["gzip"]}),
            "body": maybe(STRUCTURES, {"string": maybe(STRUCTURES, "data: x\n\n")}),
        })
        interactions.append(maybe(STRUCTURES, {"request": request, "response": response}))
    return {"harness": maybe(STRUCTURES, {"expect": maybe(STRUCTURES, ["WIRE-001"])}),
            "interactions": maybe(STRUCTURES, interactions), "version": 1}


@FILE_SETTINGS
@given(cassette_like() | STRUCTURES)
def test_yaml_structures_never_raise(tmp_path, document):
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert_well_formed(load(path))


@FILE_SETTINGS
@given(cassette_like(), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(
    ["", "&a ", "*a", "!!binary ", "!!python/tuple ", "{", "]", "\t", ": ", "- ", "'", '"', "\\", "\n", "%YAML 1.1\n",
     "---\n", "? ", "!!str ", "!!int ", "!!timestamp "])), max_size=5))
def test_mutated_yaml_never_raises(tmp_path, document, mutations):
    text = yaml.safe_dump(document)
    for position, insert in mutations:
        position %= len(text) + 1
        text = text[:position] + insert + text[position:]
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    assert_well_formed(load(path))
