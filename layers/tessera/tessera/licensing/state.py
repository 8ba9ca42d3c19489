"""What an installation is told about its license, from the installation-facing copy of the terms:
the state (VALID, IN_GRACE, …), the status answer with its per-container cache, and limit violations.

Kept apart from `service` (the staff side: customers, catalog, issuing) so the status, activation and
heartbeat functions import only what they use."""

from datetime import datetime
from typing import Any

from snapshot_restore_py import register_after_restore

from tessera.catalog.models import Limit
from tessera.core import clock
from tessera.core.ids import sha256_hex
from tessera.licensing import repository, signing
from tessera.licensing.models import LimitViolation, StatusAnswer, StatusCode
from tessera.licensing.records import InstallationViewRecord

STATUS_CACHE_SECONDS = 30
_status_cache: dict[str, tuple[float, InstallationViewRecord | None]] = {}
register_after_restore(_status_cache.clear)  # SnapStart: answers cached before the snapshot are stale

DETAILS: dict[StatusCode, dict[str, str]] = {
    "VALID": {"ru": "Лицензия действительна.", "en": "The license is valid."},
    "NOT_YET_VALID": {"ru": "Срок действия лицензии ещё не начался.", "en": "The license is not valid yet."},
    "IN_GRACE": {"ru": "Срок лицензии истёк, идёт льготный период.", "en": "The license has expired; grace period."},
    "EXPIRED": {"ru": "Срок лицензии истёк.", "en": "The license has expired."},
    "SUSPENDED": {"ru": "Лицензия приостановлена.", "en": "The license is suspended."},
    "REVOKED": {"ru": "Лицензия отозвана.", "en": "The license is revoked."},
    "UNKNOWN_LICENSE": {"ru": "Такой лицензии нет.", "en": "No such license."},
}


def state_of(status: str, terms: Any, now: datetime | None = None) -> StatusCode:
    now = now or clock.now()
    if status == "revoked":
        return "REVOKED"
    if status == "suspended":
        return "SUSPENDED"
    starts, ends = datetime.fromisoformat(terms.starts_on), datetime.fromisoformat(terms.ends_on)
    if now < signing.start_of(starts.date()):
        return "NOT_YET_VALID"
    expires = signing.end_of(ends.date())
    if now < expires:
        return "VALID"
    if now.timestamp() < expires.timestamp() + int(terms.grace_days) * 86400:
        return "IN_GRACE"
    return "EXPIRED"


def status(license_key: str, language: str = "ru") -> StatusAnswer:
    """What an installation learns at a check: one GetItem, none while the per-container cache holds."""
    key_hash = sha256_hex(license_key.strip())
    cached = _status_cache.get(key_hash)
    now_seconds = clock.now().timestamp()  # the platform clock: tests and the local cloud move it
    if cached is not None and cached[0] > now_seconds:
        record = cached[1]
    else:
        record = repository.find_by_key_hash(key_hash)
        _status_cache[key_hash] = (now_seconds + STATUS_CACHE_SECONDS, record)
        if len(_status_cache) > 10_000:
            _status_cache.pop(next(iter(_status_cache)))
    now = clock.now()
    if record is None:
        return StatusAnswer(valid=False, code="UNKNOWN_LICENSE", detail=DETAILS["UNKNOWN_LICENSE"][language],
                            server_time=now)
    code = state_of(record.status, record, now)
    expires = signing.end_of(datetime.fromisoformat(record.ends_on).date())
    return StatusAnswer(
        valid=code in ("VALID", "IN_GRACE"), code=code, detail=DETAILS[code][language], license_id=record.license_id,
        modules=list(record.modules), limits={k: Limit.model_validate(v) for k, v in record.limits.items()},
        expires_at=expires, grace_until=datetime.fromtimestamp(expires.timestamp() + int(record.grace_days) * 86400,
                                                                tz=expires.tzinfo),
        version=int(record.version), token=record.token, key_reissued=bool(record.key_retired), server_time=now)


def violations(usage: dict[str, int], limits: dict[str, Any]) -> list[LimitViolation]:
    """Usage against each limit: a row once an alert threshold is reached; `over` past what the mode allows."""
    found = []
    for name, raw in limits.items():
        limit, used = Limit.model_validate(raw), usage.get(name)
        if used is None or limit.value <= 0:
            continue
        percent = used * 100 // limit.value
        reached = [t for t in limit.alert_thresholds if percent >= t]
        if not reached:
            continue
        allowed = int(limit.value * limit.overage_ratio) if limit.mode == "soft" else limit.value
        found.append(LimitViolation(limit=name, used=used, value=limit.value, mode=limit.mode, allowed_up_to=allowed,
                                    over=limit.mode != "advisory" and used > allowed, threshold=max(reached)))
    return found
