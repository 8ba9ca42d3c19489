from lc_fns.record import bump


class FlakyError(Exception):
    pass


def handler(event, context):
    attempt = bump(f"flaky-{event['id']}")
    if attempt == 1:
        raise FlakyError(f"attempt {attempt} of {event['id']} failed")
    return {"attempt": attempt}
