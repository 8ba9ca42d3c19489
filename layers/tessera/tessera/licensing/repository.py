"""The only code that touches the licensing table."""

import hashlib
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any, cast

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from tessera.core.dynamo import set_or_remove
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor
from tessera.licensing.records import (
    ActivationRecord,
    CounterRecord,
    InstallationViewRecord,
    LicenseRecord,
    RenewedTermRecord,
    SaleRecord,
    SalesPlanRecord,
    VersionRecord,
)

TERMS = ("license_id", "product", "plan", "modules", "limits", "starts_on", "ends_on", "grace_days", "domain",
         "version_min", "version_max", "mandatory_updates", "status", "version", "token", "payment_status",
         "payment_due_on")

ALL_LICENSES = "LICENSES"
LIST_PAGE = 100  # index items one query page evaluates
LIST_PAGES = 10  # query pages one listing request reads at most (then its cursor continues)
IN_LIMIT = 100  # DynamoDB's IN takes at most 100 values


def installation_view(record: LicenseRecord, retired_key_hash: str | None = None) -> InstallationViewRecord:
    view = InstallationViewRecord(pk=f"KEY#{retired_key_hash or record.key_hash}", sk="LICENSE")
    for name in TERMS:
        setattr(view, name, getattr(record, name))
    view.key_retired = True if retired_key_hash else None
    return view


def add_license_changes(tx: Any, record: LicenseRecord, new_version: VersionRecord | None,
                        dropped_key_hashes: Sequence[str] = ()) -> None:
    """The license, the installation views of its key and its retired keys (every view tells the current
    terms, a revocation included) and, when signed anew, the immutable version, into `tx`; the views of
    `dropped_key_hashes` go."""
    record.list_key = ALL_LICENSES  # the all_licenses index (a license written before it joins it here)
    tx.save(record)
    tx.save(installation_view(record))
    for retired in record.retired_key_hashes or ():
        tx.save(installation_view(record, retired))
    for dropped in dropped_key_hashes:
        tx.delete(InstallationViewRecord(pk=f"KEY#{dropped}", sk="LICENSE"))
    if new_version is not None:
        tx.save(new_version, condition=VersionRecord.pk.does_not_exist())


def add_activation(tx: Any, record: ActivationRecord) -> None:
    """A new installation, or the same server with the same key again; another key fails the condition."""
    record.fleet_key = fleet_shard(record.installation_id)  # the fleet index (monitoring, dashboard)
    record.month_key = f"ACTIVATED#{record.activated_at:%Y-%m}"
    record.month_sort = f"{record.activated_at.isoformat()}#{record.installation_id}"
    tx.save(record, condition=ActivationRecord.pk.does_not_exist()
            | (ActivationRecord.key_thumbprint == record.key_thumbprint), return_values="ALL_OLD")


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
    scope = f"licenses:ORG#{org_id}"
    result = LicenseRecord.by_org.query(f"ORG#{org_id}", scan_index_forward=False, limit=clamp_limit(limit),
                                        last_evaluated_key=decode_cursor(cursor, scope))
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)


def list_licenses(*, org_id: str | None, after: str | None, wanted: int, statuses: Sequence[str] = (),
                  plan: str | None = None, starts_from: str | None = None, starts_to: str | None = None,
                  ends_from: str | None = None, ends_to: str | None = None, org_ids: Sequence[str] | None = None,
                  id_fragment: str | None = None, accept: Any = None) -> tuple[list[LicenseRecord], str | None]:
    """One page of licenses, newest first: a customer's (by_org) or everyone's (all_licenses), never a scan.

    The filters are a FilterExpression on the query: `statuses`, `plan`, inclusive `starts_*`/`ends_*` bounds
    (YYYY-MM-DD), and the search: `org_ids` (customers whose name matched) or `id_fragment` (part of a license
    id). `accept` (record → bool) decides what the expression cannot (a state, more than 100 customers).
    `after` continues after the created_key of the last license answered (or evaluated). A page may hold fewer
    than `wanted` licenses with a cursor when LIST_PAGES index pages held fewer matches."""
    conditions: list[Any] = []
    if statuses:
        conditions.append(LicenseRecord.status.is_in(*statuses))
    if plan:
        conditions.append(LicenseRecord.plan == plan)
    for attribute, low, high in ((LicenseRecord.starts_on, starts_from, starts_to),
                                 (LicenseRecord.ends_on, ends_from, ends_to)):
        if low is not None:
            conditions.append(attribute >= low)
        if high is not None:
            conditions.append(attribute <= high)
    if org_ids is not None and len(org_ids) > IN_LIMIT:  # too many for IN: the customers are checked here
        members, fragment_text, inner = frozenset(org_ids), id_fragment or "", accept

        def searched(record: LicenseRecord) -> bool:
            return ((record.org_id in members or bool(fragment_text and fragment_text in record.license_id))
                    and (inner is None or inner(record)))
        accept = searched
    else:
        search: Any = LicenseRecord.org_id.is_in(*org_ids) if org_ids else None
        if id_fragment:
            fragment = LicenseRecord.license_id.contains(id_fragment)
            search = fragment if search is None else search | fragment
        elif org_ids is not None and not org_ids:
            return [], None  # a search that matched no customer and is no license id
        if search is not None:
            conditions.append(search)
    condition: Any = None
    for clause in conditions:
        condition = clause if condition is None else condition & clause
    if org_id is not None:
        index: Any = LicenseRecord.by_org
        hash_key = f"ORG#{org_id}"
    else:
        index, hash_key = LicenseRecord.all_licenses, ALL_LICENSES
    pages = index.query(hash_key, LicenseRecord.created_key < after if after else None, condition,
                        scan_index_forward=False, page_size=LIST_PAGE).page_iter
    found: list[LicenseRecord] = []
    for _ in range(LIST_PAGES):
        page = next(pages, None)
        if page is None:
            return found, None
        for raw in page.get("Items", []):
            record = LicenseRecord.from_raw_data(raw)
            if accept is None or accept(record):
                found.append(record)
                if len(found) == wanted:
                    last = raw is page["Items"][-1] and pages.last_evaluated_key is None
                    return found, None if last else record.created_key
        if pages.last_evaluated_key is None:
            return found, None
    evaluated = pages.last_evaluated_key
    return found, evaluated["created_key"]["S"] if evaluated else None


