"""The only code that touches the licensing table."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor
from tessera.licensing.records import ActivationRecord, InstallationViewRecord, LicenseRecord, VersionRecord

TERMS = ("license_id", "product", "plan", "modules", "limits", "starts_on", "ends_on", "grace_days", "domain",
         "version_min", "version_max", "mandatory_updates", "status", "version", "token", "payment_status",
         "payment_due_on")


def installation_view(record: LicenseRecord) -> InstallationViewRecord:
    view = InstallationViewRecord(pk=f"KEY#{record.key_hash}", sk="LICENSE")
    for name in TERMS:
        setattr(view, name, getattr(record, name))
    return view


def add_license_changes(tx: Any, record: LicenseRecord, new_version: VersionRecord | None) -> None:
    """The license, its installation view and (when signed anew) the immutable version, into `tx`."""
    tx.save(record)
    tx.save(installation_view(record))
    if new_version is not None:
        tx.save(new_version, condition=VersionRecord.pk.does_not_exist())


def add_activation(tx: Any, record: ActivationRecord) -> None:
    """A new installation, or the same server with the same key again; another key fails the condition."""
    tx.save(record, condition=ActivationRecord.pk.does_not_exist()
            | (ActivationRecord.key_thumbprint == record.key_thumbprint))


def find(license_id: str) -> LicenseRecord | None:
    try:
        return LicenseRecord.get(f"LIC#{license_id}", "LICENSE", consistent_read=True)
    except DoesNotExist:
        return None


def find_by_key_hash(key_hash: str) -> InstallationViewRecord | None:
    try:
        return InstallationViewRecord.get(f"KEY#{key_hash}", "LICENSE")
    except DoesNotExist:
        return None


def versions(license_id: str) -> list[VersionRecord]:
    return list(VersionRecord.query(f"LIC#{license_id}", VersionRecord.sk.startswith("VER#")))


def of_org(org_id: str, cursor: str | None, limit: int | None) -> tuple[Sequence[LicenseRecord], str | None]:
    result = LicenseRecord.by_org.query(f"ORG#{org_id}", scan_index_forward=False, limit=clamp_limit(limit),
                                        last_evaluated_key=decode_cursor(cursor))
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key)


def record_heartbeat(report: Any, received_at: datetime, ip: str | None) -> bool:
    """One conditional UpdateItem: the installation's newest report. False when it is older than what is
    recorded (a replay or a late duplicate): nothing changes."""
    from pynamodb.exceptions import UpdateError

    record = ActivationRecord(pk=f"LIC#{report.lic}", sk=f"ACT#{report.ins}")
    try:
        record.update(actions=[ActivationRecord.last_seq.set(report.seq),
                               ActivationRecord.last_seen_at.set(received_at),
                               ActivationRecord.software_version.set(report.software_version),
                               ActivationRecord.active_modules.set(report.active_modules),
                               ActivationRecord.usage.set(report.usage),
                               ActivationRecord.errors.set(report.errors[-20:]),
                               ActivationRecord.server_ip.set(ip),
                               ActivationRecord.seen_version.set(report.seen_version)],
                      condition=ActivationRecord.pk.exists()
                      & (ActivationRecord.last_seq.does_not_exist() | (ActivationRecord.last_seq < report.seq)))
        return True
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise


def activations(license_id: str) -> list[ActivationRecord]:
    return list(ActivationRecord.query(f"LIC#{license_id}", ActivationRecord.sk.startswith("ACT#")))
