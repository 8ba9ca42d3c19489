"""boto3 clients with the platform's retries and timeouts.

Each module that calls AWS creates its client at module scope (`kms = aws.client("kms")`), so Lambda's
init phase, and with SnapStart the snapshot, pays for it instead of the first request. One boto3
session makes them all: its loader reads the endpoint data once. Like any boto3 client they honour
AWS_ENDPOINT_URL, which is how the local cloud and a 152-ФЗ deployment with compatible stores in
Russia point the same code elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

import boto3
from botocore.config import Config

from tessera.core.settings import CoreSettings, get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_ses import SESClient
    from mypy_boto3_sqs import SQSClient

# Standard mode retries throttling and transient errors with backoff; a Lambda answering an API
# request cannot wait on a hung connection, so both timeouts stay short.
CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)

_session = boto3.session.Session()


@overload
def client(service: Literal["dynamodb"], *, config: Config | None = ...) -> DynamoDBClient: ...
@overload
def client(service: Literal["kms"]) -> KMSClient: ...
@overload
def client(service: Literal["s3"], *, endpoint_url: str | None = ..., config: Config | None = ...) -> S3Client: ...
@overload
def client(service: Literal["secretsmanager"]) -> SecretsManagerClient: ...
@overload
def client(service: Literal["ses"]) -> SESClient: ...
@overload
def client(service: Literal["sqs"]) -> SQSClient: ...


def client(service: str, *, endpoint_url: str | None = None, config: Config | None = None) -> Any:
    """A client of `service` in the platform's region; `config` adds to (or overrides) the defaults."""
    region = get_settings(CoreSettings).region
    return _session.client(service, region_name=region, endpoint_url=endpoint_url,  # type: ignore[call-overload]
                           config=CONFIG.merge(config) if config else CONFIG)
