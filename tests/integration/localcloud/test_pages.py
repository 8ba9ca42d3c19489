"""/_local pages: the mailbox, the clock (same-origin writes only) and resources, as JSON."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import httpx
import pytest

from .conftest import Running, wait_until


@pytest.fixture(scope="module")
def api(lc: Running) -> httpx.Client:
    with httpx.Client(base_url=lc.url, timeout=20) as client:
        yield client


def test_mailbox_shows_an_email_sent_with_sesv2(lc: Running, api: httpx.Client) -> None:
    marker = uuid.uuid4().hex[:8]
    sent = lc.cloud.invoker.invoke("MailFn", {"to": "ada@example.com", "subject": f"Welcome {marker}",
                                              "html": f"<p>Hello <a href='https://x.example/{marker}'>go</a></p>"})
    assert sent.function_error is None, sent.payload

    messages = api.get("/_local/mailbox", params={"format": "json"}).json()["messages"]
    message = next(m for m in messages if m["subject"] == f"Welcome {marker}")
    assert message["from"] == "noreply@lc.example"
    assert message["to"] == ["ada@example.com"]
    assert marker in message["html"]

    html = api.get(f"/_local/mailbox/{message['id']}/html")
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert f"https://x.example/{marker}" in html.text
    assert "script-src 'none'" in html.headers["content-security-policy"]
    assert api.get("/_local/mailbox/no-such-id/html").status_code == 404
    assert f"Welcome {marker}" in api.get("/_local/mailbox").text  # the HTML page lists it too


def _offset(api: httpx.Client) -> float:
    return api.get("/_local/clock", params={"format": "json"}).json()["offset_seconds"]


def test_clock_post_from_the_same_origin_advances_time(lc: Running, api: httpx.Client) -> None:
    before = _offset(api)
    response = api.post("/_local/clock", data={"action": "advance", "seconds": "3600"},
                        headers={"Origin": lc.url})
    assert response.status_code == 303
    assert response.headers["location"] == "/_local/clock"
    assert _offset(api) == pytest.approx(before + 3600)
    # A same-origin Referer (no Origin) is accepted too.
    referer = api.post("/_local/clock", data={"action": "advance", "seconds": "60"},
                       headers={"Referer": f"{lc.url}/_local/clock"})
    assert referer.status_code == 303
    assert _offset(api) == pytest.approx(before + 3660)
    assert lc.cloud.clock.offset_seconds == pytest.approx(before + 3660)  # the one shared clock file


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"},
                                     {}, {"Origin": "http://127.0.0.1:1"}])
def test_clock_post_from_elsewhere_is_refused(api: httpx.Client, headers: dict[str, str]) -> None:
    before = _offset(api)
    response = api.post("/_local/clock", data={"action": "advance", "seconds": "86400"}, headers=headers)
    assert response.status_code == 403
    assert _offset(api) == pytest.approx(before)


def test_resources_show_tables_queues_dlq_and_executions(lc: Running, api: httpx.Client) -> None:
    assert lc.cloud.template is not None
    tag = uuid.uuid4().hex[:8]
    lc.client("dynamodb").put_item(TableName=lc.cloud.template.tables["Items"].name,
                                   Item={"pk": {"S": f"res-{tag}"}})
    sqs = lc.client("sqs")
    idle_before = int(sqs.get_queue_attributes(QueueUrl=lc.name("IdleQueue"), AttributeNames=[
        "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])
    for i in range(2):
        sqs.send_message(QueueUrl=lc.name("IdleQueue"), MessageBody=f"idle-{i}")
    sqs.send_message(QueueUrl=lc.name("Dlq"), MessageBody=json.dumps({"dead": tag}))
    sfn = lc.client("stepfunctions")
    machine = lc.cloud.template.state_machines["SimpleMachine"].arn
    execution = sfn.start_execution(stateMachineArn=machine, name=f"res-{tag}", input='{"n": 1}')["executionArn"]
    wait_until(lambda: sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED", what="execution")

    data = api.get("/_local/resources", params={"format": "json"}).json()
    tables = {t["logical_id"]: t for t in data["tables"]}
    assert tables["Items"]["name"] == lc.cloud.template.tables["Items"].name
    assert tables["Items"]["items"] >= 1
    queues = {q["logical_id"]: q for q in data["queues"]}
    assert queues["IdleQueue"]["visible"] == idle_before + 2 and queues["IdleQueue"]["is_dlq"] is False
    assert queues["Dlq"]["is_dlq"] is True
    assert json.dumps({"dead": tag}) in [m["body"] for m in queues["Dlq"]["messages"]]
    # Peeking does not consume: the DLQ message is still there.
    again = api.get("/_local/resources", params={"format": "json"}).json()
    assert json.dumps({"dead": tag}) in [m["body"] for q in again["queues"] if q["logical_id"] == "Dlq"
                                         for m in q["messages"]]
    machines = {m["logical_id"]: m for m in data["state_machines"]}
    listed = {e["arn"]: e for e in machines["SimpleMachine"]["executions"]}
    assert listed[execution]["status"] == "SUCCEEDED"
    assert {s["name"] for s in data["schedules"]} >= {"TickFn.Minute", "TickFn.Daily", "WeeklyReport"}
    assert "MailFn" in {f["logical_id"] for f in data["functions"]}
    assert "Tables" in api.get("/_local/resources").text

    history = api.get(f"/_local/resources/executions/{quote(execution, safe='')}", params={"format": "json"})
    assert history.status_code == 200
    detail = history.json()
    assert detail["status"] == "SUCCEEDED"
    assert json.loads(detail["output"]) == {"n": 1, "result": {"greeting": "hello"}}
    types = [e["type"] for e in detail["events"]]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded"
    assert "PassStateEntered" in types


def test_unknown_local_page(api: httpx.Client) -> None:
    assert api.get("/_local/nothing-here").status_code == 404
    assert api.get("/_local").status_code == 200


def test_resources_list_alarms_and_setting_a_state_notifies_the_alarms_topic(lc: Running, api: httpx.Client) -> None:
    data = api.get("/_local/resources", params={"format": "json"}).json()
    name = "tessera-local-work-queue-depth"
    assert {a["name"]: a["state"] for a in data["alarms"]}[name] == "OK"
    assert {q["logical_id"]: q["is_dlq"] for q in data["queues"]}["NoticesDlq"] is True  # a function's DLQ

    response = api.post("/_local/resources/alarm", data={"alarm": name, "state": "ALARM"}, headers={"Origin": lc.url})
    assert response.status_code == 303 and response.headers["location"] == "/_local/resources#alarms"
    wait_until(lambda: [r for r in lc.records("notices") if '"NewStateValue": "ALARM"' in r["Message"]
                        and name in r["Message"]], what="the notification")
    after = api.get("/_local/resources", params={"format": "json"}).json()
    assert {a["name"]: a["reason"] for a in after["alarms"]}[name] == "Set by hand on /_local/resources"
    assert "Set OK" in api.get("/_local/resources").text
