import os


def handler(event, context):
    return {"env": dict(os.environ)}
