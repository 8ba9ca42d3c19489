"""Signatures against a real (moto) KMS ECC_NIST_P256 key, and envelope encryption with a KMS data key."""

import base64
from collections.abc import Iterator

import boto3
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from jwt.utils import base64url_decode, base64url_encode, raw_to_der_signature

from tessera.core.crypto import (
    DecryptionError,
    EnvelopeCipher,
    JwsError,
    KmsSigner,
    LocalSigner,
    jwk_thumbprint,
    jwk_to_public_key,
    jws_sign,
    jws_verify,
    mask_secret,
    public_jwk,
)


@pytest.fixture
def kms(aws: None) -> Iterator[object]:
    yield boto3.client("kms")


@pytest.fixture
def signing_key(kms: object) -> str:
    return kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]  # type: ignore[attr-defined]


def test_kms_signed_jws_verifies_offline(kms: object, signing_key: str) -> None:
    signer = KmsSigner(signing_key)
    token = jws_sign({"lic": "lic_1", "v": 2, "name": "ООО «Ромашка»"}, signer, kid="k1", typ="license+jws")
    header, payload = jws_verify(token, {"k1": signer.public_key()})
    assert header == {"alg": "ES256", "kid": "k1", "typ": "license+jws"}
    assert payload["name"] == "ООО «Ромашка»"
    # KMS itself agrees the signature is valid (DER form)
    signing_input, _, signature = token.rpartition(".")
    verdict = kms.verify(KeyId=signing_key, Message=signing_input.encode(), MessageType="RAW",  # type: ignore[attr-defined]
                         Signature=raw_to_der_signature(base64url_decode(signature), ec.SECP256R1()),
                         SigningAlgorithm="ECDSA_SHA_256")
    assert verdict["SignatureValid"]


def test_kms_signer_refuses_a_non_p256_key(kms: object) -> None:
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="not an ECC_NIST_P256"):
        KmsSigner(rsa).public_key()


@pytest.mark.parametrize("tamper, code", [
    (lambda t: t.replace(".", "", 1), "bad_format"),
    (lambda t: "!!." + t.split(".", 1)[1], "bad_format"),
    (lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"), "bad_signature"),
])
def test_tampered_tokens_fail_with_a_code(tamper: object, code: str) -> None:
    signer = LocalSigner.generate()
    token = jws_sign({"a": 1}, signer, kid="k")
    with pytest.raises(JwsError) as caught:
        jws_verify(tamper(token), {"k": signer.public_key()})  # type: ignore[operator]
    assert caught.value.code == code


def test_payload_swap_wrong_key_alg_and_kid() -> None:
    signer, other = LocalSigner.generate(), LocalSigner.generate()
    token = jws_sign({"modules": ["base"]}, signer, kid="k")
    forged_payload = base64url_encode(b'{"modules":["base","ai"]}').decode()
    head, _, sig = token.split(".")
    with pytest.raises(JwsError, match="signature") as caught:
        jws_verify(f"{head}.{forged_payload}.{sig}", {"k": signer.public_key()})
    assert caught.value.code == "bad_signature"
    with pytest.raises(JwsError) as caught:
        jws_verify(token, {"k": other.public_key()})
    assert caught.value.code == "bad_signature"
    with pytest.raises(JwsError) as caught:
        jws_verify(token, {"other": signer.public_key()})
    assert caught.value.code == "unknown_kid"
    none_alg = base64url_encode(b'{"alg":"none","kid":"k"}').decode() + "." + token.split(".")[1] + "."
    with pytest.raises(JwsError) as caught:
        jws_verify(none_alg, {"k": signer.public_key()})
    assert caught.value.code == "alg_not_allowed"


def test_jwk_round_trip_and_rfc7638_thumbprint() -> None:
    # RFC 7638 has no EC example; check determinism and independence from extra members instead.
    signer = LocalSigner.generate()
    jwk = public_jwk(signer.public_key(), "k")
    assert jwk_to_public_key(jwk).public_numbers() == signer.public_key().public_numbers()
    assert jwk_thumbprint(jwk) == jwk_thumbprint({**jwk, "kid": "other", "use": "enc"})
    assert len(base64url_decode(jwk_thumbprint(jwk))) == 32
    with pytest.raises(ValueError):
        jwk_to_public_key({**jwk, "crv": "P-384"})
    with pytest.raises(ValueError):
        jwk_to_public_key({**jwk, "x": jwk["y"]})  # not a point on the curve


def test_a_jwk_with_a_private_part_gives_only_its_public_key() -> None:
    private = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()), as_dict=True)
    assert "d" in private
    assert isinstance(jwk_to_public_key(private), ec.EllipticCurvePublicKey)


def test_envelope_encryption_binds_the_context(kms: object) -> None:
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]  # type: ignore[attr-defined]
    cipher = EnvelopeCipher(key_arn)
    context = {"tenant": "org_1", "field": "yookassa"}
    sealed = cipher.encrypt(b"shop-secret-key", context)
    assert b"shop-secret-key" not in base64.b64decode(sealed)
    assert cipher.decrypt(sealed, context) == b"shop-secret-key"
    assert cipher.encrypt(b"shop-secret-key", context) != sealed  # a data key per secret
    with pytest.raises(DecryptionError, match="another record"):
        cipher.decrypt(sealed, {"tenant": "org_2", "field": "yookassa"})
    with pytest.raises(DecryptionError):
        cipher.decrypt(sealed, {"tenant": "org_1"})
    tampered = bytearray(base64.b64decode(sealed))
    tampered[-40] ^= 1
    for bad in (base64.b64encode(tampered).decode(), sealed[:-8], "v1.not-base64"):
        with pytest.raises(DecryptionError):
            cipher.decrypt(bad, context)
    other_key = EnvelopeCipher(kms.create_key()["KeyMetadata"]["Arn"])  # type: ignore[attr-defined]
    with pytest.raises(DecryptionError):
        other_key.decrypt(sealed, context)


def test_mask_secret() -> None:
    assert mask_secret("live_1234567890abcd") == "••••abcd"
    assert mask_secret("short") == "••••"
    assert mask_secret(None) == ""
