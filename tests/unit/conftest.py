"""Unit tests: no network (pytest-socket), fake AWS credentials, moto in-process where AWS is needed."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]

for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
                   "AWS_DEFAULT_REGION": "eu-central-1", "AWS_REGION": "eu-central-1",
                   "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "Tessera",
                   "POWERTOOLS_SERVICE_NAME": "tessera-test", "TESSERA_STAGE": "test",
                   "CURSOR_SECRET_ARN": "tessera-test-cursor-secret"}.items():
    os.environ[key] = value
for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "TESSERA_CLOCK_FILE"):
    os.environ.pop(key, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The hook sees every item of the session: only the unit tier goes without sockets.
    unit = Path(__file__).parent
    for item in items:
        if unit in item.path.parents:
            item.add_marker(pytest.mark.disable_socket)


@pytest.fixture
def aws() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        import boto3

        # List cursors are signed with the deployment's secret (tessera.core.pagination).
        boto3.client("secretsmanager").create_secret(Name=os.environ["CURSOR_SECRET_ARN"], SecretString="c" * 64)
        yield


def load_function(name: str, module: str = "handler") -> ModuleType:
    """Import functions/<name>/<name>/<module>.py as its Lambda would (CodeUri on sys.path)."""
    code_uri = ROOT / "functions" / name
    if str(code_uri) not in sys.path:
        sys.path.insert(0, str(code_uri))
    qualified = f"{name}.{module}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.find_spec(qualified)
    assert spec is not None, qualified
    return importlib.import_module(qualified)


class LambdaContext:
    function_name = "test"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:test"
    aws_request_id = "req-test-1"


def http_event(method: str, path: str, *, body: str | None = None, headers: dict[str, str] | None = None,
               query: dict[str, str] | None = None, cookies: list[str] | None = None,
               authorizer: dict[str, object] | None = None, path_parameters: dict[str, str] | None = None,
               route_key: str | None = None) -> dict[str, object]:
    """An API Gateway HTTP API payload 2.0 event."""
    event: dict[str, object] = {
        "version": "2.0", "routeKey": route_key or f"{method} {path}", "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": {"http": {"method": method, "path": path, "sourceIp": "203.0.113.7",
                                    "protocol": "HTTP/1.1", "userAgent": "pytest"},
                           "requestId": "req-test-1", "stage": "$default", "routeKey": route_key or f"{method} {path}",
                           "accountId": "123456789012", "apiId": "api", "domainName": "localhost",
                           "timeEpoch": 0, "time": ""},
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if cookies:
        event["cookies"] = cookies
    if body is not None:
        event["body"] = body
    if path_parameters:
        event["pathParameters"] = path_parameters
    if authorizer is not None:
        event["requestContext"]["authorizer"] = {"lambda": authorizer}  # type: ignore[index]
    return event