def record_heartbeat(report: Any, received_at: datetime, ip: str | None, seqs: list[int]) -> bool:
    """The installation's newest report `report` and the count of the distinct heartbeats `seqs` (sorted,
    ending with the report's own) it stands for, in one conditional UpdateItem. Only sequence numbers
    above the recorded one are counted, so a redelivered or replayed heartbeat never counts twice: when
    some of `seqs` are already recorded, the condition fails and the next attempt counts fewer.
    False when none is newer than what is recorded: nothing changes."""
    record = ActivationRecord(pk=f"LIC#{report.lic}", sk=f"ACT#{report.ins}")
    newest = [ActivationRecord.last_seq.set(report.seq), ActivationRecord.last_seen_at.set(received_at),
              ActivationRecord.software_version.set(report.software_version),
              ActivationRecord.active_modules.set(report.active_modules), ActivationRecord.usage.set(report.usage),
              ActivationRecord.errors.set(report.errors[-20:]), set_or_remove(ActivationRecord.server_ip, ip),
              set_or_remove(ActivationRecord.seen_version, report.seen_version)]
    for position, oldest in enumerate(seqs):
        try:
            record.update(actions=[*newest, ActivationRecord.heartbeats.add(len(seqs) - position)],
                          condition=ActivationRecord.pk.exists()
                          & (ActivationRecord.last_seq.does_not_exist() | (ActivationRecord.last_seq < oldest)))
            return True
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
    return False


def activations(license_id: str) -> list[ActivationRecord]:
    return list(ActivationRecord.query(f"LIC#{license_id}", ActivationRecord.sk.startswith("ACT#")))


# --- the dashboard's and the reports' read models (tessera.licensing.dashboard, .reports) -----------

STATS = "STATS#LICENSES"
FLEET = "FLEET"
SALES_PLAN = "SALESPLAN"


def add_counters(tx: Any, deltas: dict[str, int]) -> None:
    """Counter changes (ADD) into `tx`; each counter once, zero changes left out."""
    for sk, delta in sorted(deltas.items()):
        if delta:
            tx.update(CounterRecord(pk=STATS, sk=sk), actions=[CounterRecord.value.add(delta)])


def add_records(tx: Any, records: Sequence[Any]) -> None:
    for record in records:
        tx.save(record)


def counters_from(first_sk: str) -> dict[str, int]:
    """The counters whose sort key is ≥ first_sk (one query, paged past 1 MB)."""
    return {r.sk: int(r.value) for r in CounterRecord.query(STATS, CounterRecord.sk >= first_sk)}


# The fleet index is written in FLEET_SHARDS partitions (`FLEET#0` … `FLEET#7`), an installation always in
# the same one. A heartbeat moves its installation in the index (last_seen_at is the sort key): a delete
# and a put of a ~1-2 KB item, ~4 WCU. 100 000 installations heartbeating every 15 minutes are ~110 such
# writes a second, ~450 WCU/s, and bursts of ten times that (every server after a portal outage, cron
# on the hour) must stay under one partition key's 1 000 WCU/s: 8 shards give ~550 WCU/s each at such a
# burst. Every read fans out to all 8 (sequential queries, merged), so more shards would cost reads.
FLEET_SHARDS = 8
MICROSECOND = timedelta(microseconds=1)  # last_seen_at is stored to the microsecond: "< t" is "≤ t - 1 µs"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def fleet_shard(installation_id: str) -> str:
    digest = hashlib.sha256(installation_id.encode()).digest()
    return f"{FLEET}#{int.from_bytes(digest[:4], 'big') % FLEET_SHARDS}"


