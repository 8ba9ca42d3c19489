"""The response-signing key rotates on a schedule (ResponseKeyRotationFunction), made a day ahead; the
heartbeat endpoint only reads it, switches to the next key on time by itself, and never waits on a
rotation."""

import os
from datetime import timedelta
from typing import Any

import boto3
import pytest

from tessera.core import clock
from tessera.licensing import response_keys
from tests.aws_calls import recorded
from tests.integration.licensing.test_heartbeats import NOW, Installation, claims_of, drain, world  # noqa: F401
from tests.integration.stack import LambdaContext, handler_of


def rotate() -> dict[str, Any]:
    return dict(handler_of("ResponseKeyRotationFunction")({}, LambdaContext()))


def kid_of(answer: Any) -> str:
    return str(claims_of(answer.body["signing_certificate"])["jwk"]["kid"])


@pytest.fixture
def fresh_secret() -> None:
    """As just after a deploy: the secret holds no key yet."""
    boto3.client("secretsmanager").put_secret_value(SecretId=os.environ["RESPONSE_KEY_SECRET_ARN"],
                                                    SecretString="{}")
    response_keys.forget()


def test_before_the_first_rotation_a_heartbeat_answers_503_and_queues_nothing(
        world: dict[str, Any], fresh_secret: None) -> None:  # noqa: F811
    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        answer = installation.beat()
        assert (answer.status, answer.code) == (503, "response-key-missing")
        assert answer.headers["retry-after"] == "30"
        assert drain()["count"] == 0
        assert rotate()["changed"] is True
        response_keys.forget()  # the container's 30 s wait for a missing key is over
        assert installation.beat().body["accepted"]


def test_the_schedule_rotates_daily_and_the_request_path_only_reads(
        world: dict[str, Any], fresh_secret: None) -> None:  # noqa: F811
    installation: Installation = world["installation"]
    with clock.frozen(NOW):
        first = rotate()
        again = rotate()  # the hourly runs in between change nothing and sign nothing
    assert again == {"changed": False, "in_turn": first["in_turn"], "next": first["next"]}

    with clock.frozen(NOW + timedelta(hours=1)), recorded() as calls:
        assert kid_of(installation.beat()) == first["in_turn"]
        assert kid_of(installation.beat()) == first["in_turn"]
    # the keys and the license's state are read once and cached; no write, no KMS call
    assert calls.by_operation() == {"GetSecretValue": 1, "GetItem": 1, "SendMessage": 2}

    # The next key's turn comes before the schedule runs: each container switches by itself.
    with clock.frozen(NOW + timedelta(days=1, minutes=1)), recorded() as calls:
        assert kid_of(installation.beat()) == first["next"]
    assert calls.by_operation() == {"GetItem": 1, "SendMessage": 1}  # the keys still cached: no read at all

    with clock.frozen(NOW + timedelta(days=1, minutes=5)), recorded() as calls:
        second = rotate()
    assert (second["changed"], second["in_turn"]) == (True, first["next"]) and second["next"] != first["next"]
    assert calls.by_operation() == {"GetSecretValue": 1, "Sign": 1, "PutSecretValue": 1}


def test_a_key_is_certified_past_its_turn(world: dict[str, Any], fresh_secret: None) -> None:  # noqa: F811
    """A container may sign with the previous key for up to ten minutes after the switch, and a late
    schedule leaves the key in turn longer: its certificate covers a day past its turn."""
    installation: Installation = world["installation"]
    with clock.frozen(NOW):
        rotate()
        certificate = claims_of(installation.beat().body["signing_certificate"])
    assert certificate["nbf"] <= NOW.timestamp()
    assert certificate["exp"] == certificate["nbf"] + 2 * 86400
