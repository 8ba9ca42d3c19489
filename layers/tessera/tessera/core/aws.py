"""boto3 clients with the platform's retries and timeouts.

Each module that calls AWS creates its client at module scope (`kms = aws.client("kms")`), so Lambda's
init phase, and with SnapStart the snapshot, pays for it instead of the first request. One boto3
session makes them all: its loader reads the endpoint data once, and its default client config is the
platform's (a `config` passed to `client` adds to it). boto3-stubs types each client. Like any boto3
client they honour AWS_ENDPOINT_URL, which is how the local cloud and a 152-ФЗ deployment with
compatible stores in Russia point the same code elsewhere."""

from __future__ import annotations

import encodings.idna  # noqa: F401  (a client's first connection encodes the host with it: at init, then)

import boto3
import botocore.session
from botocore.config import Config

from tessera.core.settings import CoreSettings, get_settings

# Standard mode retries throttling and transient errors with backoff; a Lambda answering an API
# request cannot wait on a hung connection, so both timeouts stay short.
CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)

_botocore_session = botocore.session.get_session()
_botocore_session.set_default_client_config(CONFIG)
session = boto3.session.Session(botocore_session=_botocore_session, region_name=get_settings(CoreSettings).region)
client = session.client
