"""(a) AWS calls per request, by service and operation.

Counted where calls leave: every botocore client's API call (boto3's, PynamoDB's, Powertools'), whenever
the client was created, so nothing that reaches AWS goes uncounted. The handler runs in-process with
its own template environment against an in-process moto server provisioned from template.yaml.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient

from bench.scenarios import SCENARIOS, Scenario


class AwsCallCounter:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._original = BaseClient._make_api_call

    def install(self) -> None:
        counter, original = self, self._original

        def counted(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            counter.calls[f"{client.meta.service_model.service_name}:{operation}"] += 1
            return original(client, operation, params)

        BaseClient._make_api_call = counted  # type: ignore[method-assign]

    def uninstall(self) -> None:
        BaseClient._make_api_call = self._original  # type: ignore[method-assign]

    def take(self) -> dict[str, int]:
        taken = dict(self.calls)
        self.calls.clear()
        return taken


class FakeContext:
    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:bench"
    memory_limit_in_mb = 512
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def http_event(scenario: Scenario, headers: dict[str, str]) -> dict[str, Any]:
    path, _, query = scenario.path.partition("?")
    body = scenario.body
    text = body if isinstance(body, str) or body is None else json.dumps(body)
    lowered = {k.lower(): v for k, v in {**scenario.headers, **headers}.items()}
    params = _path_params(scenario.route_path, path)
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{scenario.method} {scenario.route_path}",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"content-type": "application/json", **lowered},
        "queryStringParameters": dict(p.split("=", 1) for p in query.split("&") if "=" in p) or None,
        "pathParameters": params or None,
        "requestContext": {
            "accountId": "123456789012", "apiId": "bench", "domainName": "localhost", "domainPrefix": "localhost",
            "http": {"method": scenario.method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "bench"},
            "requestId": str(uuid.uuid4()), "routeKey": f"{scenario.method} {scenario.route_path}",
            "stage": "$default", "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": text,
        "isBase64Encoded": False,
    }
    if scenario.principal:  # what the Lambda authorizer passes to a guarded route
        event["requestContext"]["authorizer"] = {"lambda": scenario.principal}
    return event


def _bind(scenario: Scenario) -> Scenario:
    """Fill `{key}` in the path and `{activation}` in the body from what the setup created."""
    from dataclasses import replace

    from bench import scenarios

    key = scenarios._LICENSE.get("key")
    if key is None:
        return scenario
    body = scenario.body
    if body == "{activation}":
        from tessera.core.crypto import LocalSigner, public_jwk

        jwk = public_jwk(LocalSigner.generate().public_key(), kid="")
        body = {"license_key": key, "fingerprint": "bench-machine-0001-0002", "software_version": "4.2.0",
                "domain": "budget.bench.ru", "public_key": {k: jwk[k] for k in ("kty", "crv", "x", "y")}}
    if body == "{heartbeat}":
        body = dict(scenarios._HEARTBEAT)
    return replace(scenario, path=scenario.path.replace("{key}", key), body=body)


def _path_params(route: str, path: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for template_part, part in zip(route.strip("/").split("/"), path.strip("/").split("/"), strict=False):
        if template_part.startswith("{"):
            params[template_part.strip("{}+")] = part
    return params


@dataclass
class CallCount:
    scenario: str
    cold: dict[str, int]
    warm: dict[str, int]
    budget: int | None
    status: int

    @property
    def warm_total(self) -> int:
        return sum(self.warm.values())


def measure(template: Any, scenarios: list[Scenario] | None = None, warm_runs: int = 3) -> list[CallCount]:
    """Run each scenario's handler in-process: once cold, then `warm_runs` times; report per request."""
    counter = AwsCallCounter()
    counter.install()
    results = []
    try:
        for scenario in scenarios or SCENARIOS:
            fn = template.functions[scenario.function]
            saved_env, saved_path = dict(os.environ), list(sys.path)
            os.environ.update(template.environment(scenario.function))
            sys.path[:0] = [str(fn.code_dir), *map(str, fn.layer_dirs)]
            try:
                module_name, _, attr = fn.handler.rpartition(".")
                handler = getattr(importlib.import_module(module_name), attr)
                if scenario.setup_as:
                    os.environ.update(template.environment(scenario.setup_as))
                headers = scenario.setup() if scenario.setup else {}
                os.environ.update(template.environment(scenario.function))
                scenario = _bind(scenario)
                counter.take()
                response = handler(http_event(scenario, headers), FakeContext())
                cold = counter.take()
                warm: Counter[str] = Counter()
                for _ in range(warm_runs):
                    if scenario.before_each:
                        scenario.before_each()
                    response = handler(http_event(scenario, headers), FakeContext())
                    warm.update(counter.take())
                results.append(CallCount(
                    scenario.name, cold, {k: v // warm_runs for k, v in warm.items()}, scenario.budget_calls,
                    int(response.get("statusCode", 200)) if isinstance(response, dict) else 200,
                ))
            finally:
                os.environ.clear()
                os.environ.update(saved_env)
                sys.path[:] = saved_path
    finally:
        counter.uninstall()
    return results


def decode_body(response: dict[str, Any]) -> str:
    body = response.get("body") or ""
    return base64.b64decode(body).decode() if response.get("isBase64Encoded") else body
