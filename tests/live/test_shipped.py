"""Every shipped cassette over a real socket: the bytes come back as recorded, checking them finds
what checking the file finds, and the server's resume checks agree with the pipeline's."""

from __future__ import annotations

import httpx

from harness.cassette import Cassette
from harness.exchange import Exchange, Response
from harness.findings import Finding
from harness.live.library import Library
from harness.live.serve import serving
from harness.pipeline import check_cassette, check_path


def _key(item: Finding) -> tuple:
    where = item.location
    return item.check, item.severity, item.message, where.exchange, where.frame, where.offset, where.path


def test_every_shipped_cassette_is_served_byte_identical_and_checks_the_same(shipped: Library) -> None:
    with serving(shipped) as app, httpx.Client(base_url=app.base_url, timeout=10) as client:
        for name, served in sorted(shipped.by_name.items()):
            fetched = []
            for exchange in served.cassette.exchanges:
                request = exchange.request
                path = f"/{name}" + httpx.URL(request.uri).raw_path.decode()
                reply = client.request(request.method, path, content=request.body,
                                       headers={"content-type": "application/json"})
                assert (reply.status_code, reply.content) == (exchange.response.status, exchange.response.body), name
                headers = {key: reply.headers.get_list(key) for key in reply.headers}
                fetched.append(Exchange(exchange.index, request, Response(reply.status_code, headers, reply.content),
                                        exchange.provider_hint))
            from_file = check_path(served.cassette.path)
            from_wire = check_cassette(Cassette(served.cassette.path, fetched, served.cassette.meta,
                                                list(served.cassette.findings)))
            assert sorted(map(_key, from_wire.findings)) == sorted(map(_key, from_file.findings)), name
        report = httpx.get(f"{app.base_url}/_harness/report").json()
    # the recorded next requests, replayed, draw from the server the resume findings the file has: each
    # client finding is one of the file's, and each RESUME finding of the file is either a client finding
    # or one the served stream raised itself (a re-attached stream, a resume answered in-band)
    file = {(name, item.check, item.location.exchange) for name, served in shipped.by_name.items()
            for item in check_path(served.cassette.path).findings}
    client = {(item["location"]["cassette"], item["check"], item["location"]["exchange"]) for item in report["findings"]}
    in_streams = {(entry["cassette"], check, entry["exchange"]) for entry in report["requests"]
                  for check in entry.get("stream_checks", [])}
    assert client <= file
    assert {entry for entry in file if entry[1].startswith("RESUME-")} <= client | in_streams
    assert len(client) > 40
