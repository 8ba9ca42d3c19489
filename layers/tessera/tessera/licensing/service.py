"""Issuing, renewing, suspending and revoking licenses; the installation's status check; the file."""

import json
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jwt.utils import base64url_decode
from pynamodb.exceptions import TransactWriteError

from tessera.accounts.service import find_organization, matching_organization_ids, organization_names
from tessera.audit import service as audit
from tessera.catalog import service as catalog
from tessera.catalog.models import Limit, Product
from tessera.core import clock
from tessera.core.crypto import data_cipher
from tessera.core.errors import Conflict, FieldError, Gone, NotFound, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id, sha256_hex
from tessera.core.observability import count
from tessera.core.pagination import InvalidCursor, clamp_limit, decode_cursor, encode_cursor
from tessera.core.request import RequestInfo
from tessera.identity.principal import Principal
from tessera.licensing import dashboard, reports, repository, signing
from tessera.licensing import payments as license_payments
from tessera.licensing.models import (
    ActivationList,
    ActivationView,
    ExpiringLicense,
    IssuedLicense,
    LicenseDetail,
    LicenseFilters,
    LicenseKey,
    LicenseListItem,
    LicenseListPage,
    LicensePage,
    LicenseRequest,
    LicenseTerms,
    LicenseView,
    ReissuedKey,
    VersionView,
    version_key,
)
from tessera.licensing.payments import payment_state
from tessera.licensing.records import LicenseRecord, VersionRecord
from tessera.licensing.state import state_of, violations

MOSCOW = ZoneInfo("Europe/Moscow")

register({
    "license-terms-invalid": {"ru": "Проверьте параметры лицензии.", "en": "Check the license terms."},
    "license-revoked": {"ru": "Лицензия отозвана: её нельзя изменить.",
                        "en": "The license is revoked: it cannot change."},
    "license-revoked-file": {"ru": "Лицензия отозвана: её файл больше не выдаётся.",
                             "en": "The license is revoked: its file is no longer issued."},
    "license-revoked-key": {"ru": "Лицензия отозвана: её ключ больше ничего не активирует.",
                            "en": "The license is revoked: its key activates nothing."},
    "license-key-unavailable": {"ru": "Ключ этой лицензии не сохранён: попросите менеджера выпустить новый.",
                                "en": "This license's key was not kept: ask your manager to re-issue it."},
})

