"""A small AWS client for the JSON-protocol services the request paths use (DynamoDB, SQS, KMS,
Secrets Manager): SigV4 over a kept-alive http.client connection.

Why not boto3: importing botocore costs as much as the whole budget a function has for its cold start,
and building a client loads a service model of several hundred kilobytes. This module imports in a
few milliseconds, http.client and ssl included. Calls read like boto3's
(`client("kms").sign(KeyId=…, Message=b"…")`): bytes go out base64-encoded and the blob fields of an
answer come back as bytes. Functions off the request paths (S3 presigning, SES, Step Functions) keep
using boto3.

Like boto3 it honours AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>): that is how the local cloud
and a 152-ФЗ deployment with compatible stores in Russia point the same code elsewhere."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Protocol:
    target_prefix: str
    json_version: str
    blob_fields: frozenset[str] = frozenset()


SERVICES = {
    "dynamodb": Protocol("DynamoDB_20120810", "1.0"),
    "sqs": Protocol("AmazonSQS", "1.0"),
    "kms": Protocol("TrentService", "1.1", frozenset({"Signature", "PublicKey", "Plaintext", "CiphertextBlob"})),
    "secretsmanager": Protocol("secretsmanager", "1.1", frozenset({"SecretBinary"})),
}

# Errors worth another attempt (botocore's standard retry mode retries the same ones).
RETRYABLE = frozenset({
    "ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException",
    "ProvisionedThroughputExceededException", "RequestLimitExceeded", "TooManyRequestsException",
    "LimitExceededException", "TransactionInProgressException", "InternalServerError", "InternalFailure",
    "ServiceUnavailable", "ServiceUnavailableException", "KMSInternalException",
})
# Operations whose retries are made safe by a token the service remembers (botocore fills these too).
IDEMPOTENCY_TOKENS = {("dynamodb", "TransactWriteItems"): "ClientRequestToken"}
MAX_ATTEMPTS = 3
TIMEOUT_SECONDS = 5.0


class AwsError(Exception):
    """An error answer: `code` is the AWS error code without its namespace (e.g. ConditionalCheckFailedException)."""

    def __init__(self, code: str, message: str, status: int, body: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.body = body or {}


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str | None = None


# (method, url, headers, body) → (status, body). Tests swap in one that answers from moto in-process.
Transport = Callable[[str, str, dict[str, str], bytes], tuple[int, bytes]]
# Called once per API call with (service, operation, params): how benchmarks and tests count AWS calls.
observers: list[Callable[[str, str, dict[str, Any]], None]] = []

_local = threading.local()


def http_transport(method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    parts = urlsplit(url)
    pool: dict[str, Any] = _local.__dict__.setdefault("connections", {})
    origin = f"{parts.scheme}://{parts.netloc}"
    for fresh in (False, True):
        connection = pool.get(origin)
        if connection is None or fresh:
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            connection = pool[origin] = kind(parts.netloc, timeout=TIMEOUT_SECONDS)
        try:
            connection.request(method, parts.path or "/", body=body, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            connection.close()
            if fresh:
                raise
    raise AssertionError("unreachable")


transport: Transport = http_transport


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-central-1"


def endpoint(service: str) -> str:
    override = os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL")
    return override.rstrip("/") + "/" if override else f"https://{service}.{region()}.amazonaws.com/"


def credentials() -> Credentials:
    """The function's role from the environment, as Lambda provides it; elsewhere (an operator's
    profile, SSO) botocore's resolver, imported only then."""
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        return Credentials(key, secret, os.environ.get("AWS_SESSION_TOKEN") or None)
    import botocore.session

    found = botocore.session.get_session().get_credentials()
    if found is None:
        raise AwsError("NoCredentials", "no AWS credentials found", 0)
    frozen = found.get_frozen_credentials()
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


