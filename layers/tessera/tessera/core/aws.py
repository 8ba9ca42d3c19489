"""boto3 clients with the platform's retries and timeouts, made at module scope by each module that calls
AWS (`kms = aws.client("kms")`), so that init, and with SnapStart the snapshot, pays for them. One boto3
session makes them all (its loader reads the endpoint data once; its default client config is the
platform's); boto3-stubs types them. AWS_ENDPOINT_URL points them elsewhere: the local cloud, or a 152-ФЗ
deployment on compatible stores in Russia."""

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
