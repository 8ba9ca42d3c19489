"""The installation's agent: activation, status checks, signed heartbeats, and the offline grace window.

    agent = Agent("https://portal.vendor.ru", license_key, state_path, trusted_jwks, domain="budget.customer.ru")
    agent.activate(fingerprint, software_version="4.2.0")
    info = agent.check()               # the portal's word, or the cached one within the offline grace window
    agent.heartbeat({"users": 42}, ["core", "ai_forecast"])
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tessera_agent.jws import SignatureError, jwk_of, key_from_jwk, sign, trusted_keys, verify
from tessera_agent.license import LicenseError, LicenseInfo, verify_token
from tessera_agent.state import State

OFFLINE_GRACE_SECONDS = 7 * 86400  # how long the installation trusts its last good answer without the portal
MAX_USAGE = 1_000_000_000  # the portal's bound on a usage value


class PortalUnavailable(Exception):
    pass


class Agent:
    def __init__(self, portal: str, license_key: str, state_path: Path, jwks: Mapping[str, Any], *,
                 domain: str, clock: Callable[[], float] = time.time, timeout: float = 10.0) -> None:
        self.portal = portal.rstrip("/")
        self.license_key = license_key
        self.state_path = Path(state_path)
        self.keys = trusted_keys(jwks)
        self.domain = domain
        self.clock = clock
        self.timeout = timeout
        self.state = State.load(self.state_path)

    # --- transport ---------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        if not self.portal.startswith(("https://", "http://")):
            raise PortalUnavailable("the portal URL must be http(s)")
        request = urllib.request.Request(f"{self.portal}{path}", data=data, method=method,  # noqa: S310
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310  (the portal's URL)
                return dict(json.loads(answer.read()))
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code in (408, 429):
                raise PortalUnavailable(f"the portal answered {exc.code}") from exc
            return dict(json.loads(exc.read() or b"{}"))
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise PortalUnavailable(str(exc)) from exc

    def _trust_time(self, server_time: int) -> None:
        self.state.latest_time = max(self.state.latest_time, server_time)
        self.state.last_contact = max(self.state.last_contact, server_time)

    def _save(self) -> None:
        self.state.save(self.state_path)

    # --- license -----------------------------------------------------------------------------------

    def verify(self, token: str | None = None) -> LicenseInfo:
        """Verify the license offline (the stored newest token by default) and remember what was seen.

        A revocation is a signed license version: once seen it is the stored newest token, so REVOKED is the
        answer from then on — after a restart, and for any older version, a license file's included — until
        a newer signed version says otherwise. Editing the stored token breaks its signature (BAD_SIGNATURE)."""
        token = token or self.state.token
        if not token:
            raise LicenseError("NOT_A_LICENSE", "no license token yet: activate first")
        now = int(self.clock())
        try:
            info = verify_token(token, self.keys, now, highest_version=self.state.highest_version,
                                latest_time=self.state.latest_time, domain=self.domain)
        except LicenseError as exc:
            if exc.code == "REVOKED" and exc.version is not None:
                self._keep(token, exc.version, now)
            elif exc.code == "ROLLBACK" and self.state.token and token != self.state.token:
                self.verify(self.state.token)  # REVOKED when the newest version seen revokes the license
            raise
        self._keep(token, info.version, now)
        return info

    def _keep(self, token: str, version: int, now: int) -> None:
        self.state.highest_version = max(self.state.highest_version, version)
        self.state.latest_time = max(self.state.latest_time, now)
        self.state.token = token
        self._save()

    def _take(self, token: str) -> None:
        """A newer version from the portal (status, receipt); a revocation is kept, not raised here."""
        try:
            self.verify(token)
        except LicenseError as exc:
            if exc.code != "REVOKED":
                raise

    def activate(self, fingerprint: str, software_version: str, active_modules: list[str] | None = None
                 ) -> dict[str, Any]:
        if self.state.private_key_pem:
            key = serialization.load_pem_private_key(self.state.private_key_pem.encode(), password=None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            self.state.private_key_pem = key.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()).decode()
        answer = self._call("POST", "/api/licenses/activate", {
            "license_key": self.license_key, "fingerprint": fingerprint, "software_version": software_version,
            "domain": self.domain, "public_key": jwk_of(key.public_key()), "active_modules": active_modules or []})
        if answer.get("activated"):
            _, certificate = verify(answer["certificate"], self.keys)  # bound by the vendor's key, not just any
            if certificate.get("jwk") and key_from_jwk(certificate["jwk"]).public_numbers() != \
                    key.public_key().public_numbers():
                raise LicenseError("BAD_SIGNATURE", "the certificate binds another key")
            self.state.installation_id, self.state.certificate = answer["installation_id"], answer["certificate"]
            self._trust_time(_epoch(answer["server_time"]))
            self.verify(answer["token"])
        self._save()
        return answer

    def check(self) -> dict[str, Any]:
        """The portal's status; when it is unreachable, the last good answer within the offline grace window."""
        try:
            answer = self._call("GET", f"/api/licenses/{self.license_key}")
        except PortalUnavailable:
            now = int(self.clock())
            if self.state.last_status and now - self.state.last_contact <= OFFLINE_GRACE_SECONDS:
                return {**self.state.last_status, "offline": True}
            raise
        self._trust_time(_epoch(answer["server_time"]))
        if answer.get("token") and int(answer.get("version") or 0) >= self.state.highest_version:
            self._take(answer["token"])  # a newer version arrives with the check: modules switch on here
        self.state.last_status = {k: answer.get(k) for k in ("valid", "code", "modules", "limits", "version")}
        self._save()
        return {**self.state.last_status, "offline": False}

    def heartbeat(self, usage: dict[str, int], active_modules: list[str], software_version: str,
                  errors: list[str] | None = None) -> dict[str, Any]:
        """Send a heartbeat signed by this installation's key; verify the receipt's chain to the vendor key."""
        if not (self.state.private_key_pem and self.state.installation_id and self.state.certificate):
            raise LicenseError("NOT_A_LICENSE", "activate first")
        wrong = sorted(name for name, value in usage.items()  # a count: not a float, not a bool
                       if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_USAGE)
        if wrong:  # refused here, before a sequence number is spent; the portal answers INVALID_USAGE alike
            raise LicenseError("INVALID_USAGE", f"usage must be whole numbers from 0 to {MAX_USAGE:,}: "
                                                f"{', '.join(wrong)}")
        key = serialization.load_pem_private_key(self.state.private_key_pem.encode(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        _, certificate = verify(self.state.certificate, self.keys)
        self.state.seq += 1
        payload = {"lic": certificate["lic"], "ins": self.state.installation_id, "seq": self.state.seq,
                   "sent_at": int(self.clock()), "software_version": software_version, "active_modules": active_modules,
                   "usage": usage, "errors": errors or [], "seen_version": self.state.highest_version}
        self._save()  # the sequence number is spent even if the portal does not answer
        answer = self._call("POST", "/api/licenses/heartbeat",
                            {"heartbeat": sign(payload, key, self.state.installation_id),
                             "certificate": self.state.certificate})
        if not answer.get("accepted"):
            return answer
        try:
            _, response_cert = verify(answer["signing_certificate"], self.keys)
            response_key = {response_cert["jwk"]["kid"]: key_from_jwk(response_cert["jwk"])}
            _, receipt = verify(answer["receipt"], response_key)
        except (SignatureError, KeyError) as exc:
            raise LicenseError("BAD_SIGNATURE", "the receipt is not signed by the vendor") from exc
        self._trust_time(int(receipt["server_time"]))
        if receipt.get("update"):
            self._take(receipt["update"])
        self.state.last_status = {**self.state.last_status, "code": receipt["state"],
                                  "valid": receipt["state"] in ("VALID", "IN_GRACE")}
        self._save()
        return {"accepted": True, "receipt": receipt}


def _epoch(value: Any) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp())
