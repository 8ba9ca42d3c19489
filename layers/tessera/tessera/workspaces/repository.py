"""The only code that touches the workspaces table (records.py lists its items)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Literal

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from tessera.core.dynamo import refused, transaction
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor
from tessera.workspaces.records import (
    ClientLeadRecord,
    ConsentTextRecord,
    CounterRecord,
    ExportMarkerRecord,
    LeadEventRecord,
    LeadRecord,
    OnboardingRecord,
    OriginRecord,
    WidgetAssetRecord,
    WidgetRecord,
    WidgetRuntimeRecord,
    WidgetVersionRecord,
    WorkspaceRecord,
)


def _get[R](model: type[R], pk: str, sk: str, consistent: bool = True) -> R | None:
    try:
        return model.get(pk, sk, consistent_read=consistent)  # type: ignore[attr-defined]
    except DoesNotExist:
        return None


# --- workspaces ------------------------------------------------------------------------------------

def workspace_key(org_id: str, workspace_id: str) -> tuple[str, str]:
    return f"ORG#{org_id}", f"WS#{workspace_id}"


def find_workspace(org_id: str, workspace_id: str) -> WorkspaceRecord | None:
    """By the caller's organization and the id: another organization's workspace is not found."""
    return _get(WorkspaceRecord, *workspace_key(org_id, workspace_id))


def workspaces_of(org_id: str) -> list[WorkspaceRecord]:
    return list(WorkspaceRecord.query(f"ORG#{org_id}", WorkspaceRecord.sk.startswith("WS#")))


def every_workspace() -> Iterator[WorkspaceRecord]:
    """Every organization's workspaces: a scan, for one-off operations only (never a request's path)."""
    return WorkspaceRecord.scan(WorkspaceRecord.pk.startswith("ORG#") & WorkspaceRecord.sk.startswith("WS#"))


def workspace_count(org_id: str) -> CounterRecord:
    return CounterRecord(pk=f"ORG#{org_id}", sk="WSCOUNT")


def add_new_workspace(tx: TransactWrite, workspace: WorkspaceRecord, widget: WidgetRecord,
                      version: WidgetVersionRecord, consent: ConsentTextRecord | None, runtime: WidgetRuntimeRecord,
                      limit: int | None) -> None:
    """A workspace with its widget; the organization's count of active workspaces goes up, refused at
    `limit` (`refused(error, workspace_count(org_id))`)."""
    tx.save(workspace, condition=WorkspaceRecord.pk.does_not_exist())
    tx.save(widget, condition=WidgetRecord.pk.does_not_exist())
    tx.save(version, condition=WidgetVersionRecord.pk.does_not_exist())
    if consent is not None:
        tx.save(consent, condition=ConsentTextRecord.pk.does_not_exist())
    tx.save(runtime, condition=WidgetRuntimeRecord.pk.does_not_exist())
    _allow(tx, workspace.widget_id, added=workspace.allowed_origins or [], removed=[])
    counter = workspace_count(workspace.org_id)
    condition = None if limit is None else (CounterRecord.value.does_not_exist() | (CounterRecord.value < limit))
    tx.update(counter, actions=[CounterRecord.value.add(1)], condition=condition, return_values="ALL_OLD")


def _allow(tx: TransactWrite, widget_id: str, *, added: list[str], removed: list[str]) -> None:
    for origin in added:
        tx.update(OriginRecord(pk=f"ORIGIN#{origin}", sk="ORIGIN"), actions=[OriginRecord.widgets.add({widget_id})])
    for origin in removed:
        tx.update(OriginRecord(pk=f"ORIGIN#{origin}", sk="ORIGIN"),
                  actions=[OriginRecord.widgets.delete({widget_id})])


def add_workspace_change(tx: TransactWrite, workspace: WorkspaceRecord, runtime_actions: list[Any], *,
                         origins_before: list[str], archived: bool = False) -> None:
    """The workspace saved (its row_version checked), what the ingest reads of it, and the origin
    registry of the CORS preflight (an archived widget allows none)."""
    tx.save(workspace)
    runtime = WidgetRuntimeRecord(pk=f"WGT#{workspace.widget_id}", sk="RUNTIME")
    tx.update(runtime, actions=runtime_actions, condition=WidgetRuntimeRecord.pk.exists())
    now = [] if archived else list(workspace.allowed_origins or [])
    _allow(tx, workspace.widget_id, added=[o for o in now if o not in origins_before],
           removed=[o for o in origins_before if o not in now])
    if archived:
        tx.update(workspace_count(workspace.org_id), actions=[CounterRecord.value.add(-1)])


def origin_allowed_anywhere(origin: str) -> bool:
    record = _get(OriginRecord, f"ORIGIN#{origin}", "ORIGIN", consistent=False)
    return record is not None and bool(record.widgets)


# --- onboarding ------------------------------------------------------------------------------------

def find_onboarding(org_id: str) -> OnboardingRecord | None:
    return _get(OnboardingRecord, f"ORG#{org_id}", "ONBOARDING")


def update_onboarding(org_id: str, actions: list[Any]) -> OnboardingRecord:
    """Atomic changes of the organization's wizard (the item is made by the first); the item after them."""
    record = OnboardingRecord(pk=f"ORG#{org_id}", sk="ONBOARDING")
    record.update(actions=actions)
    return record


