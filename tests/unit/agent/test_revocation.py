"""A revocation the SDK has seen sticks: it is a signed license version, kept as the newest token, so
`verify()` answers REVOKED after a restart and for older versions (a license file's too) until a newer
version lifts it. The SDK refuses bad usage values before a heartbeat is signed."""

import base64
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jwt.utils import base64url_encode

from tessera.core.crypto import LocalSigner, jws_sign, public_jwk

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "clients" / "agent"))

from tessera_agent import Agent, LicenseError, verify_token
from tessera_agent.jws import trusted_keys

VENDOR = LocalSigner.generate()
JWKS = {"keys": [public_jwk(VENDOR.public_key(), kid="k1")]}
NOW = 1_780_000_000
DOMAIN = "budget.customer.ru"


def token(version: int, **claims: Any) -> str:
    payload = {"lic": "lic_1", "ver": version, "plan": "advanced", "modules": ["core"], "limits": {},
               "nbf": NOW - 86400, "exp": NOW + 86400, "grace_until": NOW + 15 * 86400, "domain": DOMAIN,
               "revoked": False, **claims}
    return jws_sign(payload, VENDOR, kid="k1", typ="license+jws")


class Portal:
    """The portal's answers, signed as the portal signs them; records what the agent sent."""

    def __init__(self) -> None:
        self.response_key = LocalSigner.generate()
        jwk = public_jwk(self.response_key.public_key(), kid="rk1")
        self.response_certificate = jws_sign({"typ": "response-key", "jwk": jwk}, VENDOR, kid="k1")
        self.newest = token(1)
        self.state = "VALID"
        self.sent: list[tuple[str, str, Any]] = []

    def __call__(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        self.sent.append((method, path, body))
        server_time = datetime.fromtimestamp(NOW, UTC).isoformat()
        if path == "/api/licenses/activate":
            assert body is not None
            certificate = jws_sign({"typ": "installation", "lic": "lic_1", "ins": "ins_1", "jwk": body["public_key"]},
                                   VENDOR, kid="k1", typ="installation-cert+jws")
            return {"activated": True, "code": "VALID", "installation_id": "ins_1", "certificate": certificate,
                    "token": self.newest, "version": 1, "server_time": server_time}
        if path == "/api/licenses/heartbeat":
            receipt = jws_sign({"typ": "heartbeat-receipt", "server_time": NOW, "state": self.state,
                                "revoked": self.state == "REVOKED", "update": self.newest}, self.response_key,
                               kid="rk1")
            return {"accepted": True, "code": "ACCEPTED", "receipt": receipt,
                    "signing_certificate": self.response_certificate, "server_time": server_time}
        version = json.loads(base64.urlsafe_b64decode(self.newest.split(".")[1] + "=="))["ver"]
        return {"valid": self.state == "VALID", "code": self.state, "token": self.newest, "version": version,
                "modules": ["core"], "limits": {}, "server_time": server_time}


def agent(tmp_path: Path, portal: Portal) -> Agent:
    installed = Agent("https://portal.vendor.ru", "ITBM-AAAA", tmp_path / "state.json", JWKS, domain=DOMAIN,
                      clock=lambda: NOW)
    installed._call = portal  # type: ignore[method-assign]
    return installed


@pytest.fixture
def portal() -> Portal:
    return Portal()


@pytest.fixture
def activated(tmp_path: Path, portal: Portal) -> Agent:
    installed = agent(tmp_path, portal)
    assert installed.activate("machine-0000000000000001", "4.2.0")["activated"]
    return installed


def test_a_revoked_version_answers_revoked() -> None:
    with pytest.raises(LicenseError) as caught:
        verify_token(token(2, revoked=True), trusted_keys(JWKS), NOW)
    assert (caught.value.code, caught.value.version) == ("REVOKED", 2)


def test_revocation_from_a_heartbeat_sticks_across_restarts_and_files(tmp_path: Path, portal: Portal,
                                                                     activated: Agent) -> None:
    license_file_token = portal.newest
    assert activated.verify().state == "VALID"
    portal.newest, portal.state = token(2, revoked=True), "REVOKED"
    answer = activated.heartbeat({"users": 3}, ["core"], "4.2.0")
    assert answer["accepted"] and answer["receipt"]["revoked"] is True
    for check in (activated, agent(tmp_path, portal)):  # this process, and after a restart
        with pytest.raises(LicenseError) as caught:
            check.verify()
        assert caught.value.code == "REVOKED"
        with pytest.raises(LicenseError) as caught:
            check.verify(license_file_token)  # the signed .lic file of version 1 alone
        assert caught.value.code == "REVOKED"
    # A newer signed version that does not revoke lifts it.
    restarted = agent(tmp_path, portal)
    assert restarted.verify(token(3)).state == "VALID" and restarted.verify().version == 3


def test_revocation_from_a_status_check_sticks(tmp_path: Path, portal: Portal, activated: Agent) -> None:
    portal.newest, portal.state = token(2, revoked=True), "REVOKED"
    status = activated.check()
    assert (status["valid"], status["code"]) == (False, "REVOKED")
    with pytest.raises(LicenseError) as caught:
        agent(tmp_path, portal).verify()
    assert caught.value.code == "REVOKED"


def test_an_edited_revocation_is_not_taken_for_valid(tmp_path: Path, portal: Portal, activated: Agent) -> None:
    portal.newest, portal.state = token(2, revoked=True), "REVOKED"
    activated.check()
    state_file = tmp_path / "state.json"
    saved = json.loads(state_file.read_text())
    header, payload, signature = saved["token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["revoked"] = False
    saved["token"] = ".".join([header, base64url_encode(json.dumps(claims).encode()).decode(), signature])
    state_file.write_text(json.dumps(saved))
    with pytest.raises(LicenseError) as caught:
        agent(tmp_path, portal).verify()
    assert caught.value.code == "BAD_SIGNATURE"


@pytest.mark.parametrize("usage", [{"users": -5}, {"users": 1e30}, {"users": 2.5}, {"users": True},
                                   {"users": 1_000_000_001}])
def test_bad_usage_is_refused_before_a_heartbeat_is_signed(portal: Portal, activated: Agent,
                                                           usage: dict[str, Any]) -> None:
    seq, calls = activated.state.seq, len(portal.sent)
    with pytest.raises(LicenseError) as caught:
        activated.heartbeat(usage, ["core"], "4.2.0")
    assert caught.value.code == "INVALID_USAGE" and "users" in str(caught.value)
    assert (activated.state.seq, len(portal.sent)) == (seq, calls)