def new_license_key() -> str:
    """ITBM-XXXX-XXXX-XXXX-XXXX-XXXX: 100 random bits in an alphabet without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(5)]
    return "ITBM-" + "-".join(groups)


def view(record: LicenseRecord) -> LicenseView:
    return LicenseView(
        id=record.license_id, org_id=record.org_id, product=record.product, plan=record.plan,
        modules=list(record.modules), limits={k: Limit.model_validate(v) for k, v in record.limits.items()},
        starts_on=record.starts_on, ends_on=record.ends_on,
        grace_days=int(record.grace_days), domain=record.domain, version_min=record.version_min,
        version_max=record.version_max, mandatory_updates=bool(record.mandatory_updates),
        status=record.status,
        state=state_of(record.status, record), version=int(record.version), key_hint=record.key_hint,
        created_at=record.created_at, revoked_reason=record.revoked_reason,
        payment_status=payment_state(record.payment_status, record.payment_due_on))


def _resolved_terms(product: Product, terms: LicenseTerms) -> tuple[list[str], dict[str, Any]]:
    """The modules and limits a license gets: the plan's, with the request's choices on top."""
    plan = product.plan(terms.plan)
    if plan is None:
        raise ValidationFailed("Check the license terms.", code="license-terms-invalid",
                               errors=[FieldError("body.plan", f"{product.code} has no plan {terms.plan!r}",
                                                  "unknown")])
    modules = sorted(set(terms.modules if terms.modules is not None else plan.modules))
    unknown = sorted(set(modules) - product.module_codes())
    if unknown:
        raise ValidationFailed("Check the license terms.", code="license-terms-invalid",
                               errors=[FieldError("body.modules", f"unknown modules: {', '.join(unknown)}", "unknown")])
    limits: dict[str, Any] = {name: limit.model_dump() for name, limit in plan.limits.items()}
    limits.update({name: limit.model_dump() for name, limit in (terms.limits or {}).items()})
    return modules, limits


def _sign_version(record: LicenseRecord, reason: str, actor: Principal) -> VersionRecord:
    now = clock.now()
    payload = signing.claims(
        license_id=record.license_id, version=int(record.version), org_id=record.org_id, product=record.product,
        plan=record.plan, modules=list(record.modules), limits=record.limits,
        starts_on=datetime.fromisoformat(record.starts_on).date(),
        ends_on=datetime.fromisoformat(record.ends_on).date(),
        grace_days=int(record.grace_days), domain=record.domain, version_min=record.version_min,
        version_max=record.version_max, mandatory_updates=bool(record.mandatory_updates), issued_at=now,
        revoked=record.status == "revoked")
    token = signing.sign(payload)
    record.token = token
    return VersionRecord(pk=f"LIC#{record.license_id}", sk=f"VER#{int(record.version):06d}",
                         license_id=record.license_id, version=int(record.version), token=token,
                         checksum=sha256_hex(token), claims=payload, reason=reason, created_at=now,
                         created_by=actor.user_id)


def _apply_terms(record: LicenseRecord, product: Product, terms: LicenseTerms) -> None:
    modules, limits = _resolved_terms(product, terms)
    record.plan, record.modules, record.limits = terms.plan, modules, limits
    record.starts_on, record.ends_on = terms.starts_on.isoformat(), terms.ends_on.isoformat()
    # the by_expiry index: licenses ending in a month (expiry notices)
    record.expiry_month, record.expiry_key = f"EXP#{terms.ends_on:%Y-%m}", f"{record.ends_on}#{record.license_id}"
    record.grace_days, record.domain = terms.grace_days, terms.domain
    record.version_min, record.version_max = terms.version_min, terms.version_max
    record.mandatory_updates = terms.mandatory_updates


def _snapshot(record: LicenseRecord) -> dict[str, Any]:
    return {"plan": record.plan, "modules": list(record.modules), "limits": record.limits,
            "starts_on": record.starts_on, "ends_on": record.ends_on, "grace_days": int(record.grace_days),
            "domain": record.domain, "version_min": record.version_min, "version_max": record.version_max,
            "status": record.status, "version": int(record.version)}


def _commit(actor: Principal, request: RequestInfo, action: str, record: LicenseRecord, version: VersionRecord | None,
            before: dict[str, Any] | None, reason: str | None = None, *, after: dict[str, Any] | None = None,
            dropped_key_hashes: list[str] | None = None) -> None:
    """The license, the dashboard's counters, the reports' sales and the audit event in one transaction."""
    after = after or _snapshot(record)
    counters = dashboard.counter_changes(action, before, after)
    sells = version is not None and action in ("license.issue", "license.renew")
    sales = reports.sale_records(action, before, record) if sells else []

    def writes(tx: Any) -> None:
        repository.add_license_changes(tx, record, version, dropped_key_hashes or ())
        repository.add_counters(tx, counters)
        repository.add_records(tx, sales)

    try:
        audit.record_change(writes, action, "license", record.license_id, actor_id=actor.user_id, actor_kind="staff",
                            actor_display=actor.display or None, request=request, org_id=record.org_id,
                            before=before, after=after, reason=reason)
    except TransactWriteError as exc:
        raise Conflict("Someone changed this license at the same time. Reload and try again.",
                       code="concurrent-change") from exc


def issue(command: LicenseRequest, actor: Principal, request: RequestInfo) -> IssuedLicense:
    organization = find_organization(command.org_id)
    if organization is None:
        raise ValidationFailed("Check the license terms.", code="license-terms-invalid",
                               errors=[FieldError("body.org_id", "no such customer", "unknown")])
    product = catalog.get_product(command.product)
    key = new_license_key()
    license_id = new_id("lic")
    now = clock.now()
    record = LicenseRecord(pk=f"LIC#{license_id}", sk="LICENSE", license_id=license_id, org_id=organization.id,
                           product=product.code, status="active", version=1, created_at=now, created_by=actor.user_id,
                           updated_at=now, org_key=f"ORG#{organization.id}",
                           created_key=f"{now.isoformat()}#{license_id}")
    _set_key(record, key)
    _apply_terms(record, product, command)
    version = _sign_version(record, "issue", actor)
    _commit(actor, request, "license.issue", record, version, None)
    count("license_issued")
    return IssuedLicense(license=view(record), license_key=key, token=record.token)


# --- the license key: stored as SHA-256 (what installations are looked up by) and envelope-encrypted with
# the data key (what the customer is shown); a re-issue retires the old key --------------------------------

MAX_RETIRED_KEYS = 3  # retired keys that still answer status checks; an older one stops answering at all


def _key_context(license_id: str) -> dict[str, str]:
    return {"license": license_id, "field": "license_key"}


def _set_key(record: LicenseRecord, key: str) -> None:
    record.key_hash, record.key_hint = sha256_hex(key), key[-4:]
    record.key_sealed = data_cipher().encrypt(key.encode(), _key_context(record.license_id))


def license_key(license_id: str, org_id: str | None = None) -> str | None:
    """The key in clear, for the customer (the app, the license e-mail); None for a license issued before
    keys were kept (re-issue gives it one). Never logged."""
    record = _license(license_id, org_id)
    if record.status == "revoked":
        raise Gone("The license is revoked: its key activates nothing.", code="license-revoked-key")
    if not record.key_sealed:
        return None
    return data_cipher().decrypt(record.key_sealed, _key_context(license_id)).decode()


def reveal_key(license_id: str, org_id: str, actor: Principal, request: RequestInfo) -> LicenseKey:
    """The key shown to a customer user on demand: audited as a read of a secret before it is returned."""
    key = license_key(license_id, org_id)
    if key is None:
        raise Conflict("This license's key was not kept: ask your manager to re-issue it.",
                       code="license-key-unavailable")
    audit.record("license.key_read", "license", license_id, actor_id=actor.user_id, actor_kind="customer",
                         actor_display=actor.display or None, actor_roles=sorted(actor.roles), request=request,
                         org_id=org_id, after={"key_hint": key[-4:]})
    return LicenseKey(license_key=key, key_hint=key[-4:])


def reissue_key(license_id: str, reason: str, actor: Principal, request: RequestInfo) -> ReissuedKey:
    """A new key for the license (a leaked or lost one). The old key activates nothing from now on
    (KEY_REISSUED); installations already activated keep working — heartbeats are signed by their own
    keys, and their status checks with the old key still answer (key_reissued: true) — until the key is
    MAX_RETIRED_KEYS re-issues old."""
    record = _license(license_id)
    if record.status == "revoked":
        raise Conflict("The license is revoked.", code="license-revoked")
    before = {**_snapshot(record), "key_hint": record.key_hint}
    retired = [record.key_hash, *(record.retired_key_hashes or [])]
    key = new_license_key()
    _set_key(record, key)
    record.retired_key_hashes, dropped = retired[:MAX_RETIRED_KEYS], retired[MAX_RETIRED_KEYS:]
    record.updated_at = clock.now()
    _commit(actor, request, "license.key_reissue", record, None, before, reason,
            after={**_snapshot(record), "key_hint": record.key_hint}, dropped_key_hashes=dropped)
    return ReissuedKey(license=view(record), license_key=key)


def _license(license_id: str, org_id: str | None = None) -> LicenseRecord:
    """`org_id`: a customer's own license only; another organization's answers as if it did not exist."""
    record = repository.find(license_id)
    if record is None or (org_id is not None and record.org_id != org_id):
        raise NotFound("No such license.", code="not-found")
    return record


def renew(license_id: str, terms: LicenseTerms, reason: str, actor: Principal, request: RequestInfo) -> LicenseView:
    """Renewal or upgrade: new terms, signed as version + 1; the key stays the same."""
    record = _license(license_id)
    if record.status == "revoked":
        raise Conflict("The license is revoked.", code="license-revoked")
    before = _snapshot(record)
    _apply_terms(record, catalog.get_product(record.product), terms)
    record.version, record.updated_at = int(record.version) + 1, clock.now()
    version = _sign_version(record, reason, actor)
    _commit(actor, request, "license.renew", record, version, before, reason)
    count("license_renewed")
    return view(record)


def set_status(license_id: str, status: str, reason: str, actor: Principal, request: RequestInfo) -> LicenseView:
    """suspend / resume / revoke. Revocation is final and signed as a new version, so an installation that
    saw it keeps it (anti-rollback); it learns it at its next check or heartbeat."""
    record = _license(license_id)
    if record.status == "revoked":
        raise Conflict("The license is revoked.", code="license-revoked")
    if record.status == status:
        return view(record)
    before = _snapshot(record)
    record.status, record.updated_at = status, clock.now()
    version = None
    if status == "revoked":
        record.revoked_reason = reason
        record.version = int(record.version) + 1
        version = _sign_version(record, reason, actor)
    action = {"suspended": "license.suspend", "active": "license.resume", "revoked": "license.revoke"}[status]
    _commit(actor, request, action, record, version, before, reason)
    count({"suspended": "license_suspended", "active": "license_resumed", "revoked": "license_revoked"}[status])
    return view(record)


def hold_for_payment(license_id: str, org_id: str, held: bool, reason: str, *, actor_id: str,
                     actor_kind: str) -> bool:
    """Billing's hold on a license of a customer it suspended for non-payment: held, the license reads as
    overdue (a new activation is refused with PAYMENT_OVERDUE); released when a payment restores the
    customer, it is paid. Only billing's own hold is released: a license awaiting payment for another
    reason stays as it is. The license's own status (staff's suspend / resume) is left alone. Audited as
    `license.payment_hold` / `license.payment_release`; False when nothing changed."""
    record = _license(license_id, org_id)
    if (record.payment_status == license_payments.HELD) == held:
        return False
    before = {"payment_status": record.payment_status, "payment_due_on": record.payment_due_on}
    record.payment_status = license_payments.HELD if held else "paid"
    record.updated_at = clock.now()
    try:
        audit.record_change(lambda tx: repository.add_license_changes(tx, record, None),
                            "license.payment_hold" if held else "license.payment_release", "license", license_id,
                            actor_id=actor_id, actor_kind=actor_kind, org_id=org_id, before=before,
                            after={"payment_status": record.payment_status, "payment_due_on": record.payment_due_on},
                            reason=reason)
    except TransactWriteError as exc:
        raise Conflict("Someone changed this license at the same time. Reload and try again.",
                       code="concurrent-change") from exc
    return True


def detail(license_id: str) -> LicenseDetail:
    record = _license(license_id)
    versions = repository.versions(license_id)
    views, previous = [], None
    for v in versions:
        views.append(VersionView(version=int(v.version), created_at=v.created_at, created_by=v.created_by,
                                 reason=v.reason, checksum=v.checksum, claims=v.claims,
                                 diff=_claims_diff(previous, v.claims)))
        previous = v.claims
    return LicenseDetail(license=view(record), versions=list(reversed(views)))


def _claims_diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    if before is None:
        return {}
    ignored = {"iat", "ver"}
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if k not in ignored and before.get(k) != after.get(k)}


def of_org(org_id: str, cursor: str | None, limit: int | None) -> LicensePage:
    items, next_cursor = repository.of_org(org_id, cursor, limit)
    return LicensePage(items=[view(r) for r in items], next_cursor=next_cursor)


LICENSE_ID = re.compile(r"lic_[0-9A-HJKMNP-TV-Z]{26}")
ID_FRAGMENT = re.compile(r"(?i)(lic_)?([0-9a-z]{4,26})")
LONGEST_GRACE_DAYS = 90  # LicenseTerms.grace_days
_STATE_STATUS = {"VALID": "active", "NOT_YET_VALID": "active", "IN_GRACE": "active", "EXPIRED": "active",
                 "SUSPENDED": "suspended", "REVOKED": "revoked"}


def _list_cursor(cursor: str | None) -> str | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    after = position.get("after")
    if not isinstance(after, str) or not after:
        raise InvalidCursor("not a cursor of this listing")
    return after


def list_licenses(filters: LicenseFilters, cursor: str | None, limit: int | None) -> LicenseListPage:
    """Licenses newest first — one customer's (by_org) or everyone's (all_licenses) — filtered by status,
    state, plan, last day and a search, each with its customer's name. Queries only: the filters are a
    FilterExpression (the state as its status and date bounds, then checked exactly), the search matches a
    license id, part of one, or the customers whose name or ИНН matches (accounts' by_name index); the names
    come in one BatchGetItem per page."""
    wanted, after = clamp_limit(limit), _list_cursor(cursor)
    now = clock.now()
    today = now.astimezone(MOSCOW).date()
    statuses = {"active", "suspended", "revoked"}
    if filters.status:
        statuses &= {filters.status}
    if filters.state:
        statuses &= {_STATE_STATUS[filters.state]}
    bounds: dict[str, date | None] = {"starts_from": None, "starts_to": None, "ends_from": None, "ends_to": None}
    if filters.state == "VALID":
        bounds.update(starts_to=today, ends_from=today)
    elif filters.state == "NOT_YET_VALID":
        bounds.update(starts_from=today + timedelta(days=1))
    elif filters.state == "IN_GRACE":
        bounds.update(ends_from=today - timedelta(days=LONGEST_GRACE_DAYS), ends_to=today - timedelta(days=1))
    elif filters.state == "EXPIRED":
        bounds.update(ends_to=today - timedelta(days=1))
    if filters.expires_before is not None:
        last = filters.expires_before - timedelta(days=1)
        bounds["ends_to"] = min(last, bounds["ends_to"] or last)

    def accept(record: LicenseRecord) -> bool:
        return filters.state is None or state_of(record.status, record, now) == filters.state

    if not statuses:
        return LicenseListPage(items=[], next_cursor=None)
    text = " ".join((filters.q or "").split())
    org_ids: list[str] | None = None
    fragment: str | None = None
    if text:
        exact = text[:4].lower() + text[4:].upper()
        if LICENSE_ID.fullmatch(exact):  # one license: a GetItem
            record = repository.find(exact)
            keep = (record is not None and after is None and record.status in statuses
                    and (filters.org_id is None or record.org_id == filters.org_id)
                    and (filters.plan is None or record.plan == filters.plan)
                    and all(_within(record, name, value) for name, value in bounds.items()) and accept(record))
            return _list_page([record] if keep and record is not None else [], None)
        org_ids, _ = matching_organization_ids(text)
        if filters.org_id is not None:
            org_ids = [o for o in org_ids if o == filters.org_id]
        found = ID_FRAGMENT.fullmatch(text)
        if found:
            fragment = ("lic_" if found.group(1) else "") + found.group(2).upper()
    records, next_after = repository.list_licenses(
        org_id=filters.org_id, after=after, wanted=wanted, statuses=sorted(statuses), plan=filters.plan,
        **{name: value.isoformat() if value else None for name, value in bounds.items()},
        org_ids=org_ids, id_fragment=fragment, accept=accept if filters.state else None)
    return _list_page(records, encode_cursor({"after": next_after}) if next_after else None)


def _within(record: LicenseRecord, bound: str, value: date | None) -> bool:
    if value is None:
        return True
    field, side = bound.split("_")
    day = record.starts_on if field == "starts" else record.ends_on
    return day >= value.isoformat() if side == "from" else day <= value.isoformat()


def _list_page(records: list[LicenseRecord], next_cursor: str | None) -> LicenseListPage:
    names = organization_names({r.org_id for r in records})
    return LicenseListPage(items=[LicenseListItem(**view(r).model_dump(), customer_name=names.get(r.org_id))
                                  for r in records], next_cursor=next_cursor)


def license_file(license_id: str, org_id: str | None = None) -> tuple[str, bytes]:
    """The .lic file: the newest signed token and what an installation needs to verify it offline. A revoked
    license has none to offer: installations learn the revocation from the portal, not from a file."""
    record = _license(license_id, org_id)
    if record.status == "revoked":
        raise Gone("The license is revoked: its file is no longer issued.", code="license-revoked-file")
    document = {"format": "tessera-license/1", "license_id": record.license_id, "version": int(record.version),
                "token": record.token, "jwks": signing.jwks()}
    return f"{record.license_id}-v{int(record.version)}.lic", json.dumps(document, indent=2).encode()


def activations(license_id: str, org_id: str | None = None) -> ActivationList:
    """The installations of a license for the monitoring table, newest contact first."""
    record = _license(license_id, org_id)
    latest = catalog.get_product(record.product).latest_version
    now = clock.now().timestamp()
    views = []
    for a in repository.activations(license_id):
        views.append(ActivationView(
            installation_id=a.installation_id, fingerprint=a.fingerprint, software_version=a.software_version,
            domain=a.domain, server_ip=a.server_ip, active_modules=list(a.active_modules or []),
            usage=dict(a.usage or {}), activated_at=a.activated_at, last_seen_at=a.last_seen_at,
            heartbeats=int(a.heartbeats or 0), state=dashboard.state_of_installation(a.last_seen_at, now),
            behind_latest=version_key(a.software_version) < version_key(latest),
            violations=violations(dict(a.usage or {}), record.limits)))
    views.sort(key=lambda v: v.last_seen_at, reverse=True)
    active_servers = {v.fingerprint for v in views if v.state == "active"}
    return ActivationList(items=views, latest_version=latest, clone_suspected=len(active_servers) > 1)


def get(license_id: str) -> LicenseView:
    """One license's current terms (NotFound when there is none)."""
    return view(_license(license_id))


def expiring(first_day: date, last_day: date) -> list[ExpiringLicense]:
    """Licenses whose last day is in [first_day, last_day]: one by_expiry query per calendar month."""
    found: list[ExpiringLicense] = []
    month = first_day.replace(day=1)
    while month <= last_day:
        following = (month + timedelta(days=32)).replace(day=1)
        low, high = max(first_day, month), min(last_day, following - timedelta(days=1))
        for record in repository.expiring_in_month(f"{month:%Y-%m}", low.isoformat(), high.isoformat()):
            issued = json.loads(base64url_decode(record.token.split(".")[1])).get("iat")
            found.append(ExpiringLicense(
                license=view(record),
                version_issued_at=datetime.fromtimestamp(int(issued), UTC) if issued else record.updated_at))
        month = following
    return found
