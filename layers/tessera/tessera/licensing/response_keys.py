"""The short-lived response-signing key (ARCHITECTURE §7): heartbeat receipts are signed in-process by
a P-256 key whose certificate the KMS license key signs, so a heartbeat costs no KMS call.

The key lives encrypted in Secrets Manager (JSON: private key PEM, certificate, created). A container
reads it at most once a minute; when it is missing or older than a day, the container that notices
makes a new one (one KMS Sign) and stores it: receipts carry their key's certificate, so receipts
signed by the previous key stay verifiable."""

import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from snapshot_restore_py import register_after_restore

from tessera.core import aws, clock
from tessera.core.crypto import LocalSigner, jwk_thumbprint, public_jwk
from tessera.licensing import signing

ROTATE_AFTER_SECONDS = 24 * 3600
CERTIFICATE_TYPE = "response-key-cert+jws"
REFRESH_SECONDS = 60


@dataclass(frozen=True)
class ResponseKey:
    signer: LocalSigner
    kid: str
    certificate: str  # JWS by the KMS key over the public JWK
    created: int


_lock = threading.Lock()
_cached: tuple[float, ResponseKey] | None = None
secretsmanager = aws.client("secretsmanager")


def _load(document: dict[str, Any]) -> ResponseKey | None:
    try:
        key = serialization.load_pem_private_key(document["private_key"].encode(), password=None)
    except (KeyError, ValueError, TypeError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    signer = LocalSigner(key)
    return ResponseKey(signer, document["kid"], document["certificate"], int(document["created"]))


def _create() -> tuple[ResponseKey, dict[str, Any]]:
    signer = LocalSigner.generate()
    jwk = public_jwk(signer.public_key(), kid="")
    kid = jwk_thumbprint(jwk)
    jwk["kid"] = kid
    now = clock.epoch_seconds()
    certificate = signing.sign_document({"iss": "tessera", "typ": "response-key", "jwk": jwk, "iat": now,
                                         "exp": now + 2 * ROTATE_AFTER_SECONDS}, CERTIFICATE_TYPE)
    pem = signer.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode()
    document = {"private_key": pem, "kid": kid, "certificate": certificate, "created": now}
    return ResponseKey(signer, kid, certificate, now), document


def current() -> ResponseKey:
    global _cached
    with _lock:
        if _cached is not None and _cached[0] > time.monotonic():
            return _cached[1]
        secret_id = os.environ["RESPONSE_KEY_SECRET_ARN"]
        try:
            key = _load(json.loads(secretsmanager.get_secret_value(SecretId=secret_id)["SecretString"]))
        except (ValueError, KeyError):
            key = None
        if key is None or clock.epoch_seconds() - key.created > ROTATE_AFTER_SECONDS:
            key, document = _create()
            secretsmanager.put_secret_value(SecretId=secret_id, SecretString=json.dumps(document))
        _cached = (time.monotonic() + REFRESH_SECONDS, key)
        return key


@register_after_restore
def forget() -> None:
    """Read the secret again on the next use: after a SnapStart restore (the monotonic deadline of a key
    cached in the snapshot says nothing about the days since), and in tests."""
    global _cached
    _cached = None
