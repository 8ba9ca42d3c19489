from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from tessera.audit.models import (
    GENESIS_HASH,
    AuditActor,
    AuditEntry,
    AuditEvent,
    chain_hash,
    diff,
    format_at,
    mask_snapshot,
    parse_at,
)

STAFF = AuditActor(id="usr_1", kind="staff", display="Анна", roles=["admin"])


def test_diff_is_flat_with_dotted_paths() -> None:
    before = {"name": "Old", "plan": {"seats": 5, "limits": {"api": 10}}, "tags": ["a"], "gone": 1}
    after = {"name": "New", "plan": {"seats": 5, "limits": {"api": 20}}, "tags": ["a", "b"], "added": True}
    assert diff(before, after) == {
        "added": [None, True], "gone": [1, None], "name": ["Old", "New"],
        "plan.limits.api": [10, 20], "tags": [["a"], ["a", "b"]]}
    assert diff(None, {"a": {"b": 1}}) == {"a.b": [None, 1]}
    assert diff({"a": 1}, {"a": 1}) == {}
    assert diff({"a": None}, {}) == {}


def test_diff_never_holds_a_secret_value() -> None:
    before = {"password_hash": "$2b$12$old", "api_key": "k-1", "totp_secret": None, "mfa_enabled": False,
              "credentials": {"login": "u", "pass": "p1"}, "unchanged_token": "same"}
    after = {"password_hash": "$2b$12$new", "totp_secret": "JBSWY3DP", "mfa_enabled": True,
             "credentials": {"login": "u", "pass": "p2"}, "unchanged_token": "same"}
    changes = diff(before, after)
    assert changes == {"api_key": ["***", None], "credentials": ["***", "***"], "mfa_enabled": [False, True],
                       "password_hash": ["***", "***"], "totp_secret": [None, "***"]}
    text = repr(changes)
    for secret in ("$2b$12", "k-1", "JBSWY3DP", "p1", "p2", "same"):
        assert secret not in text


def test_diff_masks_by_key_and_converts_types() -> None:
    changes = diff({"email": "a@b.ru", "contacts": [{"phone": "+79990000000", "name": "A"}]},
                   {"email": "c@d.ru", "contacts": [{"phone": "+79990000001", "name": "A"}],
                    "price": Decimal("10.50"), "due": datetime(2026, 1, 2, tzinfo=UTC)})
    assert changes["email"] == ["***", "***"]
    assert changes["contacts"] == [[{"phone": "***", "name": "A"}], [{"phone": "***", "name": "A"}]]
    assert changes["price"] == [None, "10.50"]
    assert changes["due"] == [None, "2026-01-02T00:00:00Z"]


def test_snapshots_are_masked() -> None:
    assert mask_snapshot({"name": "A", "password": "x", "nested": {"refresh_token": "t", "n": 1}}) == {
        "name": "A", "password": "***", "nested": {"refresh_token": "***", "n": 1}}
    assert mask_snapshot(None) is None


def test_entry_validation() -> None:
    AuditEntry(actor=STAFF, action="customer_data.read", entity_type="license", entity_id="lic_1")
    for bad in ("Login", "auth", "auth.", "auth login", "auth.*"):
        with pytest.raises(ValidationError):
            AuditEntry(actor=STAFF, action=bad, entity_type="license", entity_id="lic_1")
    with pytest.raises(ValidationError):
        AuditActor(id="x", kind="robot")  # type: ignore[arg-type]


def test_time_format_is_fixed_width_and_round_trips() -> None:
    moment = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert format_at(moment) == "2026-03-01T12:00:00.000000Z"
    assert parse_at(format_at(moment)) == moment


def test_hash_covers_every_field_and_the_predecessor() -> None:
    event = AuditEvent(actor=STAFF, action="grant.create", entity_type="grant", entity_id="grt_1", org_id="org_1",
                       after={"reason": "ticket 42"}, diff={"reason": [None, "ticket 42"]}, id="aud_1",
                       chain="main", seq=1, at=datetime(2026, 1, 1, tzinfo=UTC), prev_at=None,
                       prev_hash=GENESIS_HASH, hash="")
    original = event.computed_hash()
    assert original == chain_hash(GENESIS_HASH, event.document())
    assert len(original) == 64
    assert event.model_copy(update={"prev_hash": "1" * 64}).computed_hash() != original
    assert event.model_copy(update={"after": {"reason": "ticket 43"}}).computed_hash() != original
    assert event.model_copy(update={"actor": STAFF.model_copy(update={"roles": []})}).computed_hash() != original
    # a view-only change of representation does not move the hash
    assert event.model_copy(update={"hash": "anything"}).computed_hash() == original