# --- the widget ------------------------------------------------------------------------------------

def find_widget(workspace_id: str) -> WidgetRecord | None:
    return _get(WidgetRecord, f"WS#{workspace_id}", "WIDGET")


def version_item(workspace_id: str, version: int, settings: dict[str, Any], at: datetime,
                 by: str) -> WidgetVersionRecord:
    return WidgetVersionRecord(pk=f"WS#{workspace_id}", sk=f"WCFG#{version:06d}", version=version, settings=settings,
                               saved_at=at, saved_by=by)


def consent_item(workspace_id: str, version: str, text: str, at: datetime) -> ConsentTextRecord:
    return ConsentTextRecord(pk=f"WS#{workspace_id}", sk=f"CONSENT#{version}", version=version, text=text,
                             created_at=at)


def add_widget_save(tx: TransactWrite, widget: WidgetRecord, expected_version: int, version: WidgetVersionRecord,
                    consent: ConsentTextRecord | None) -> None:
    """The new head, if the head is still at `expected_version` (`refused(error, widget)` otherwise)."""
    tx.save(widget, condition=WidgetRecord.version == expected_version, return_values="ALL_OLD")
    tx.save(version, condition=WidgetVersionRecord.pk.does_not_exist())
    if consent is not None:
        tx.save(consent, condition=ConsentTextRecord.pk.does_not_exist())


def add_publish(tx: TransactWrite, widget: WidgetRecord, runtime_actions: list[Any]) -> None:
    tx.save(widget, condition=WidgetRecord.version == widget.version, return_values="ALL_OLD")
    runtime = WidgetRuntimeRecord(pk=f"WGT#{widget.widget_id}", sk="RUNTIME")
    tx.update(runtime, actions=runtime_actions, condition=WidgetRuntimeRecord.pk.exists())


def find_runtime(widget_id: str) -> WidgetRuntimeRecord | None:
    # Eventually consistent: half the cost, and a change reaches the ingest within a second.
    return _get(WidgetRuntimeRecord, f"WGT#{widget_id}", "RUNTIME", consistent=False)


# --- the widget's images ---------------------------------------------------------------------------

def asset_bytes(workspace_id: str) -> CounterRecord:
    return CounterRecord(pk=f"WS#{workspace_id}", sk="ASSETBYTES")


def used_asset_bytes(workspace_id: str) -> int:
    counter = _get(CounterRecord, f"WS#{workspace_id}", "ASSETBYTES")
    return int(counter.value or 0) if counter else 0


def find_asset(workspace_id: str, asset_id: str) -> WidgetAssetRecord | None:
    return _get(WidgetAssetRecord, f"WS#{workspace_id}", f"ASSET#{asset_id}")


def assets_of(workspace_id: str) -> list[WidgetAssetRecord]:
    return list(WidgetAssetRecord.query(f"WS#{workspace_id}", WidgetAssetRecord.sk.startswith("ASSET#")))


