import os

from lc_fns.record import record


def handler(event, context):
    for r in event["Records"]:
        record(os.environ["CONSUMER_LABEL"], {
            "eventName": r["eventName"], "keys": r["dynamodb"].get("Keys"),
            "new": r["dynamodb"].get("NewImage"), "old": r["dynamodb"].get("OldImage"),
            "source": r.get("eventSourceARN"),
        })
    return {"batchItemFailures": []}
