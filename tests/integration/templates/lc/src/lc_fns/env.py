import os


def handler(event, context):
    return {"env": dict(os.environ), "function_name": context.function_name, "pid": os.getpid()}
