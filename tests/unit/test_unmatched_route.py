"""The API's `$default` route: a wrong method on a path the API has answers 405 with `Allow`, any other
unmatched request 404, both as problem+json from the route table written from template.yaml."""

import json

import pytest

from tests.unit.conftest import LambdaContext, http_event, load_function


def call(method: str, path: str, language: str = "en") -> tuple[int, dict[str, str], dict[str, object]]:
    handler = load_function("unmatched_route")
    event = http_event(method, path, headers={"accept-language": language}, route_key="$default")
    answer = handler.lambda_handler(event, LambdaContext())
    return answer["statusCode"], answer["headers"], json.loads(answer["body"])


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("DELETE", "/api/health", "GET"),
    ("GET", "/api/auth/login", "POST"),
    ("PUT", "/api/console/customers/org_01JX/contacts/ct_01JX", "DELETE, PATCH"),
    ("POST", "/api/licenses/jwks.json", "GET"),  # GET /api/licenses/jwks.json, and GET /api/licenses/{license_key}
    ("PATCH", "/api/licenses/activate", "GET, POST"),  # POST activate, and GET /api/licenses/{license_key}
])
def test_a_wrong_method_is_405_with_allow(method: str, path: str, allow: str) -> None:
    status, headers, body = call(method, path)
    assert (status, headers["Allow"], headers["Content-Type"]) == (405, allow, "application/problem+json")
    assert (body["type"], body["code"], body["allow"]) == ("/problems/method-not-allowed", "method-not-allowed",
                                                           allow.split(", "))
    assert body["instance"] == "req-test-1"


@pytest.mark.parametrize("path", ["/api/no-such-route", "/api/health/extra", "/api/console/customers/a/b/c/d",
                                  "/", "/api"])
def test_an_unknown_path_is_404(path: str) -> None:
    status, headers, body = call("GET", path, language="ru")
    assert (status, body["type"], body["code"]) == (404, "/problems/not-found", "route-not-found")
    assert body["detail"] == "Такого адреса API нет." and "Allow" not in headers


def test_the_problem_speaks_the_callers_language() -> None:
    assert "Allow" in call("DELETE", "/api/health", "en")[2]["detail"]  # type: ignore[operator]
    assert "Allow" in call("DELETE", "/api/health", "ru")[2]["detail"]  # type: ignore[operator]
    assert call("DELETE", "/api/health", "ru")[2]["detail"] != call("DELETE", "/api/health", "en")[2]["detail"]
