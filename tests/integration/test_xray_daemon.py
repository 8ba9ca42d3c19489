"""A subsegment reaches a UDP listener the way the X-Ray daemon receives it: the header line, then the document."""

from __future__ import annotations

import json
import socket

import pytest

from tessera.core import tracing


def test_a_subsegment_arrives_as_one_datagram(monkeypatch: pytest.MonkeyPatch) -> None:
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    daemon.settimeout(5)
    monkeypatch.setenv("AWS_XRAY_DAEMON_ADDRESS", f"127.0.0.1:{daemon.getsockname()[1]}")
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    with tracing.subsegment("DynamoDB", "aws", operation="GetItem") as segment:
        segment.http_status = 200
    packet, _ = daemon.recvfrom(65536)
    daemon.close()
    header, _, body = packet.partition(b"\n")
    assert json.loads(header) == {"format": "json", "version": 1}
    document = json.loads(body)
    assert (document["name"], document["namespace"], document["parent_id"]) == ("DynamoDB", "aws", "53995c3f42cd8ad8")
    assert len(document["id"]) == 16 and document["end_time"] >= document["start_time"]