def reserve_asset(asset: WidgetAssetRecord, quota: int) -> bool:
    """The pending upload with its declared bytes added to the workspace's count, unless that passes
    `quota` (False then, nothing written)."""
    counter = asset_bytes(asset.pk.removeprefix("WS#"))
    size = int(asset.size)
    try:
        with transaction() as tx:
            tx.save(asset, condition=WidgetAssetRecord.pk.does_not_exist())
            tx.update(counter, actions=[CounterRecord.value.add(size)],
                      condition=CounterRecord.value.does_not_exist() | (CounterRecord.value <= quota - size),
                      return_values="ALL_OLD")
    except TransactWriteError as error:
        if refused(error, counter):
            return False
        raise
    return True


def release_asset(asset: WidgetAssetRecord) -> None:
    """A pending upload gone (refused at confirm, or expired): its record and its reserved bytes. A
    second release of the same upload changes nothing."""
    try:
        with transaction() as tx:
            tx.delete(asset, condition=WidgetAssetRecord.state == "pending")
            tx.update(asset_bytes(asset.pk.removeprefix("WS#")), actions=[CounterRecord.value.add(-int(asset.size))])
    except TransactWriteError as error:
        if any(r is not None and r.code == "ConditionalCheckFailed" for r in error.cancellation_reasons):
            return
        raise


def add_asset_current(tx: TransactWrite, asset: WidgetAssetRecord, stored_size: int,
                      replaced: WidgetAssetRecord | None) -> None:
    """The pending upload becomes its kind's current image at `stored_size` bytes; the image it replaces
    leaves the count (its object is deleted after the commit)."""
    delta = stored_size - int(asset.size) - (int(replaced.size) if replaced else 0)
    asset.state, asset.size = "current", stored_size
    tx.save(asset, condition=WidgetAssetRecord.state == "pending")
    if replaced is not None:
        tx.delete(replaced, condition=WidgetAssetRecord.state == "current")
    if delta:
        tx.update(asset_bytes(asset.pk.removeprefix("WS#")), actions=[CounterRecord.value.add(delta)])


# --- public ingest ---------------------------------------------------------------------------------

RateKind = Literal["ip", "widget"]


def take_rate_slots(windows: Sequence[tuple[RateKind, str, int, int, datetime]]) -> RateKind | None:
    """One slot of each fixed window `(kind, key, window start, limit, expiry)` in one transaction;
    the kind of the first window that is full (nothing is taken then), or None."""
    counters = [(kind, CounterRecord(pk=f"RATE#{kind}#{key}#{start}", sk="RATE")) for kind, key, start, _, _ in windows]
    try:
        with transaction() as tx:
            for (_, counter), (_, _, _, limit, expires) in zip(counters, windows, strict=True):
                tx.update(counter, actions=[CounterRecord.value.add(1), CounterRecord.expires_at.set(expires)],
                          condition=CounterRecord.value.does_not_exist() | (CounterRecord.value < limit),
                          return_values="ALL_OLD")
    except TransactWriteError as error:
        for kind, counter in counters:
            if refused(error, counter):
                return kind
        raise
    return None


def find_client_lead(widget_id: str, client_lead_id: str) -> ClientLeadRecord | None:
    return _get(ClientLeadRecord, f"WGT#{widget_id}", f"CLIENT#{client_lead_id}")


def client_lead(widget_id: str, client_lead_id: str, lead_id: str, at: datetime) -> ClientLeadRecord:
    return ClientLeadRecord(pk=f"WGT#{widget_id}", sk=f"CLIENT#{client_lead_id}", lead_id=lead_id, created_at=at)


def month_counter(org_id: str, month: str) -> CounterRecord:
    return CounterRecord(pk=f"ORG#{org_id}", sk=f"LEADS#{month}")


def store_lead(lead: LeadRecord, event: LeadEventRecord, marker: ClientLeadRecord, month: str,
               limit: int | None) -> Literal["stored", "replay", "over_limit"]:
    """The lead, its first timeline event and its client id in one transaction with the month's count
    (refused at `limit`: the caller stores it again locked, `limit=None`)."""
    counter = month_counter(lead.org_id, month)
    actions: list[Any] = [CounterRecord.value.add(1)]
    if lead.locked:
        actions.append(CounterRecord.locked.add(1))
    condition = None if limit is None else (CounterRecord.value.does_not_exist() | (CounterRecord.value < limit))
    try:
        with transaction() as tx:
            tx.save(marker, condition=ClientLeadRecord.pk.does_not_exist(), return_values="ALL_OLD")
            tx.save(lead)
            tx.save(event)
            tx.update(counter, actions=actions, condition=condition, return_values="ALL_OLD")
    except TransactWriteError as error:
        if refused(error, marker):
            return "replay"
        if refused(error, counter):
            return "over_limit"
        raise
    return "stored"


