"""SNS subscriber: records each record's Sns part; a message starting 'fail-' always fails."""

import os

from lc_fns.record import record


def handler(event, context):
    assert len(event["Records"]) == 1  # Lambda gets one SNS record per invocation
    item = event["Records"][0]
    record(os.environ["CONSUMER_LABEL"], {"source": item["EventSource"], "subscription": item["EventSubscriptionArn"],
                                          **item["Sns"]})
    if str(item["Sns"]["Message"]).startswith("fail-"):
        raise RuntimeError(f"cannot handle {item['Sns']['Message']}")
