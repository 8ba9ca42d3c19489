"""POST /api/licenses/activate: an installation presents its key, fingerprint and public key; the
portal checks the license (status, dates, payment status, domain, product version), records the activation and answers
the configuration, the newest token and an installation certificate (signed by the KMS license key)
that binds the installation's public key: its heartbeats are signed with that key from now on.

Budget: the installation view (1 GetItem), the audit head (1 GetItem), one transaction with the
activation and its audit event, one KMS Sign. A repeated activation of the same server with the same
key answers the same way (idempotent); the same server with another key is refused."""

import base64
import hashlib
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from tessera.audit import service as audit
from tessera.catalog.models import Limit
from tessera.core import clock
from tessera.core.crypto import jwk_thumbprint
from tessera.core.dynamo import refused
from tessera.core.errors import Conflict
from tessera.core.ids import sha256_hex
from tessera.core.observability import count
from tessera.core.request import RequestInfo
from tessera.licensing import repository, signing
from tessera.licensing.models import ActivateAnswer, ActivateRequest, version_key
from tessera.licensing.payments import payment_state
from tessera.licensing.records import ActivationRecord, InstallationViewRecord
from tessera.licensing.state import DETAILS, state_of

CERTIFICATE_TYPE = "installation-cert+jws"
REFUSALS = {
    "DOMAIN_MISMATCH": {"ru": "Домен установки не совпадает с доменом лицензии.",
                        "en": "The installation's domain differs from the license's."},
    "VERSION_NOT_ALLOWED": {"ru": "Эта версия продукта не входит в диапазон лицензии.",
                            "en": "This product version is outside the license's range."},
    "KEY_MISMATCH": {"ru": "Этот сервер уже активирован с другим ключом установки.",
                     "en": "This server was activated with another installation key."},
    "PAYMENT_OVERDUE": {"ru": "Оплата лицензии просрочена: активация невозможна до поступления оплаты.",
                        "en": "The license's payment is overdue: it cannot be activated until it is paid."},
    "KEY_REISSUED": {"ru": "Этот ключ заменён новым: активируйте установку новым ключом из личного кабинета.",
                     "en": "This key was replaced by a new one: activate with the new key from your account."},
}


def installation_id(license_id: str, fingerprint: str) -> str:
    """Deterministic, so a retried activation finds the same record."""
    digest = hashlib.sha256(f"{license_id}|{fingerprint}".encode()).digest()
    return "ins_" + base64.b32encode(digest).decode()[:26]


def _refused(code: Any, language: str, view: InstallationViewRecord | None = None) -> ActivateAnswer:
    text = REFUSALS.get(code) or DETAILS[code]
    count("license_activation_refused", outcome=code)
    return ActivateAnswer(activated=False, code=code, detail=text[language],
                          version=int(view.version) if view else None, server_time=clock.now())


def activate(command: ActivateRequest, request: RequestInfo) -> ActivateAnswer:
    language = request.language
    view = repository.find_by_key_hash(sha256_hex(command.license_key))
    if view is None:
        return _refused("UNKNOWN_LICENSE", language)
    if view.key_retired:
        return _refused("KEY_REISSUED", language, view)
    code = state_of(view.status, view)
    if code not in ("VALID", "IN_GRACE"):
        return _refused(code, language, view)
    if payment_state(view.payment_status, view.payment_due_on) == "overdue":  # kept on the view: no extra read
        return _refused("PAYMENT_OVERDUE", language, view)
    if command.domain != view.domain:
        return _refused("DOMAIN_MISMATCH", language, view)
    too_old = version_key(command.software_version) < version_key(view.version_min)
    too_new = view.version_max is not None and version_key(command.software_version)[:2] > version_key(
        view.version_max)[:2]
    if too_old or too_new:
        return _refused("VERSION_NOT_ALLOWED", language, view)

    jwk = command.public_key.model_dump()
    thumbprint = jwk_thumbprint(jwk)
    ins_id = installation_id(view.license_id, command.fingerprint)
    now = clock.now()
    record = ActivationRecord(pk=f"LIC#{view.license_id}", sk=f"ACT#{ins_id}", installation_id=ins_id,
                              license_id=view.license_id, fingerprint=command.fingerprint, public_key=jwk,
                              key_thumbprint=thumbprint, software_version=command.software_version,
                              domain=command.domain, server_ip=request.ip, active_modules=command.active_modules,
                              activated_at=now, last_seen_at=now)
    if not _record(record, request):
        return _refused("KEY_MISMATCH", language, view)
    grace_until = signing.end_of(datetime.fromisoformat(view.ends_on).date()).timestamp() + int(view.grace_days) * 86400
    certificate = signing.sign_document({
        "iss": "tessera", "typ": "installation", "lic": view.license_id, "ins": ins_id, "fp": command.fingerprint,
        "jwk": jwk, "thumbprint": thumbprint, "iat": int(now.timestamp()), "exp": int(grace_until)},
        CERTIFICATE_TYPE)
    count("license_activated")
    return ActivateAnswer(activated=True, code=code, detail=DETAILS[code][language], installation_id=ins_id,
                          modules=list(view.modules),
                          limits={k: Limit.model_validate(v) for k, v in view.limits.items()},
                          version=int(view.version), token=view.token, certificate=certificate, server_time=now)


def _record(record: ActivationRecord, request: RequestInfo) -> bool:
    """Write the activation with its audit event; False when this server is known with another key."""
    try:
        audit.record_change(lambda tx: repository.add_activation(tx, record), "license.activate", "license",
                            record.license_id, actor_id=record.installation_id, actor_kind="installation",
                            request=request, after={"installation": record.installation_id,
                                                    "version": record.software_version, "domain": record.domain,
                                                    "modules": record.active_modules})
    except TransactWriteError as exc:
        if refused(exc, record):
            return False
        raise Conflict("Try the activation again.", code="concurrent-change") from exc
    return True