def claim_limit_notice(org_id: str, month: str, at: datetime) -> bool:
    """True once a month per organization: whoever sets the month's notice time first."""
    counter = month_counter(org_id, month)
    try:
        counter.update(actions=[CounterRecord.limit_notice_at.set(at)],
                       condition=CounterRecord.limit_notice_at.does_not_exist())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def count_bot(widget_id: str, month: str, reason: Literal["honeypot", "too_fast"]) -> None:
    counter = CounterRecord(pk=f"WGT#{widget_id}", sk=f"BOTS#{month}")
    attribute = CounterRecord.honeypot if reason == "honeypot" else CounterRecord.too_fast
    counter.update(actions=[attribute.add(1)])


def bots_of(widget_id: str, month: str) -> CounterRecord | None:
    return _get(CounterRecord, f"WGT#{widget_id}", f"BOTS#{month}")


def leads_of_month(org_id: str, month: str) -> CounterRecord | None:
    return _get(CounterRecord, f"ORG#{org_id}", f"LEADS#{month}")


# --- leads -----------------------------------------------------------------------------------------

def find_lead(workspace_id: str, lead_id: str) -> LeadRecord | None:
    return _get(LeadRecord, f"WS#{workspace_id}", f"LEAD#{lead_id}")


def timeline(workspace_id: str, lead_id: str) -> list[LeadEventRecord]:
    return list(LeadEventRecord.query(f"WS#{workspace_id}", LeadEventRecord.sk.startswith(f"LEADEV#{lead_id}#")))


def lead_page(workspace_id: str, *, status: str | None, id_range: tuple[str, str], filter_condition: Any,
              cursor: str | None, limit: int | None) -> tuple[list[LeadRecord], str | None]:
    """A workspace's leads, newest first, whose ids fall in `id_range` (a date range: ids are ULIDs);
    one status through the `by_status` index."""
    low, high = id_range
    scope = f"leads:{workspace_id}:{status or ''}:{low}:{high}"
    common: dict[str, Any] = {"filter_condition": filter_condition, "limit": clamp_limit(limit),
                              "last_evaluated_key": decode_cursor(cursor, scope), "scan_index_forward": False}
    if status:
        result = LeadRecord.by_status.query(f"WS#{workspace_id}#{status}", LeadRecord.lead_key.between(low, high),
                                            **common)
    else:
        result = LeadRecord.query(f"WS#{workspace_id}", LeadRecord.sk.between(f"LEAD#{low}", f"LEAD#{high}"),
                                  **common)
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)


def all_leads(workspace_id: str, *, status: str | None, id_range: tuple[str, str], filter_condition: Any,
              page_size: int) -> Iterator[LeadRecord]:
    """`lead_page`'s leads to the end, newest first, read `page_size` at a time (exports)."""
    low, high = id_range
    common: dict[str, Any] = {"filter_condition": filter_condition, "page_size": page_size,
                              "scan_index_forward": False}
    if status:
        return LeadRecord.by_status.query(f"WS#{workspace_id}#{status}", LeadRecord.lead_key.between(low, high),
                                          **common)
    return LeadRecord.query(f"WS#{workspace_id}", LeadRecord.sk.between(f"LEAD#{low}", f"LEAD#{high}"), **common)


def add_status_change(tx: TransactWrite, lead: LeadRecord, event: LeadEventRecord) -> None:
    tx.save(lead)  # row_version: a concurrent change fails the transaction
    tx.save(event)


def add_export_marker(tx: TransactWrite, workspace_id: str, export_id: str, expires_at: datetime) -> None:
    tx.save(ExportMarkerRecord(pk=f"WS#{workspace_id}", sk=f"EXPORTREQ#{export_id}", workspace_id=workspace_id,
                               export_id=export_id, expires_at=expires_at))
