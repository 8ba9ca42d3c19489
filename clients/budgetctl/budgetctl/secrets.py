"""Reading the values behind `{secret: <file>/<name>}` references, at deploy time only.

A small port with two implementations: `AwsSecrets` reads where `secrets/<file>.yaml` says the value is
kept (Secrets Manager, or a KMS ciphertext decrypted with its encryption context) with the operator's AWS
credentials; `FileSecrets` reads `<dir>/<file>/<name>` files, for tests and demos on a machine without AWS.
A value is never printed, logged or written anywhere but the server's secret files."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Protocol

from budgetctl.models import SecretsFile


class SecretError(Exception):
    """A referenced secret cannot be read; the message (technical, shown after a translated lead) names the
    reference and the cause, never a value."""


class SecretResolver(Protocol):
    def read(self, ref: str) -> bytes:
        """The value of `<file>/<name>`; SecretError when it cannot be read."""
        ...


class FileSecrets:
    """`<root>/<file>/<name>` holds the value of `<file>/<name>` (tests, demos)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, ref: str) -> bytes:
        path = self.root / ref
        try:
            return path.read_bytes()
        except OSError as exc:
            raise SecretError(f"{ref}: {path}: {exc.strerror}") from None


class AwsSecrets:
    """Secrets Manager and KMS through boto3, as `secrets/<file>.yaml` of the deployments repository says."""

    def __init__(self, files: dict[str, SecretsFile], session: Any = None) -> None:
        import boto3  # only where AWS is used: validate and render need no AWS SDK

        self.files = files
        self.session = session or boto3.session.Session()

    def read(self, ref: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        file, name = ref.split("/", 1)
        location = self.files.get(file, SecretsFile({})).root.get(name)
        if location is None:
            raise SecretError(f"{ref}: secrets/{file}.yaml: no {name}")
        try:
            if location.kms is not None:
                kms = self.session.client("kms")
                answer = kms.decrypt(CiphertextBlob=base64.b64decode(location.kms.ciphertext),
                                     KeyId=location.kms.key_id, EncryptionContext=location.kms.encryption_context)
                return bytes(answer["Plaintext"])
            assert location.secretsmanager is not None  # one of the two places (validated)
            secretsmanager = self.session.client("secretsmanager")
            answer = secretsmanager.get_secret_value(SecretId=location.secretsmanager)
        except ClientError as exc:
            raise SecretError(f"{ref}: AWS {exc.response.get('Error', {}).get('Code', 'error')}") from None
        except BotoCoreError as exc:
            raise SecretError(f"{ref}: AWS {type(exc).__name__}") from None
        if "SecretBinary" in answer:
            value: bytes = answer["SecretBinary"]
        else:
            value = str(answer["SecretString"]).encode()
        if location.json_key is None:
            return value
        try:
            return str(json.loads(value)[location.json_key]).encode()
        except (ValueError, KeyError, TypeError):
            raise SecretError(f"{ref}: json_key {location.json_key}: not in the secret's JSON") from None
