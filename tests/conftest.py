"""Every tier: the platform's own AWS client (tessera.core.aws) answered by moto in-process while a
test runs inside `mock_aws()`, as boto3 is; outside it, requests go over HTTP as usual."""

from __future__ import annotations

import threading

from tessera.core import aws

# moto applies a request in steps (a transaction restores a snapshot of every table when it fails), so
# threads interleaving inside it see states DynamoDB never shows: one request at a time, as AWS does.
_moto_lock = threading.Lock()


def moto_transport(method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    from moto.core.models import botocore_stubber

    if not botocore_stubber.enabled:
        return aws.http_transport(method, url, headers, body)
    from botocore.awsrequest import AWSPreparedRequest
    from botocore.compat import HTTPHeaders

    prepared_headers = HTTPHeaders()
    for key, value in headers.items():
        prepared_headers[key] = value
    with _moto_lock:
        answer = botocore_stubber.process_request(
            AWSPreparedRequest(method=method, url=url, headers=prepared_headers, body=body, stream_output=False))
    if answer is None:
        raise AssertionError(f"moto does not serve {url}")
    status, _, content = answer
    return int(status), content.encode() if isinstance(content, str) else bytes(content)


aws.transport = moto_transport
