"""SQS consumer: records each batch; 'fail-*' always fails, 'once-*' fails the first time."""

import os

from lc_fns.record import bump, record


def handler(event, context):
    label = os.environ["CONSUMER_LABEL"]
    bodies = [r["body"] for r in event["Records"]]
    record(label, {"bodies": bodies})
    failures = []
    for r in event["Records"]:
        body = r["body"]
        if body.startswith("fail-") or (body.startswith("once-") and bump(body) == 1):
            failures.append({"itemIdentifier": r["messageId"]})
    return {"batchItemFailures": failures}
