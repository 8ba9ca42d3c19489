import os
import time


def handler(event, context):
    seconds = float(event.get("sleep") or (event.get("queryStringParameters") or {}).get("sleep") or 0)
    time.sleep(seconds)
    return {"slept": seconds, "pid": os.getpid()}
