from lc_fns.record import record


def handler(event, context):
    record("tick", event)
    return {}
