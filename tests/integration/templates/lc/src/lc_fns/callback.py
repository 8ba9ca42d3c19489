from lc_fns.record import record


def handler(event, context):
    record(f"callback-{event['order']}", {"token": event["token"]})
    return {"waiting": True}
