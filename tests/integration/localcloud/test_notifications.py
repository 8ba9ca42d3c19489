"""SNS to functions (Lambda's SNS event, one record per invocation, filter policies, asynchronous retries
and the function's dead-letter queue) and alarm actions (a state change notifies the alarm's topics in
CloudWatch's message format)."""

from __future__ import annotations

import json
import time
import uuid

from .conftest import Running, wait_until


def _seen(lc: Running, label: str, message: str) -> list[dict]:
    return [r for r in lc.records(label) if r["Message"] == message]


def test_a_published_message_reaches_the_subscribed_function_as_lambdas_sns_event(lc: Running) -> None:
    topic = lc.name("Notices")
    message = f"hello-{uuid.uuid4().hex[:6]}"
    lc.client("sns").publish(TopicArn=topic, Message=message, Subject="Greeting", MessageAttributes={
        "urgency": {"DataType": "String", "StringValue": "low"}})

    (record,) = wait_until(lambda: _seen(lc, "notices", message), what="the notification")
    assert record["source"] == "aws:sns" and record["subscription"].startswith(f"{topic}:")
    assert (record["Type"], record["TopicArn"], record["Subject"]) == ("Notification", topic, "Greeting")
    assert record["MessageAttributes"]["urgency"] == {"Type": "String", "Value": "low"}
    assert record["MessageId"] and record["Timestamp"] and record["SigningCertUrl"] and record["UnsubscribeUrl"]


def test_a_filter_policy_keeps_other_messages_from_the_function(lc: Running) -> None:
    tag = uuid.uuid4().hex[:6]
    sns = lc.client("sns")
    for urgency in ("high", "low"):
        sns.publish(TopicArn=lc.name("Notices"), Message=f"{urgency}-{tag}", MessageAttributes={
            "urgency": {"DataType": "String", "StringValue": urgency}})

    wait_until(lambda: _seen(lc, "notices", f"low-{tag}") and _seen(lc, "urgent", f"high-{tag}"), what="deliveries")
    assert lc.cloud.events.drain(timeout=5)
    assert _seen(lc, "urgent", f"low-{tag}") == []
    assert len(_seen(lc, "notices", f"high-{tag}")) == 1  # the unfiltered subscriber gets both, once


def test_a_failing_function_is_retried_twice_then_the_event_goes_to_its_dead_letter_queue(lc: Running) -> None:
    message = f"fail-{uuid.uuid4().hex[:6]}"
    lc.client("sns").publish(TopicArn=lc.name("Notices"), Message=message)
    sqs = lc.client("sqs")

    def dead_lettered() -> list[dict]:
        found = sqs.receive_message(QueueUrl=lc.name("NoticesDlq"), MaxNumberOfMessages=10, VisibilityTimeout=0,
                                    MessageAttributeNames=["All"]).get("Messages", [])
        return [m for m in found if message in m["Body"]]

    (dead,) = wait_until(dead_lettered, timeout=20, interval=0.2, what="the event in the DLQ")
    assert len(_seen(lc, "notices", message)) == 3  # the first attempt and Lambda's two retries
    assert json.loads(dead["Body"])["Records"][0]["Sns"]["Message"] == message
    assert f"cannot handle {message}" in dead["MessageAttributes"]["ErrorMessage"]["StringValue"]
    assert dead["MessageAttributes"]["RequestID"]["StringValue"]

    urgent = f"fail-{uuid.uuid4().hex[:6]}"  # MaximumRetryAttempts: 0, and no DLQ: one attempt, then dropped
    lc.client("sns").publish(TopicArn=lc.name("Notices"), Message=urgent, MessageAttributes={
        "urgency": {"DataType": "String", "StringValue": "high"}})
    wait_until(lambda: _seen(lc, "urgent", urgent), what="the urgent attempt")
    time.sleep(2.5)  # longer than a retry takes
    assert len(_seen(lc, "urgent", urgent)) == 1
    assert any("event dropped after its retries" in line for line in lc.logs)


def test_an_alarm_state_change_notifies_its_topic_in_cloudwatchs_format(lc: Running) -> None:
    cloudwatch = lc.client("cloudwatch")
    name = "tessera-local-work-queue-depth"
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert alarm["AlarmActions"] == [lc.name("Notices")] and alarm["Threshold"] == 100

    def notices(state: str) -> list[dict]:
        return [json.loads(r["Message"]) for r in lc.records("notices")
                if r["Message"].startswith("{") and json.loads(r["Message"]).get("NewStateValue") == state]

    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="Threshold Crossed: 1 datapoint [150.0]")
    (message,) = wait_until(lambda: notices("ALARM"), what="the ALARM notification")
    assert message["AlarmName"] == name and message["AlarmDescription"] == "Work is piling up."
    assert message["NewStateReason"] == "Threshold Crossed: 1 datapoint [150.0]"
    assert message["AlarmArn"] == alarm["AlarmArn"] and message["OldStateValue"] == alarm["StateValue"]
    assert message["Trigger"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert message["Trigger"]["Dimensions"] == [{"value": lc.name("WorkQueue").rsplit("/", 1)[1], "name": "QueueName"}]
    record = next(r for r in lc.records("notices") if r["Message"].startswith("{") and '"ALARM"' in r["Message"])
    assert record["Subject"] == f'ALARM: "{name}" in EU (Frankfurt)'

    cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="back to normal")
    (recovered,) = wait_until(lambda: notices("OK"), what="the OK notification")
    assert recovered["OldStateValue"] == "ALARM"
