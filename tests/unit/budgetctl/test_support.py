"""What a support bundle hides (redact) and keeps, and how modules sync reads a verified license."""

from __future__ import annotations

import io
import sys
import tarfile
import time

import pytest

from tessera.core.crypto import LocalSigner, jws_sign, public_jwk
from tests.unit.budgetctl.conftest import BUNDLE, EXAMPLE, ROOT

sys.path.insert(0, str(ROOT / "clients" / "agent"))

from budgetctl import modules
from budgetctl.bundle import Bundle
from budgetctl.repository import load_repository
from budgetctl.support import archive, redact
from tessera_agent import LicenseError, verify_token
from tessera_agent.jws import trusted_keys

HIDDEN = [
    ("DATABASE_PASSWORD=s3cr3t-Value", "DATABASE_PASSWORD=***"),
    ('{"password": "s3cr3t-Value", "user": "itbm"}', '{"password": ***, "user": "itbm"}'),
    ("smtp_password: 's3cr3t-Value'", "smtp_password: ***"),
    ("pg_dump --password s3cr3t-Value --host db", "pg_dump --password *** --host db"),
    ("REGISTRY_TOKEN=ghp_s3cr3tValue123", "REGISTRY_TOKEN=***"),
    ("api_key=s3cr3t-Value&x=1", "api_key=***"),
    ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYs3cr3tValue", "AWS_SECRET_ACCESS_KEY=***"),
    ("key id AKIAIOSFODNN7EXAMPLE in use", "key id *** in use"),
    ("Authorization: Bearer eyJhbGciOi.s3cr3tValue", "Authorization: ***"),
    ("curl -H 'X: Bearer abcdefgh12345678s3cr3t'", "curl -H 'X: Bearer ***'"),
    ("url=postgres://itbm:s3cr3t-Value@pg.acme.internal:5432/itbm", "url=postgres://itbm:***@pg.acme.internal:5432/itbm"),
    ("redis://:s3cr3t-Value@cache:6379/0", "redis://:***@cache:6379/0"),
    ("session eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzM2NyM3QifQ.c2lnbmF0dXJl expired", "session *** expired"),
]


@pytest.mark.parametrize(("text", "expected"), HIDDEN)
def test_secrets_are_hidden(text: str, expected: str) -> None:
    hidden = redact(text)
    assert "s3cr3t" not in hidden and "s3cr3tValue" not in hidden
    assert expected in hidden, hidden


def test_a_private_key_goes_whole() -> None:
    pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA\n-----END OPENSSH PRIVATE KEY-----"
    assert redact(f"key:\n{pem}\nnext line") == "key:\n[private key removed]\nnext line"


def test_what_helps_a_person_stays() -> None:
    kept = ["DATABASE_PASSWORD_FILE=/run/secrets/db_password", "DATABASE_HOST=pg.acme.internal",
            "backend-1  | GET /health 200 12ms", "https://budget.acme.ru/api/health",
            "password: {secret: acme/db_password}", "ITBM_MODULES=core,multi_department"]
    for line in kept:
        assert redact(line) == line


def test_the_archive_holds_every_file_and_a_manifest() -> None:
    data = archive({"versions.txt": "current: v4.2.0", "logs/compose.log": "ok"}, "acme", clock=lambda: 1_770_000_000)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = tar.getnames()
        manifest = tar.extractfile(next(n for n in names if n.endswith("manifest.json")))
        assert manifest is not None and b'"redacted": true' in manifest.read()
    assert sorted(names) == ["support-acme-20260202T024000Z/logs/compose.log",
                             "support-acme-20260202T024000Z/manifest.json",
                             "support-acme-20260202T024000Z/versions.txt"]


# --- modules sync: the license, verified, for this client -------------------------------------------------

VENDOR = LocalSigner.generate()
KEYS = trusted_keys({"keys": [public_jwk(VENDOR.public_key(), kid="vendor-1")]})
REPO = load_repository(EXAMPLE, Bundle.load(BUNDLE))
ACME = REPO.clients["acme"]


def token(**changes: object) -> str:
    now = int(time.time())
    claims = {"lic": ACME.license_id, "ver": 3, "plan": "advanced", "modules": ["core", "ai_forecast"],
              "limits": {"users": 300, "api_rate": 50, "note": "x"}, "nbf": now - 60, "exp": now + 86400,
              "grace_until": now + 2 * 86400, "domain": ACME.domain,
              "product_version_range": {"min": "4.1", "max": "4.2"}, **changes}
    return jws_sign(claims, VENDOR, kid="vendor-1", typ="license+jws")


def test_a_verified_license_grants_its_modules_limits_and_versions() -> None:
    info = verify_token(token(), KEYS, int(time.time()), domain=ACME.domain)
    grant = modules.granted(info, ACME, Bundle.load(BUNDLE).product)
    assert grant.env() == {"ITBM_MODULES": "ai_forecast,core", "ITBM_LICENSE_VERSION": "3",
                           "ITBM_LIMIT_API_RATE": "50", "ITBM_LIMIT_USERS": "300"}
    assert grant.versions is not None and grant.versions.admits("v4.2.0") and not grant.versions.admits("v4.3.0")


def test_a_changed_claim_breaks_the_signature() -> None:
    header, _, signature = token().split(".")
    other = token(modules=["core", "ai_forecast", "integrations"]).split(".")[1]
    with pytest.raises(LicenseError) as refused:
        verify_token(f"{header}.{other}.{signature}", KEYS, int(time.time()), domain=ACME.domain)
    assert refused.value.code == "BAD_SIGNATURE"
    with pytest.raises(LicenseError) as elsewhere:
        verify_token(token(domain="budget.other.ru"), KEYS, int(time.time()), domain=ACME.domain)
    assert elsewhere.value.code == "NOT_A_LICENSE"


def test_another_clients_license_or_an_unknown_module_is_refused() -> None:
    product = Bundle.load(BUNDLE).product
    foreign = verify_token(token(lic="lic_01HZX3K9Q7M8N2P4R6S8T0V2W5"), KEYS, int(time.time()))
    with pytest.raises(modules.LicenseRefused, match="lic_01HZX3K9Q7M8N2P4R6S8T0V2W5"):
        modules.granted(foreign, ACME, product)
    odd = verify_token(token(modules=["core", "teleport"]), KEYS, int(time.time()))
    with pytest.raises(modules.LicenseRefused, match="teleport"):
        modules.granted(odd, ACME, product)


def test_changes_name_each_module_and_limit() -> None:
    before = modules.parse_env("# header\nITBM_MODULES=core,integrations\nITBM_LIMIT_USERS=200\n")
    after = {"ITBM_MODULES": "ai_forecast,core", "ITBM_LIMIT_USERS": "300", "ITBM_LICENSE_VERSION": "3"}
    assert modules.changes(before, after) == ["+ ai_forecast", "- integrations", "ITBM_LICENSE_VERSION: — → 3",
                                              "ITBM_LIMIT_USERS: 200 → 300"]
    assert modules.changes(after, after) == []
