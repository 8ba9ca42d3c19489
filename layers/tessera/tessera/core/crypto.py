"""Signatures and envelope encryption.

Licenses are JWS ES256 signed by a KMS P-256 key (the private key never leaves KMS). KMS answers
DER-encoded ECDSA signatures; JWS wants raw R‖S, so they are converted both ways here. Hot paths
sign in-process with a short-lived `LocalSigner` whose certificate the KMS key signs.

Secrets at rest use envelope encryption: a KMS data key per secret, AES-256-GCM locally, the
encryption context bound as associated data, so a ciphertext moved to another record fails."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Mapping
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tessera.core import aws

if TYPE_CHECKING:
    from mypy_boto3_kms import KMSClient

COORDINATE = 32  # P-256
kms = aws.client("kms")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def der_to_raw(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(COORDINATE, "big") + s.to_bytes(COORDINATE, "big")


def raw_to_der(raw: bytes) -> bytes:
    if len(raw) != 2 * COORDINATE:
        raise ValueError("an ES256 signature is 64 bytes")
    return encode_dss_signature(int.from_bytes(raw[:COORDINATE], "big"), int.from_bytes(raw[COORDINATE:], "big"))


class Signer(Protocol):
    def sign(self, message: bytes) -> bytes: ...  # raw R‖S

    def public_key(self) -> ec.EllipticCurvePublicKey: ...


class KmsSigner:
    def __init__(self, key_id: str, client: KMSClient | None = None) -> None:
        self.key_id = key_id
        self.client = client or kms

    def sign(self, message: bytes) -> bytes:
        # MessageType RAW: KMS hashes (≤ 4096 bytes); moto does not implement DIGEST.
        answer = self.client.sign(KeyId=self.key_id, Message=message, MessageType="RAW",
                                  SigningAlgorithm="ECDSA_SHA_256")
        return der_to_raw(answer["Signature"])

    @cached_property
    def _public_key(self) -> ec.EllipticCurvePublicKey:
        der = self.client.get_public_key(KeyId=self.key_id)["PublicKey"]
        key = serialization.load_der_public_key(der)
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise ValueError(f"KMS key {self.key_id} is not an ECC_NIST_P256 key")
        return key

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._public_key


class LocalSigner:
    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        self.private_key = private_key

    @classmethod
    def generate(cls) -> LocalSigner:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    def sign(self, message: bytes) -> bytes:
        return der_to_raw(self.private_key.sign(message, ec.ECDSA(hashes.SHA256())))

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()


class JwsError(Exception):
    """A token that must not be trusted; `code` is stable: bad_format, alg_not_allowed, unknown_kid, bad_signature."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def _canonical(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def jws_sign(payload: Mapping[str, Any], signer: Signer, kid: str, typ: str | None = None,
             extra_headers: Mapping[str, Any] | None = None) -> str:
    header = {"alg": "ES256", "kid": kid, **({"typ": typ} if typ else {}), **(extra_headers or {})}
    signing_input = f"{b64url(_canonical(header))}.{b64url(_canonical(payload))}"
    return f"{signing_input}.{b64url(signer.sign(signing_input.encode()))}"


def jws_verify(token: str, keys: Mapping[str, ec.EllipticCurvePublicKey]) -> tuple[dict[str, Any], dict[str, Any]]:
    parts = token.split(".")
    if len(parts) != 3:
        raise JwsError("bad_format", "a compact JWS has three parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, TypeError) as exc:
        raise JwsError("bad_format", "the token is not base64url JSON") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JwsError("bad_format", "header and payload must be JSON objects")
    if header.get("alg") != "ES256":
        raise JwsError("alg_not_allowed", f"alg {header.get('alg')!r} is not accepted (only ES256)")
    key = keys.get(str(header.get("kid")))
    if key is None:
        raise JwsError("unknown_kid", f"no trusted key with kid {header.get('kid')!r}")
    try:
        key.verify(raw_to_der(signature), f"{parts[0]}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError) as exc:
        raise JwsError("bad_signature", "the signature does not match") from exc
    return header, payload


def public_jwk(key: ec.EllipticCurvePublicKey, kid: str) -> dict[str, str]:
    numbers = key.public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x.to_bytes(COORDINATE, "big")),
            "y": b64url(numbers.y.to_bytes(COORDINATE, "big")), "use": "sig", "alg": "ES256", "kid": kid}


def jwk_thumbprint(jwk: Mapping[str, str]) -> str:
    """RFC 7638: SHA-256 over the required members in lexicographic order."""
    required = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    return b64url(hashlib.sha256(json.dumps(required, separators=(",", ":"), sort_keys=True).encode()).digest())


def jwk_to_public_key(jwk: Mapping[str, str]) -> ec.EllipticCurvePublicKey:
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("only EC P-256 keys are accepted")
    x, y = int.from_bytes(b64url_decode(jwk["x"]), "big"), int.from_bytes(b64url_decode(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


# --- Envelope encryption ------------------------------------------------------------------------

class DecryptionError(Exception):
    pass


_VERSION = "v1"


class EnvelopeCipher:
    def __init__(self, key_id: str, client: KMSClient | None = None) -> None:
        self.key_id = key_id
        self.client = client or kms

    @staticmethod
    def _aad(context: Mapping[str, str]) -> bytes:
        return _canonical(dict(context))

    def encrypt(self, plaintext: bytes, context: Mapping[str, str]) -> str:
        key = self.client.generate_data_key(KeyId=self.key_id, KeySpec="AES_256", EncryptionContext=dict(context))
        nonce = os.urandom(12)
        ciphertext = AESGCM(key["Plaintext"]).encrypt(nonce, plaintext, self._aad(context))
        blob = key["CiphertextBlob"]
        return f"{_VERSION}.{b64url(struct.pack('>H', len(blob)) + blob + nonce + ciphertext)}"

    def decrypt(self, token: str, context: Mapping[str, str]) -> bytes:
        version, _, body = token.partition(".")
        if version != _VERSION:
            raise DecryptionError(f"unknown envelope version {version!r}")
        try:
            raw = b64url_decode(body)
            (size,) = struct.unpack(">H", raw[:2])
            blob, nonce, ciphertext = raw[2:2 + size], raw[2 + size:14 + size], raw[14 + size:]
            key = self.client.decrypt(CiphertextBlob=blob, EncryptionContext=dict(context))["Plaintext"]
            return AESGCM(key).decrypt(nonce, ciphertext, self._aad(context))
        except (InvalidTag, ValueError, struct.error, self.client.exceptions.InvalidCiphertextException) as exc:
            raise DecryptionError("the secret cannot be decrypted in this context") from exc


@cache
def data_cipher() -> EnvelopeCipher:
    """The process's cipher for secrets at rest (TOTP seeds, channel tokens), under the DATA_KEY_ID key."""
    from tessera.core.settings import CoreSettings, get_settings

    key = get_settings(CoreSettings).data_key_id
    if not key:
        raise RuntimeError("DATA_KEY_ID is not set for this function")
    return EnvelopeCipher(key)


def mask_secret(value: str | None, visible: int = 4) -> str:
    if not value:
        return ""
    return "••••" + (value[-visible:] if len(value) > 2 * visible else "")
