"""The AWS endpoint: Lambda's Invoke API served by the invoker, everything else forwarded to moto,
and moto's Step Functions interpreter calling the template's functions through it."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from .conftest import Running, wait_until


def test_request_response_invoke(lc: Running) -> None:
    client = lc.client("lambda")
    answer = client.invoke(FunctionName=lc.fn("ErrorFn").arn, Payload=json.dumps({"action": "via-proxy"}))
    assert answer["StatusCode"] == 200
    assert "FunctionError" not in answer
    assert json.loads(answer["Payload"].read()) == {"action": "via-proxy"}


def test_invoke_by_name_reports_function_errors(lc: Running) -> None:
    answer = lc.client("lambda").invoke(FunctionName=lc.fn("ErrorFn").name, Payload=b'{"action": "raise"}')
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    assert json.loads(answer["Payload"].read())["errorType"] == "QuotaExceeded"


def test_event_invoke_is_accepted_and_runs(lc: Running) -> None:
    job = f"event-{uuid.uuid4().hex[:8]}"
    answer = lc.client("lambda").invoke(FunctionName=lc.fn("TickFn").name, InvocationType="Event",
                                        Payload=json.dumps({"job": job}))
    assert answer["StatusCode"] == 202
    wait_until(lambda: any(r.get("job") == job for r in lc.records("tick")), what="the async invocation")


def test_unknown_function_is_resource_not_found(lc: Running) -> None:
    with pytest.raises(ClientError) as caught:
        lc.client("lambda").invoke(FunctionName="no-such-function", Payload=b"{}")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_other_calls_are_forwarded_to_moto(lc: Running) -> None:
    assert lc.cloud.template is not None
    tables = lc.client("dynamodb").list_tables()["TableNames"]
    assert lc.cloud.template.tables["Items"].name in tables
    queue_url = lc.name("IdleQueue")
    sqs = lc.client("sqs")
    sqs.send_message(QueueUrl=queue_url, MessageBody="forwarded")
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    assert int(attrs["Attributes"]["ApproximateNumberOfMessages"]) >= 1


def test_s3_uploads_and_their_head_pass_through(lc: Running) -> None:
    """HeadObject answers have no body: the object's size must come through, or an upload looks empty."""
    s3 = lc.client("s3")
    bucket = f"proxy-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_object(Bucket=bucket, Key="contract.pdf", Body=b"%PDF-1.7 twelve", ContentType="application/pdf")
    head = s3.head_object(Bucket=bucket, Key="contract.pdf")
    assert (head["ContentLength"], head["ContentType"]) == (15, "application/pdf")
    assert s3.get_object(Bucket=bucket, Key="contract.pdf")["Body"].read() == b"%PDF-1.7 twelve"


def _run(lc: Running, machine: str, payload: dict, timeout: float = 20.0) -> dict:
    sfn = lc.client("stepfunctions")
    arn = lc.cloud.template.state_machines[machine].arn  # type: ignore[union-attr]
    execution = sfn.start_execution(stateMachineArn=arn, name=uuid.uuid4().hex,
                                    input=json.dumps(payload))["executionArn"]

    def finished() -> dict | None:
        described = sfn.describe_execution(executionArn=execution)
        return described if described["status"] != "RUNNING" else None

    return wait_until(finished, timeout=timeout, interval=0.1, what=f"{machine} execution")


def test_step_functions_retries_a_custom_exception(lc: Running) -> None:
    run_id = uuid.uuid4().hex[:8]
    described = _run(lc, "Machine", {"id": run_id, "strict": "ok"})
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["flaky"] == {"attempt": 2}  # FlakyError on attempt 1, retried
    assert output["strict_result"] == {"action": "ok"}
    assert output["outcome"] == "clean"
    assert (lc.record_dir / f"flaky-{run_id}.count").read_text() == "2"


def test_step_functions_catches_another_custom_exception(lc: Running) -> None:
    described = _run(lc, "Machine", {"id": uuid.uuid4().hex[:8], "strict": "raise"})
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output["outcome"] == "handled"
    assert output["caught"]["Error"] == "QuotaExceeded"
    assert "plan limit" in output["caught"]["Cause"]


def test_step_functions_wait_for_task_token(lc: Running) -> None:
    sfn = lc.client("stepfunctions")
    order = uuid.uuid4().hex[:8]
    arn = lc.cloud.template.state_machines["CallbackMachine"].arn  # type: ignore[union-attr]
    execution = sfn.start_execution(stateMachineArn=arn, name=order,
                                    input=json.dumps({"order": order}))["executionArn"]

    token = wait_until(lambda: lc.records(f"callback-{order}"), what="the callback task")[0]["token"]
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn.send_task_success(taskToken=token, output=json.dumps({"approved": True, "by": "tester"}))

    def done() -> dict | None:
        described = sfn.describe_execution(executionArn=execution)
        return described if described["status"] != "RUNNING" else None

    described = wait_until(done, timeout=15, interval=0.1, what="the execution to resume")
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"order": order, "approval": {"approved": True, "by": "tester"}}