def fleet_shards() -> list[str]:
    return [f"{FLEET}#{n}" for n in range(FLEET_SHARDS)]


def fleet_count(seen_from: datetime | None = None, seen_before: datetime | None = None) -> int:
    """Installations last seen in [seen_from, seen_before): a COUNT query of each shard."""
    up_to = seen_before - MICROSECOND if seen_before is not None else None
    return sum(ActivationRecord.fleet.count(shard, _seen_between(seen_from, up_to)) for shard in fleet_shards())


def _seen_between(seen_from: datetime | None, up_to: datetime | None) -> Condition | None:
    """last_seen_at in [seen_from, up_to]."""
    if seen_from is not None and up_to is not None:
        return ActivationRecord.last_seen_at.between(seen_from, up_to)
    if seen_from is not None:
        return ActivationRecord.last_seen_at >= seen_from
    if up_to is not None:
        return ActivationRecord.last_seen_at <= up_to
    return None


@dataclass(frozen=True)
class FleetPosition:
    """Where a fleet listing stopped: the last installation answered. The listing's order is one order
    over every shard (last contact newest first, then pk and sk), so this one place continues them all."""

    last_seen_at: datetime
    pk: str
    sk: str


def _fleet_order(item: "ActivationRecord | FleetPosition") -> tuple[int, str, str]:
    return -((item.last_seen_at - EPOCH) // MICROSECOND), item.pk, item.sk


def _shard(shard: str, seen_from: datetime | None, seen_before: datetime | None, after: FleetPosition | None,
           page_size: int) -> Iterator[ActivationRecord]:
    """One shard in the listing's order: DynamoDB orders by last_seen_at only, so equal ones are sorted here."""
    bounds = [t for t in (seen_before - MICROSECOND if seen_before else None, after.last_seen_at if after else None)
              if t is not None]
    found = ActivationRecord.fleet.query(shard, _seen_between(seen_from, min(bounds) if bounds else None),
                                         scan_index_forward=False, page_size=page_size)
    for _, same_time in groupby(found, key=lambda r: r.last_seen_at):
        for record in sorted(same_time, key=_fleet_order):
            if after is None or _fleet_order(record) > _fleet_order(after):
                yield record


def fleet(seen_from: datetime | None, seen_before: datetime | None, after: FleetPosition | None,
          page_size: int = 100) -> Iterator[ActivationRecord]:
    """Installations last seen in [seen_from, seen_before), newest first, after `after`: every shard
    queried lazily (`page_size` items a page) and merged."""
    return heapq.merge(*(_shard(shard, seen_from, seen_before, after, page_size) for shard in fleet_shards()),
                       key=_fleet_order)


def fleet_position(record: ActivationRecord) -> FleetPosition:
    return FleetPosition(record.last_seen_at, record.pk, record.sk)


def activated_count(month: str, since: datetime) -> int:
    return ActivationRecord.by_month.count(f"ACTIVATED#{month}", ActivationRecord.month_sort >= since.isoformat())


def all_of_org(org_id: str) -> list[LicenseRecord]:
    return list(LicenseRecord.by_org.query(f"ORG#{org_id}"))


def ending_in_month(month: str) -> list[LicenseRecord]:
    """Every license whose last day is in the month (YYYY-MM): the by_expiry index."""
    return list(LicenseRecord.by_expiry.query(f"EXP#{month}"))


def sales_in_month(month: str) -> list[SaleRecord]:
    return cast(list[SaleRecord], list(SaleRecord.by_month.query(f"SALE#{month}")))


def renewed_in_month(month: str) -> list[RenewedTermRecord]:
    return cast(list[RenewedTermRecord], list(RenewedTermRecord.by_month.query(f"RENEWED#{month}")))


def sales_plans(first_month: str, last_month: str) -> list[SalesPlanRecord]:
    return list(SalesPlanRecord.query(SALES_PLAN,
                                      SalesPlanRecord.sk.between(f"{first_month}#", f"{last_month}#~")))


def find_sales_plan(month: str, product: str) -> SalesPlanRecord | None:
    try:
        return SalesPlanRecord.get(SALES_PLAN, f"{month}#{product}", consistent_read=True)
    except DoesNotExist:
        return None


def expiring_in_month(month: str, first_day: str, last_day: str) -> list[LicenseRecord]:
    """Licenses whose last day is in [first_day, last_day] (YYYY-MM-DD) within one month: one query of the
    by_expiry index."""
    return list(LicenseRecord.by_expiry.query(f"EXP#{month}",
                                              LicenseRecord.expiry_key.between(f"{first_day}#", f"{last_day}#~")))
