"""The gateway with what the product's API uses: a `$default` route, which gets every request no other
route matches (after the static files, which stand in for CloudFront), and an authorizer without an
identity source, which API Gateway calls on every request instead of answering 401 itself."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from localcloud.cloud import CloudConfig, LocalCloud

from .conftest import TEMPLATES, Running, make_static

ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("lc-default")
    config = CloudConfig(template=TEMPLATES / "lc_default" / "template.yaml", root=root, port=0, aws_port=0,
                         log=lambda _: None, static_mounts=make_static(root / "static"))
    running = LocalCloud(config)
    try:
        running.start()
        yield Running(running, root, root / "records")
    finally:
        running.stop()


@pytest.fixture(scope="module")
def api(cloud: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=cloud.url, timeout=20) as client:
        yield client


def invocations(cloud: Running, function: str) -> int:
    return int(cloud.cloud.invoker.stats().get(function, {}).get("invocations", 0))


def test_unmatched_requests_reach_the_default_route(cloud: Running, api: httpx.Client) -> None:
    for method, path in (("GET", "/no/such/route"), ("POST", "/items/42"), ("DELETE", "/private")):
        response = api.request(method, path)
        assert response.status_code == 201 if method == "POST" else 200, (method, path)
        event = response.json()["event"]
        assert (event["routeKey"], event["requestContext"]["routeKey"]) == ("$default", "$default")
        assert (event["rawPath"], event["requestContext"]["http"]["method"]) == (path, method)
        assert "pathParameters" not in event and "authorizer" not in event["requestContext"]
    assert api.get("/items/42").json()["event"]["routeKey"] == "GET /items/{id}"


def test_static_files_and_cors_preflight_come_before_the_default_route(cloud: Running, api: httpx.Client) -> None:
    before = invocations(cloud, "FallbackFn")
    assert api.get("/site/index.html").text == "<h1>site home</h1>"
    assert api.get("/app/some/page").text == "<div id=app>spa shell</div>"
    preflight = api.options("/no/such/route", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == ORIGIN
    assert invocations(cloud, "FallbackFn") == before
    answered = api.get("/no/such/route", headers={"Origin": ORIGIN})
    assert answered.headers["access-control-allow-origin"] == ORIGIN  # CORS headers on the default route's answers


def test_an_authorizer_without_identity_source_is_called_on_every_request(cloud: Running, api: httpx.Client) -> None:
    before = invocations(cloud, "AuthFn")
    anonymous = api.get("/private")
    assert anonymous.status_code == 403 and anonymous.json() == {"message": "Forbidden"}  # its answer, not a 401
    for _ in range(2):  # ReauthorizeEvery 0: nothing is cached
        assert api.get("/private", headers={"Authorization": "Bearer allow-ada"}).status_code == 200
    assert invocations(cloud, "AuthFn") == before + 3