@cache
def _signing_key(secret: str, day: str, region_name: str, service: str) -> bytes:
    return _hmac(_hmac(_hmac(_hmac(f"AWS4{secret}".encode(), day), region_name), service), "aws4_request")


def sign(method: str, url: str, headers: dict[str, str], body: bytes, service: str, region_name: str,
         creds: Credentials, now: datetime | None = None) -> dict[str, str]:
    """Signature Version 4: the headers to send, `Authorization` included."""
    moment = now or datetime.now(UTC)
    stamp, day = moment.strftime("%Y%m%dT%H%M%SZ"), moment.strftime("%Y%m%d")
    parts = urlsplit(url)
    signed = {**{k.lower(): v.strip() for k, v in headers.items()}, "host": parts.netloc, "x-amz-date": stamp}
    if creds.token:
        signed["x-amz-security-token"] = creds.token
    names = sorted(signed)
    payload_hash = hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method, parts.path or "/", parts.query, *(f"{n}:{signed[n]}" for n in names), "",
                           ";".join(names), payload_hash])
    scope = f"{day}/{region_name}/{service}/aws4_request"
    to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(_signing_key(creds.secret_key, day, region_name, service), to_sign.encode(),
                         hashlib.sha256).hexdigest()
    signed["authorization"] = (f"AWS4-HMAC-SHA256 Credential={creds.access_key}/{scope}, "
                               f"SignedHeaders={';'.join(names)}, Signature={signature}")
    return signed


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


class JsonClient:
    """One service; `call("GetItem", {...})` or, like boto3, `get_item(**params)`."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.protocol = SERVICES[service]

    def call(self, operation: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        for observe in observers:
            observe(self.service, operation, params or {})
        return self._call(operation, params)

    def _call(self, operation: str, params: dict[str, Any] | None) -> dict[str, Any]:
        token_field = IDEMPOTENCY_TOKENS.get((self.service, operation))
        if token_field and not (params or {}).get(token_field):
            # as botocore does: a retry after a lost answer must not apply the same writes twice
            params = {**(params or {}), token_field: str(uuid.uuid4())}
        body = json.dumps(_encode(params or {}), separators=(",", ":")).encode()
        headers = {"content-type": f"application/x-amz-json-{self.protocol.json_version}",
                   "x-amz-target": f"{self.protocol.target_prefix}.{operation}"}
        url = endpoint(self.service)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            signed = sign("POST", url, headers, body, self.service, region(), credentials())
            try:
                status, raw = transport("POST", url, signed, body)
            except OSError:
                if attempt == MAX_ATTEMPTS:
                    raise
                _pause(attempt)
                continue
            answer = _json(raw)
            if status < 300:
                return self._decode(answer)
            error = _error(status, answer)
            if attempt == MAX_ATTEMPTS or not (error.code in RETRYABLE or status >= 500):
                raise error
            _pause(attempt)
        raise AssertionError("unreachable")

    def _decode(self, answer: dict[str, Any]) -> dict[str, Any]:
        for field in self.protocol.blob_fields & answer.keys():
            answer[field] = base64.b64decode(answer[field])
        return answer

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        if name.startswith("_"):
            raise AttributeError(name)
        operation = _pascal(name)
        return lambda **params: self.call(operation, params)


def _json(raw: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(raw) if raw else {}
    except ValueError:
        return {"message": raw[:200].decode(errors="replace")}
    return answer if isinstance(answer, dict) else {}


def _error(status: int, answer: dict[str, Any]) -> AwsError:
    code = str(answer.get("__type") or answer.get("code") or f"HTTP{status}").rpartition("#")[2]
    message = str(answer.get("message") or answer.get("Message") or "")
    return AwsError(code, message, status, answer)


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.05 * 2 ** attempt))  # noqa: S311 (jitter, not a secret): 0–100 ms, then 0–200 ms


_clients: dict[str, JsonClient] = {}


def client(service: str) -> JsonClient:
    if service not in _clients:
        _clients[service] = JsonClient(service)
    return _clients[service]
