"""Signatures and envelope encryption.

Licenses are JWS ES256 signed by a KMS P-256 key (the private key never leaves KMS): PyJWT frames and
verifies the tokens, and signs through a `Signer`, which is KMS or, on hot paths, a short-lived
`LocalSigner` whose certificate the KMS key signs.

Secrets at rest are AWS Encryption SDK messages: a KMS data key per secret, AES-256-GCM with key
commitment and no message signature (only this platform reads them), under an encryption context that
decryption checks, so a ciphertext moved to another record fails."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from functools import cache, cached_property
from typing import Any, Protocol

from aws_encryption_sdk import Algorithm, CommitmentPolicy, EncryptionSDKClient
from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError
from aws_encryption_sdk.key_providers.kms import KMSMasterKey
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.backends.openssl import backend  # noqa: F401  (PyJWT asks for it on first use)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt import InvalidKeyError, InvalidSignatureError, PyJWS, PyJWTError
from jwt.algorithms import ECAlgorithm
from jwt.utils import base64url_encode, der_to_raw_signature
from snapshot_restore_py import register_before_snapshot

from tessera.core import aws
from tessera.core.settings import CoreSettings, get_settings

kms = aws.client("kms")
ES256 = ECAlgorithm(ECAlgorithm.SHA256, ec.SECP256R1)


@register_before_snapshot
def set_up_openssl_ecdsa() -> None:  # on its first signature (~8 ms): in the snapshot, not a first request
    key = ec.generate_private_key(ec.SECP256R1())
    ES256.verify(b"", key.public_key(), ES256.sign(b"", key))


class Signer(Protocol):
    def sign(self, message: bytes) -> bytes: ...  # raw R‖S, as JWS has it

    def public_key(self) -> ec.EllipticCurvePublicKey: ...


class KmsSigner:
    def __init__(self, key_id: str) -> None:
        self.key_id = key_id

    def sign(self, message: bytes) -> bytes:
        # MessageType RAW: KMS hashes (≤ 4096 bytes); moto does not implement DIGEST.
        answer = kms.sign(KeyId=self.key_id, Message=message, MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256")
        return der_to_raw_signature(answer["Signature"], ec.SECP256R1())

    @cached_property
    def _public_key(self) -> ec.EllipticCurvePublicKey:
        der = kms.get_public_key(KeyId=self.key_id)["PublicKey"]
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
        return ES256.sign(message, self.private_key)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()


class _SignerES256(ECAlgorithm):
    """ES256 whose key is a `Signer`, so PyJWT frames tokens that KMS signs."""

    def prepare_key(self, key: Any) -> Any:
        return key

    def sign(self, msg: bytes, key: Any) -> bytes:
        return key.sign(msg)


_signing = PyJWS(algorithms=[])
_signing.register_algorithm("ES256", _SignerES256(ECAlgorithm.SHA256))
_verifying = PyJWS(algorithms=["ES256"])


class JwsError(Exception):
    """A token that must not be trusted; `code` is stable: bad_format, alg_not_allowed, unknown_kid, bad_signature."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def jws_sign(payload: Mapping[str, Any], signer: Signer, kid: str, typ: str | None = None) -> str:
    """The payload as canonical JSON (sorted keys, UTF-8), so the same claims always sign the same bytes."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return _signing.encode(body, signer, algorithm="ES256", headers={"kid": kid, "typ": typ})  # type: ignore[arg-type]


def jws_verify(token: str, keys: Mapping[str, ec.EllipticCurvePublicKey]) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header = _verifying.get_unverified_header(token)
        if header.get("alg") != "ES256":
            raise JwsError("alg_not_allowed", f"alg {header.get('alg')!r} is not accepted (only ES256)")
        key = keys.get(str(header.get("kid")))
        if key is None:
            raise JwsError("unknown_kid", f"no trusted key with kid {header.get('kid')!r}")
        payload = json.loads(_verifying.decode(token, key, algorithms=["ES256"]))
    except InvalidSignatureError as exc:
        raise JwsError("bad_signature", "the signature does not match") from exc
    except (PyJWTError, ValueError) as exc:
        raise JwsError("bad_format", "not a compact JWS of base64url JSON") from exc
    if not isinstance(payload, dict):
        raise JwsError("bad_format", "the payload must be a JSON object")
    return header, payload


def public_jwk(key: ec.EllipticCurvePublicKey, kid: str) -> dict[str, str]:
    return {**ECAlgorithm.to_jwk(key, as_dict=True), "use": "sig", "alg": "ES256", "kid": kid}


def jwk_thumbprint(jwk: Mapping[str, str]) -> str:
    """RFC 7638 (PyJWT has none): SHA-256 over the required members, sorted, without whitespace."""
    required = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True)
    return base64url_encode(hashlib.sha256(required.encode()).digest()).decode()


def jwk_to_public_key(jwk: Mapping[str, Any]) -> ec.EllipticCurvePublicKey:
    if jwk.get("crv") != "P-256":
        raise ValueError("only EC P-256 keys are accepted")
    try:  # the public members only: a JWK carrying "d" must not become a private key
        key = ECAlgorithm.from_jwk({name: jwk.get(name) for name in ("kty", "crv", "x", "y")})
    except (InvalidKeyError, TypeError) as exc:
        raise ValueError(f"not a P-256 public key: {exc}") from exc
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


# --- Envelope encryption ------------------------------------------------------------------------

class DecryptionError(Exception):
    pass


# One data key per message and key commitment, as the SDK recommends; unsigned: no verifier elsewhere.
_encryption_sdk = EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
                                      max_encrypted_data_keys=1)
SUITE = Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY


class EnvelopeCipher:
    def __init__(self, key_arn: str) -> None:
        self.master_key = KMSMasterKey(key_id=key_arn, client=kms)

    def encrypt(self, plaintext: bytes, context: Mapping[str, str]) -> str:
        message, _ = _encryption_sdk.encrypt(source=plaintext, key_provider=self.master_key,
                                             encryption_context=dict(context), algorithm=SUITE)
        return base64.b64encode(message).decode()

    def decrypt(self, sealed: str, context: Mapping[str, str]) -> bytes:
        try:
            with _encryption_sdk.stream(mode="decrypt-unsigned", source=base64.b64decode(sealed, validate=True),
                                        key_provider=self.master_key) as decryptor:
                plaintext = decryptor.read()
        except (AWSEncryptionSDKClientError, InvalidTag, ValueError) as exc:
            raise DecryptionError("the secret cannot be decrypted") from exc
        # KMS checked the context the message carries; it must also be this record's
        if decryptor.header.encryption_context != dict(context):
            raise DecryptionError("the secret belongs to another record")
        return bytes(plaintext)


@cache
def data_cipher() -> EnvelopeCipher:
    """The process's cipher for secrets at rest (TOTP seeds, channel tokens, license keys), under the
    DATA_KEY_ID key (its ARN: the SDK decrypts only under a key named by ARN)."""
    key = get_settings(CoreSettings).data_key_id
    if not key:
        raise RuntimeError("DATA_KEY_ID is not set for this function")
    return EnvelopeCipher(key)


def mask_secret(value: str | None, visible: int = 4) -> str:
    if not value:
        return ""
    return "••••" + (value[-visible:] if len(value) > 2 * visible else "")
