"""The platform foundation as a new user meets it: `make run`'s local cloud, its health route and
the /_local developer pages, in a real browser."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import boto3
import httpx
import pytest

from tests.e2e.conftest import ROOT, start_cloud, stop_cloud

pytestmark = pytest.mark.e2e


def project_version() -> str:
    for line in (ROOT / "pyproject.toml").read_text().splitlines():
        if line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    raise AssertionError("no version in pyproject.toml")


def test_health_answers_version_and_commit(cloud):
    response = httpx.get(f"{cloud.url}/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == project_version()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    assert body["commit"] == (commit or "unknown")
    assert response.headers.get("apigw-requestid")


@pytest.fixture
def api(cloud):
    with httpx.Client(base_url=cloud.url, timeout=30) as client:  # a function's first request is a cold start
        yield client


def problem(response: httpx.Response) -> tuple[int, str, str]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    body = response.json()
    assert body["instance"] == response.headers["apigw-requestid"]  # the request id to quote to support
    return response.status_code, body["type"], body["code"]


def test_an_unknown_route_is_a_404_problem_and_a_wrong_method_a_405_with_allow(api):
    assert problem(api.get("/api/no-such-route")) == (404, "/problems/not-found", "route-not-found")
    wrong = api.delete("/api/health")
    assert problem(wrong) == (405, "/problems/method-not-allowed", "method-not-allowed")
    assert wrong.headers["allow"] == "GET"
    assert api.put("/api/console/customers", json={}).headers["allow"] == "GET, POST"


def test_a_console_route_without_a_session_is_a_401_problem(api):
    json_type = {"content-type": "application/json"}
    for response in (api.get("/api/console/customers"),
                     api.post("/api/console/customers", content=b"{not json", headers=json_type),
                     api.get("/api/app/orgs/org_x/members", headers={"authorization": "Bearer not-a-token"})):
        status, kind, _ = problem(response)
        assert (status, kind) == (401, "/problems/unauthorized")


def test_a_body_that_is_not_utf8_is_a_400_problem(api):
    response = api.post("/api/auth/login", content='{"email": "иван@пример.рф"}'.encode("cp1251"),
                        headers={"content-type": "application/json"})
    assert problem(response) == (400, "/problems/malformed-json", "body-not-utf8")


def test_banner_lists_the_urls(cloud):
    text = cloud.log_text()
    for path in ("/api/health", "/_local/mailbox", "/_local/clock", "/_local/resources"):
        assert f"{cloud.url}{path}" in text


def ses(cloud):
    return boto3.client("sesv2", endpoint_url=cloud.aws_url, region_name="eu-central-1",
                        aws_access_key_id="local", aws_secret_access_key="local")


def test_mailbox_shows_mail_sent_through_ses(cloud, page):
    subject = f"Проверка почты {time.time_ns()}"
    ses(cloud).send_email(
        FromEmailAddress="noreply@tessera.example",
        Destination={"ToAddresses": ["someone@example.com"]},
        Content={"Simple": {"Subject": {"Data": subject},
                            "Body": {"Html": {"Data": "<p>Подтвердите <a href='https://example.com/x'>адрес</a></p>"}}}},
    )
    page.goto(f"{cloud.url}/_local/mailbox")
    assert page.get_by_text(subject).first.is_visible()


def test_clock_page_moves_platform_time(cloud, page):
    before = httpx.get(f"{cloud.url}/_local/clock?format=json").json()
    page.goto(f"{cloud.url}/_local/clock")
    page.get_by_role("button", name=re.compile(r"\+\s*1\s*day", re.I)).first.click()
    page.wait_for_load_state()
    after = httpx.get(f"{cloud.url}/_local/clock?format=json").json()
    assert after["offset_seconds"] - before["offset_seconds"] == pytest.approx(86400, abs=5)
    # Functions read the same clock: the health route's time moves too.
    health_time = httpx.get(f"{cloud.url}/api/health").json()["time"]
    assert health_time[:10] == after["now"][:10]


def test_resources_page_lists_template_resources(cloud, page):
    page.goto(f"{cloud.url}/_local/resources")
    assert page.get_by_text(re.compile("IdempotencyTable")).first.is_visible()
    data = httpx.get(f"{cloud.url}/_local/resources?format=json").json()
    assert any("IdempotencyTable" in str(table) for table in data["tables"])


def test_ctrl_c_stops_cleanly_and_a_second_start_is_fast():
    first = start_cloud()
    assert stop_cloud(first) == 0
    assert "stopped" in first.log_text()
    started = time.perf_counter()
    second = start_cloud()
    elapsed = time.perf_counter() - started
    try:
        assert httpx.get(f"{second.url}/api/health").status_code == 200
    finally:
        stop_cloud(second)
    assert elapsed < 20, f"second start took {elapsed:.1f} s"


def test_malformed_template_is_a_clear_error(tmp_path):
    broken = tmp_path / "template.yaml"
    broken.write_text("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: x.y}\n")
    result = subprocess.run(
        [sys.executable, "-m", "localcloud", "run", "--template", str(broken), "--port", "0", "--aws-port", "0",
         "--no-seed"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert "Resources.Fn: CodeUri is required" in result.stderr
