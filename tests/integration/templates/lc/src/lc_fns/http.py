"""An HTTP API handler that echoes the payload 2.0 event back."""

import base64
import json

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def handler(event, context):
    path = event["rawPath"]
    if path == "/plain":
        return {"hello": "world"}  # no statusCode: API Gateway infers a 200 JSON response
    if path == "/binary":
        return {"statusCode": 200, "headers": {"content-type": "image/png"}, "isBase64Encoded": True,
                "body": base64.b64encode(PNG).decode()}
    return {
        "statusCode": 201 if event["requestContext"]["http"]["method"] == "POST" else 200,
        "headers": {"content-type": "application/json", "x-trace": "trace-1"},
        "cookies": ["session=abc; Path=/; HttpOnly", "theme=dark"],
        "body": json.dumps({"event": event}),
    }
