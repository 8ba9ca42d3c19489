"""Every tier: the platform's boto3 clients are created at module scope, so moto is imported here,
before any of them exists (it hooks every botocore client created after it), and the credentials are
fake: inside `mock_aws()` moto answers, and nothing reaches a real AWS account."""

from __future__ import annotations

import os
import threading

from moto.core.models import botocore_stubber

os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "eu-central-1", "AWS_REGION": "eu-central-1"})
for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):  # a test that starts the local cloud names its endpoint itself
    os.environ.pop(key, None)

# moto applies a request in steps (a transaction restores a snapshot of every table when it fails), so
# threads interleaving inside it see states DynamoDB never shows: one request at a time, as AWS does.
_moto_lock = threading.Lock()
_process_request = botocore_stubber.process_request


def _one_at_a_time(request: object) -> object:
    with _moto_lock:
        return _process_request(request)  # type: ignore[arg-type]


botocore_stubber.process_request = _one_at_a_time  # type: ignore[method-assign]
