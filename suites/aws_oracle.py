"""botocore's own event-stream reading, as the independent oracle for the AWS families.

``EventStreamBuffer`` splits and CRC-checks the messages; ``EventStreamJSONParser`` turns each into
its union member with the service model's shapes (botocore/eventstream.py ``EventStream._parse_event``
does exactly these two steps). Unknown members come back as ``{}``, blobs base64-decoded, undeclared
JSON members such as the padding ``p`` dropped: botocore's view, not ours.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

botocore_session = pytest.importorskip("botocore.session")
from botocore.eventstream import EventStreamBuffer  # noqa: E402
from botocore.parsers import EventStreamJSONParser  # noqa: E402


@cache
def _stream_shape(service: str, operation: str) -> Any:
    model = botocore_session.get_session().get_service_model(service).operation_model(operation)
    output = model.output_shape
    return output.members[output.serialization["payload"]]


def botocore_events(body: bytes, service: str, operation: str) -> list[dict[str, Any]]:
    """Each message of ``body`` as botocore parses it: ``{member: value}``, or ``{"<error>": code}``
    for an exception or error message (where botocore's iterator would raise)."""
    shape = _stream_shape(service, operation)
    parser = EventStreamJSONParser()
    buffer = EventStreamBuffer()
    buffer.add_data(body)
    events = []
    for message in buffer:
        response = message.to_response_dict()
        parsed = parser.parse(response, shape)
        if response["status_code"] != 200:
            events.append({"<error>": parsed.get("Error", {}).get("Code")})
        else:
            events.append(parsed)
    return events
