import os
import sys


class QuotaExceeded(Exception):
    pass


def handler(event, context):
    action = event.get("action") or (event.get("queryStringParameters") or {}).get("action") or "raise"
    if action == "raise":
        raise QuotaExceeded("plan limit of 3 seats reached")
    if action == "exit":
        sys.exit(3)
    if action == "print":
        # Everything a handler writes to stdout must stay out of the worker protocol.
        print("\x00\x00\x00\x10hello from print")
        sys.__stdout__.write("direct stdout write\n")
        sys.__stdout__.flush()
        os.write(1, b"\x00\x00\x00\x05raw fd write\n")
        return {"printed": True}
    return {"action": action}
