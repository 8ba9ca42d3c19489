"""The short-lived response-signing key (ARCHITECTURE §7): heartbeat receipts are signed in-process by
a P-256 key whose certificate the KMS license key signs, so a heartbeat costs no KMS call.

The keys live encrypted in Secrets Manager (JSON `{"keys": [...]}`: private key PEM, kid, certificate,
use_from). A scheduled function (`rotate`, hourly) keeps two there: the key in use and the next one,
made a day ahead with its certificate. The request path only reads (`current`, cached ten minutes per
container) and signs with the newest key whose `use_from` has come, so the switch happens on time in
every container without a write, a KMS call or a wait; a container still holding the previous key
until its next read signs with it, and that key's certificate stays valid a day past its turn.
Receipts carry their key's certificate, so receipts signed by an older key stay verifiable."""

import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tessera.core import aws, clock
from tessera.core.crypto import LocalSigner, jwk_thumbprint, public_jwk
from tessera.core.errors import ServiceUnavailable
from tessera.core.snapstart import fetched_ahead
from tessera.licensing import signing

ROTATE_EVERY_SECONDS = 24 * 3600
VALID_AFTER_TURN_SECONDS = 24 * 3600  # a certificate outlives its key's turn: late schedules, cached keys
CERTIFICATE_TYPE = "response-key-cert+jws"
REFRESH_SECONDS = 600
RETRY_MISSING_SECONDS = 30  # before the first rotation ever ran: ask again soon, not on every request


@dataclass(frozen=True)
class ResponseKey:
    signer: LocalSigner
    kid: str
    certificate: str  # JWS by the KMS key over the public JWK
    use_from: int  # epoch seconds: signs receipts from then until a newer key's turn


_lock = threading.Lock()
_cached: tuple[float, list[ResponseKey]] | None = None
secretsmanager = aws.client("secretsmanager")


def _secret_id() -> str:
    return os.environ["RESPONSE_KEY_SECRET_ARN"]


def _load(document: dict[str, Any]) -> ResponseKey | None:
    try:
        key = serialization.load_pem_private_key(document["private_key"].encode(), password=None)
        kid, certificate, use_from = str(document["kid"]), str(document["certificate"]), int(document["use_from"])
    except (KeyError, ValueError, TypeError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    return ResponseKey(LocalSigner(key), kid, certificate, use_from)


def _read() -> list[ResponseKey]:
    """The stored keys, oldest turn first; none when the secret holds none (yet)."""
    try:
        document = json.loads(secretsmanager.get_secret_value(SecretId=_secret_id())["SecretString"])
        stored = document.get("keys") if isinstance(document, dict) else None
    except ValueError:
        return []
    keys = [_load(item) for item in stored or () if isinstance(item, dict)]
    return sorted((k for k in keys if k is not None), key=lambda k: k.use_from)


def _in_turn(keys: list[ResponseKey], now: int) -> ResponseKey | None:
    started = [k for k in keys if k.use_from <= now]
    return started[-1] if started else None


def current() -> ResponseKey:
    """The key to sign with now. Reads the secret at most every ten minutes per container (an error
    keeps the keys already read); never writes. 503 only before the first rotation ever ran."""
    global _cached
    now = clock.epoch_seconds()
    with _lock:
        if _cached is None or _cached[0] <= time.time():  # the wall clock counts a snapshot's wait too
            held = _cached[1] if _cached else []
            try:
                keys = _read()
            except Exception:
                if not held:
                    raise
                keys = held  # Secrets Manager is unreachable: the keys read before still sign
            _cached = (time.time() + (REFRESH_SECONDS if keys else RETRY_MISSING_SECONDS), keys)
        key = _in_turn(_cached[1], now)
    if key is None:
        raise ServiceUnavailable("Receipts cannot be signed yet: the response key is being made.",
                                 code="response-key-missing", headers={"Retry-After": str(RETRY_MISSING_SECONDS)})
    return key


def _make(use_from: int) -> dict[str, Any]:
    """A new key and its certificate (one KMS Sign), as stored."""
    signer = LocalSigner.generate()
    jwk = public_jwk(signer.public_key(), kid="")
    jwk["kid"] = kid = jwk_thumbprint(jwk)
    certificate = signing.sign_document(
        {"iss": "tessera", "typ": "response-key", "jwk": jwk, "iat": clock.epoch_seconds(), "nbf": use_from,
         "exp": use_from + ROTATE_EVERY_SECONDS + VALID_AFTER_TURN_SECONDS}, CERTIFICATE_TYPE)
    pem = signer.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode()
    return {"private_key": pem, "kid": kid, "certificate": certificate, "use_from": use_from}


def _stored(key: ResponseKey) -> dict[str, Any]:
    pem = key.signer.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()).decode()
    return {"private_key": pem, "kid": key.kid, "certificate": key.certificate, "use_from": key.use_from}


def rotate() -> dict[str, Any]:
    """The scheduled run: keep the key in turn and make the next one ahead of its turn. Idempotent: most
    hourly runs find both and change nothing; once a day the next key's turn has come, and a new next
    one is made (one KMS Sign, one PutSecretValue)."""
    now = clock.epoch_seconds()
    keys = _read()
    in_turn = _in_turn(keys, now)
    upcoming = [k for k in keys if k.use_from > now]
    if in_turn is not None and upcoming:
        return {"changed": False, "in_turn": in_turn.kid, "next": upcoming[0].kid}
    documents = [_stored(in_turn) if in_turn is not None else _make(now)]
    documents.append(_make(max(documents[0]["use_from"] + ROTATE_EVERY_SECONDS, now + REFRESH_SECONDS)))
    secretsmanager.put_secret_value(SecretId=_secret_id(), SecretString=json.dumps({"keys": documents}))
    return {"changed": True, "in_turn": documents[0]["kid"], "next": documents[1]["kid"]}


fetched_ahead(current)


def forget() -> None:
    """Read the secret again on the next use (tests)."""
    global _cached
    _cached = None
