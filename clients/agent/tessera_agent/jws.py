"""Compact JWS ES256 (raw R‖S signatures) and P-256 JWKs: all the SDK needs, on `cryptography` only."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature


class SignatureError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_from_jwk(jwk: Mapping[str, str]) -> ec.EllipticCurvePublicKey:
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise SignatureError("bad_key", "only EC P-256 keys")
    numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(unb64url(jwk["x"]), "big"),
                                            int.from_bytes(unb64url(jwk["y"]), "big"), ec.SECP256R1())
    return numbers.public_key()


def jwk_of(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    n = key.public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url(n.x.to_bytes(32, "big")), "y": b64url(n.y.to_bytes(32, "big"))}


def thumbprint(jwk: Mapping[str, str]) -> str:
    required = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    return b64url(hashlib.sha256(json.dumps(required, separators=(",", ":"), sort_keys=True).encode()).digest())


def verify(token: str, keys: Mapping[str, ec.EllipticCurvePublicKey]) -> tuple[dict[str, Any], dict[str, Any]]:
    parts = token.split(".")
    if len(parts) != 3:
        raise SignatureError("bad_format", "not a compact JWS")
    try:
        header, payload, signature = json.loads(unb64url(parts[0])), json.loads(unb64url(parts[1])), unb64url(parts[2])
    except ValueError as exc:
        raise SignatureError("bad_format", "not base64url JSON") from exc
    if header.get("alg") != "ES256":
        raise SignatureError("alg_not_allowed", "only ES256")
    key = keys.get(str(header.get("kid")))
    if key is None:
        raise SignatureError("unknown_kid", f"no trusted key {header.get('kid')!r}")
    if len(signature) != 64:
        raise SignatureError("bad_signature", "the signature does not match")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        key.verify(der, f"{parts[0]}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise SignatureError("bad_signature", "the signature does not match") from exc
    return header, payload


def sign(payload: Mapping[str, Any], key: ec.EllipticCurvePrivateKey, kid: str) -> str:
    def part(data: Mapping[str, Any]) -> str:
        return b64url(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())

    signing_input = f"{part({'alg': 'ES256', 'kid': kid})}.{part(payload)}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def trusted_keys(jwks: Mapping[str, Any]) -> dict[str, ec.EllipticCurvePublicKey]:
    return {str(k["kid"]): key_from_jwk(k) for k in jwks.get("keys", [])}
