"""tessera.core.aws: Signature Version 4, the JSON protocol, retries and errors, without a network."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tessera.core import aws

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def test_signature_of_the_test_suite_request_matches_botocore() -> None:
    # the request of AWS's SigV4 test suite "get-vanilla"; botocore signs the same bytes the same way
    from unittest import mock

    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    moment = datetime(2015, 8, 30, 12, 36, tzinfo=UTC)

    class Frozen(datetime):
        @classmethod
        def utcnow(cls) -> datetime:  # type: ignore[override]
            return moment.replace(tzinfo=None)

        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return moment if tz else moment.replace(tzinfo=None)

    request = AWSRequest(method="GET", url="https://example.amazon.com/", headers={})
    with mock.patch.object(botocore.auth.datetime, "datetime", Frozen):
        botocore.auth.SigV4Auth(Credentials("AKIDEXAMPLE", SECRET), "service", "us-east-1").add_auth(request)
    ours = aws.sign("GET", "https://example.amazon.com/", {}, b"", "service", "us-east-1",
                    aws.Credentials("AKIDEXAMPLE", SECRET), now=moment)
    assert request.headers["X-Amz-Date"] == "20150830T123600Z"
    assert ours["authorization"] == request.headers["Authorization"]
    assert "SignedHeaders=host;x-amz-date," in ours["authorization"]


def test_signature_matches_botocore_for_a_json_call_with_a_session_token() -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = json.dumps({"TableName": "t", "Key": {"pk": {"S": "ORG#1"}, "sk": {"S": "Ä"}}}).encode()
    url = "https://dynamodb.eu-central-1.amazonaws.com/"
    headers = {"content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.GetItem"}
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    SigV4Auth(Credentials("AKID", SECRET, "session-token"), "dynamodb", "eu-central-1").add_auth(request)
    moment = datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    ours = aws.sign("POST", url, headers, body, "dynamodb", "eu-central-1",
                    aws.Credentials("AKID", SECRET, "session-token"), now=moment)
    assert ours["authorization"] == request.headers["Authorization"]
    assert ours["x-amz-security-token"] == "session-token"


class FakeTransport:
    def __init__(self, *answers: tuple[int, dict[str, Any]]) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        self.requests.append((url, headers, json.loads(body)))
        status, answer = self.answers.pop(0)
        return status, json.dumps(answer).encode()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTransport]:
    transport = FakeTransport()
    monkeypatch.setattr(aws, "transport", transport)
    monkeypatch.setattr(aws, "_pause", lambda attempt: None)
    yield transport


def test_blobs_go_out_base64_and_come_back_as_bytes(fake: FakeTransport) -> None:
    fake.answers.append((200, {"Signature": base64.b64encode(b"\x30\x01").decode(), "KeyId": "k"}))
    answer = aws.client("kms").sign(KeyId="k", Message=b"\x00\xff", MessageType="RAW")
    url, headers, body = fake.requests[0]
    assert headers["x-amz-target"] == "TrentService.Sign"
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert url == "https://kms.eu-central-1.amazonaws.com/"
    assert body == {"KeyId": "k", "Message": "AP8=", "MessageType": "RAW"}
    assert answer == {"Signature": b"\x30\x01", "KeyId": "k"}


def test_throttling_and_server_errors_are_retried(fake: FakeTransport) -> None:
    fake.answers += [(400, {"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}),
                     (500, {"message": "oops"}), (200, {"Item": {}})]
    assert aws.client("dynamodb").get_item(TableName="t", Key={}) == {"Item": {}}
    assert len(fake.requests) == 3


def test_a_client_error_is_raised_at_once_with_its_code(fake: FakeTransport) -> None:
    fake.answers.append((400, {"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                               "message": "The conditional request failed"}))
    with pytest.raises(aws.AwsError) as caught:
        aws.client("dynamodb").put_item(TableName="t", Item={})
    assert caught.value.code == "ConditionalCheckFailedException" and caught.value.status == 400
    assert len(fake.requests) == 1


def test_retries_end_after_three_attempts(fake: FakeTransport) -> None:
    fake.answers += [(400, {"__type": "ThrottlingException"})] * 3
    with pytest.raises(aws.AwsError, match="ThrottlingException"):
        aws.client("sqs").send_message(QueueUrl="q", MessageBody="{}")
    assert len(fake.requests) == 3


def test_endpoints_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324/")
    assert aws.endpoint("dynamodb") == "http://127.0.0.1:4566/"
    assert aws.endpoint("sqs") == "http://127.0.0.1:9324/"
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.setenv("AWS_REGION", "ru-central-1")
    assert aws.endpoint("dynamodb") == "https://dynamodb.ru-central-1.amazonaws.com/"


def test_observers_see_every_call(fake: FakeTransport) -> None:
    seen: list[tuple[str, str]] = []
    aws.observers.append(lambda service, operation, params: seen.append((service, operation)))
    try:
        fake.answers.append((200, {}))
        aws.client("secretsmanager").get_secret_value(SecretId="s")
    finally:
        aws.observers.pop()
    assert seen == [("secretsmanager", "GetSecretValue")]


def test_a_retried_transaction_carries_one_client_request_token(fake: FakeTransport) -> None:
    fake.answers += [(500, {"message": "lost"}), (200, {})]
    aws.client("dynamodb").transact_write_items(TransactItems=[])
    tokens = [body["ClientRequestToken"] for _, _, body in fake.requests]
    assert len(tokens) == 2 and tokens[0] == tokens[1] and len(tokens[0]) == 36
    fake.answers.append((200, {}))
    aws.client("dynamodb").transact_write_items(TransactItems=[])
    assert fake.requests[-1][2]["ClientRequestToken"] != tokens[0]  # a new call, a new token
