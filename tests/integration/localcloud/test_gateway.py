"""The gateway: HttpApi routes as payload 2.0, Lambda authorizers, API Gateway's own errors, CORS
from CorsConfiguration, static files and the apigw-requestid header."""

from __future__ import annotations

import base64
import http.client
import json
import uuid
from urllib.parse import urlparse

import httpx
import pytest

from .conftest import Running

ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def api(lc: Running) -> httpx.Client:
    with httpx.Client(base_url=lc.url, timeout=20) as client:
        yield client


def _event(response: httpx.Response) -> dict:
    return response.json()["event"]


def test_payload_v2_path_query_headers_and_cookies(api: httpx.Client) -> None:
    response = api.get("/items/42", params=[("tag", "a"), ("tag", "b"), ("single", "x y")],
                        headers={"X-Custom-Header": "Value", "Cookie": "a=1; b=2"})
    assert response.status_code == 200
    event = _event(response)
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/42"
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"tag": "a,b", "single": "x y"}
    assert event["rawQueryString"] == "tag=a&tag=b&single=x+y"
    assert event["headers"]["x-custom-header"] == "Value"
    assert all(name == name.lower() for name in event["headers"])
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["a=1", "b=2"]
    context = event["requestContext"]
    assert context["http"]["method"] == "GET" and context["http"]["path"] == "/items/42"
    assert context["stage"] == "$default" and context["requestId"] == response.headers["apigw-requestid"]
    assert event["isBase64Encoded"] is False and "body" not in event
    # Response cookies become one Set-Cookie header each.
    assert response.headers.get_list("set-cookie") == ["session=abc; Path=/; HttpOnly", "theme=dark"]
    assert response.headers["x-trace"] == "trace-1"


def test_greedy_path_parameter(api: httpx.Client) -> None:
    event = _event(api.delete("/files/docs/2024/report.pdf"))
    assert event["routeKey"] == "ANY /files/{proxy+}"
    assert event["pathParameters"] == {"proxy": "docs/2024/report.pdf"}
    assert event["requestContext"]["http"]["method"] == "DELETE"


def test_text_and_binary_request_bodies(api: httpx.Client) -> None:
    text = api.post("/echo", json={"name": "Ada"})
    assert text.status_code == 201
    event = _event(text)
    assert event["isBase64Encoded"] is False and json.loads(event["body"]) == {"name": "Ada"}

    payload = bytes(range(256))
    binary = api.post("/echo", content=payload, headers={"Content-Type": "application/octet-stream"})
    event = _event(binary)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


def test_binary_response_is_decoded(api: httpx.Client) -> None:
    response = api.get("/binary")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # lc_fns.http.PNG


def test_inferred_response_format(api: httpx.Client) -> None:
    response = api.get("/plain")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"hello": "world"}


def test_no_route_is_api_gateway_404(api: httpx.Client) -> None:
    response = api.get("/no/such/route")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
    assert response.headers["apigw-requestid"]
    assert api.post("/plain").status_code == 404  # the route is GET only


def test_handler_error_is_500(api: httpx.Client) -> None:
    response = api.get("/boom")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    assert response.headers["apigw-requestid"]


def test_handler_timeout_is_503(api: httpx.Client) -> None:
    response = api.get("/slow", params={"sleep": "3"})
    assert response.status_code == 503
    assert response.json() == {"message": "Service Unavailable"}
    assert api.get("/slow", params={"sleep": "0"}).status_code == 200


# Authorizer


def test_authorizer_allows_and_passes_its_context(api: httpx.Client) -> None:
    response = api.get("/private", headers={"Authorization": "Bearer allow-ada"})
    assert response.status_code == 200
    assert _event(response)["requestContext"]["authorizer"] == {"lambda": {"user": "ada"}}


def test_authorizer_denies_with_403(api: httpx.Client) -> None:
    response = api.get("/private", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


def test_missing_identity_is_401_without_calling_the_authorizer(lc: Running, api: httpx.Client) -> None:
    before = lc.cloud.invoker.stats()["AuthFn"]["invocations"]
    response = api.get("/private")
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    assert lc.cloud.invoker.stats()["AuthFn"]["invocations"] == before


def test_authorizer_error_is_500(api: httpx.Client) -> None:
    response = api.get("/private", headers={"Authorization": "Bearer error"})
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def test_authorizer_answers_are_cached_per_identity(lc: Running, api: httpx.Client) -> None:
    def calls() -> int:
        return lc.cloud.invoker.stats()["AuthFn"]["invocations"]

    user = uuid.uuid4().hex[:8]
    before = calls()
    for _ in range(3):
        assert api.get("/private", headers={"Authorization": f"Bearer allow-{user}"}).status_code == 200
    assert calls() == before + 1
    assert api.get("/private", headers={"Authorization": f"Bearer allow-{user}-other"}).status_code == 200
    assert calls() == before + 2
    for _ in range(2):  # denials are cached too
        assert api.get("/private", headers={"Authorization": f"Bearer deny-{user}"}).status_code == 403
    assert calls() == before + 3


# CORS


def test_cors_preflight_from_cors_configuration(api: httpx.Client) -> None:
    response = api.options("/items/1", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                                 "Access-Control-Request-Headers": "authorization"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert set(response.headers["access-control-allow-methods"].split(",")) == {"GET", "POST"}
    assert set(response.headers["access-control-allow-headers"].split(",")) == {"authorization", "content-type"}
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-max-age"] == "600"


def test_cors_preflight_from_another_origin_gets_no_cors_headers(api: httpx.Client) -> None:
    response = api.options("/items/1", headers={"Origin": "https://evil.example",
                                                 "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_headers_on_responses(api: httpx.Client) -> None:
    response = api.get("/items/1", headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == "x-trace"
    denied = api.get("/private", headers={"Origin": ORIGIN, "Authorization": "Bearer nope"})
    assert denied.status_code == 403 and denied.headers["access-control-allow-origin"] == ORIGIN
    other = api.get("/items/1", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


# Static files


def test_static_file_content_type_and_etag(api: httpx.Client) -> None:
    response = api.get("/site/css/main.css")
    assert response.status_code == 200
    assert response.text == "body{color:red}"
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    etag = response.headers["etag"]
    cached = api.get("/site/css/main.css", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert api.get("/site/").text == "<h1>site home</h1>"  # a folder serves its index.html


def test_spa_fallback(api: httpx.Client) -> None:
    deep = api.get("/app/licenses/abc/settings")
    assert deep.status_code == 200 and deep.text == "<div id=app>spa shell</div>"
    assert deep.headers["content-type"] == "text/html; charset=utf-8"
    assert api.get("/app/assets/app.js").text == "console.log('app')"
    assert api.get("/app/assets/missing.js").status_code == 404  # files are never replaced by the shell
    assert api.get("/site/missing/page").status_code == 404  # no fallback on a non-SPA mount


@pytest.mark.parametrize("path", ["/site/../secret.txt", "/site/%2e%2e/secret.txt", "/site/..%2fsecret.txt",
                                  "/app/%2e%2e%2fsecret.txt"])
def test_path_traversal_is_refused(lc: Running, path: str) -> None:
    target = urlparse(lc.url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    connection.request("GET", path)  # sent exactly as written: clients would normalise ../ away
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 403
    assert b"TOP-SECRET" not in body
