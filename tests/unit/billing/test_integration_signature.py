"""The 1С / CRM request signature: HMAC-SHA256 over "<timestamp>.<body>", 5 minutes either way."""

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from tessera.billing.integrations import check_timestamp, signature
from tessera.core.errors import Unauthorized

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SECRET = "s3cr3t-integration-key"


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"payment_id":"1C-1","invoice_number":7,"amount_kopecks":100}'
    expected = hmac.new(SECRET.encode(), b"1772355600." + body, hashlib.sha256).hexdigest()
    assert signature(SECRET, "1772355600", body) == f"sha256={expected}"


def test_a_changed_body_timestamp_or_key_changes_the_signature() -> None:
    base = signature(SECRET, "100", b"{}")
    assert signature(SECRET, "101", b"{}") != base
    assert signature(SECRET, "100", b"{ }") != base
    assert signature(SECRET + "x", "100", b"{}") != base
    assert signature(SECRET, "10", b"0.{}") != base  # the dot keeps timestamp and body apart


@pytest.mark.parametrize("offset", [0, 299, -299, 300, -300])
def test_within_five_minutes_either_way(offset: int) -> None:
    check_timestamp(str(int(NOW.timestamp()) + offset), NOW)


@pytest.mark.parametrize("sent", [str(int(NOW.timestamp()) + 301), str(int(NOW.timestamp()) - 301), "", None,
                                  "yesterday", "1.5e9"])
def test_outside_the_window_or_not_a_timestamp_is_refused(sent: str | None) -> None:
    with pytest.raises(Unauthorized) as refused:
        check_timestamp(sent, NOW)
    assert refused.value.code == "timestamp-outside-window"
