import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ulid import ULID

from tessera.core import clock, ids
from tessera.core.ids import new_id, new_secret_token, sha256_hex


def test_ids_are_prefixed_and_ordered_by_platform_time() -> None:
    with clock.frozen(datetime(2026, 1, 1, tzinfo=UTC)):
        early = new_id("acc")
    late = new_id("acc")
    assert early.startswith("acc_") and len(early) == 30
    assert early < late


def test_ids_are_monotonic_ulids_of_platform_time() -> None:
    """The ULID after the prefix carries platform time; within one millisecond (a frozen clock) each id
    is the previous plus one, so ids made one after another keep their order."""
    moment = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    with clock.frozen(moment):
        made = [new_id("acc") for _ in range(1000)]
    assert made == sorted(made) and len(set(made)) == 1000
    first, second = ULID.from_str(made[0][4:]), ULID.from_str(made[1][4:])
    assert first.datetime == moment and int(second) == int(first) + 1


def test_a_reset_generator_draws_new_randomness() -> None:
    """After a SnapStart restore each worker resets the generator; otherwise restored copies would
    continue the snapshot's sequence and mint the same ids."""
    with clock.frozen(datetime(2026, 12, 1, 5, 0, tzinfo=UTC)):
        before = ULID.from_str(new_id("acc")[4:])
        ids.reset()
        after = ULID.from_str(new_id("acc")[4:])
    assert after.milliseconds == before.milliseconds and int(after) != int(before) + 1


def test_bad_prefix() -> None:
    with pytest.raises(ValueError):
        new_id("Acc")


def test_secrets() -> None:
    token = new_secret_token()
    assert len(token) >= 43 and token != new_secret_token()
    assert sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_frozen_and_advance() -> None:
    moment = datetime(2026, 3, 1, 12, 0)
    with clock.frozen(moment):
        assert clock.now() == moment.replace(tzinfo=UTC)
        clock.advance(timedelta(days=1))
        assert clock.today().isoformat() == "2026-03-02"
        assert clock.utcnow_iso() == "2026-03-02T12:00:00Z"
        assert clock.epoch_seconds() == int(datetime(2026, 3, 2, 12, tzinfo=UTC).timestamp())
    with pytest.raises(RuntimeError):
        clock.advance(timedelta(seconds=1))


def test_clock_file_offset_followed_when_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "clock.json"
    monkeypatch.setenv("TESSERA_CLOCK_FILE", str(path))
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5  # no file yet: real time
    path.write_text(json.dumps({"offset_seconds": 86_400}))  # as the local cloud's clock page writes it
    assert 86_390 < (clock.now() - datetime.now(UTC)).total_seconds() < 86_410
    time.sleep(0.01)
    path.write_text(json.dumps({"offset_seconds": 7 * 86_400}))
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert (clock.now() - datetime.now(UTC)).days == 6 or (clock.now() - datetime.now(UTC)).days == 7
    path.write_text("not json")
    os.utime(path, (time.time() + 10, time.time() + 10))
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5
    assert clock.read_offset(tmp_path / "missing.json") == 0.0
