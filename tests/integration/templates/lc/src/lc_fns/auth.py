"""A simple-response Lambda authorizer: 'Bearer allow-<user>' passes, 'Bearer error' raises."""


def handler(event, context):
    token = event["headers"].get("authorization", "")
    if token == "Bearer error":
        raise RuntimeError("authorizer broke")
    if token.startswith("Bearer allow-"):
        return {"isAuthorized": True, "context": {"user": token.removeprefix("Bearer allow-")}}
    return {"isAuthorized": False}
