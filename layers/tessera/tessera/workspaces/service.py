"""The way into workspaces: a customer organization's workspaces, each with one widget (seed 004: one
tenant, one widget), its configuration (versioned, optimistic locking) and its publication to the CDN.
Every change is written with its audit event in one transaction. Lead ingest is `ingest`, the leads
read API `leads`."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import TransactWriteError

from tessera.audit import service as audit
from tessera.billing import service as billing
from tessera.billing.access import ACCESS, Access
from tessera.billing.plans import FAST_LEAD
from tessera.core import aws, clock, features
from tessera.core.dynamo import refused
from tessera.core.errors import Conflict, Forbidden, NotFound
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.observability import count, logger
from tessera.core.request import RequestInfo
from tessera.core.settings import CoreSettings, get_settings
from tessera.workspaces import repository
from tessera.workspaces.models import (
    ConsentSettings,
    Publish,
    Snippet,
    WidgetSettings,
    WidgetUpdate,
    WidgetView,
    WorkspaceCreate,
    WorkspaceList,
    WorkspaceUpdate,
    WorkspaceView,
)
from tessera.workspaces.records import WidgetRecord, WidgetRuntimeRecord, WorkspaceRecord
from tessera.workspaces.settings import IngestSettings, WorkspacesSettings
from tessera.workspaces.widget_config import published_config, render_snippet

s3 = aws.client("s3")

register({
    "feature-off": {"ru": "Этот раздел сейчас отключён для вашей организации.",
                    "en": "This section is switched off for your organization right now."},
    "workspace-not-found": {"ru": "Такого рабочего пространства нет.", "en": "No such workspace."},
    "workspace-archived": {"ru": "Рабочее пространство в архиве: его нельзя изменить.",
                           "en": "The workspace is archived and cannot be changed."},
    "workspace-limit": {"ru": "Тариф позволяет не больше {limit} рабочих пространств: перейдите на тариф выше.",
                        "en": "Your plan allows at most {limit} workspaces: upgrade to add more."},
    "plan-required": {"ru": "Сначала выберите тариф Fast Lead или начните пробный период.",
                      "en": "Choose a Fast Lead plan or start a trial first."},
    "subscription-read-only": {"ru": "Подписка не оплачена: доступ только для чтения. Оплатите, чтобы продолжить.",
                               "en": "The subscription is unpaid: read-only access. Pay to continue."},
    "subscription-blocked": {"ru": "Подписка заблокирована за неоплату; данные сохранены. Оплатите, чтобы продолжить.",
                             "en": "The subscription is blocked for non-payment; data is kept. Pay to continue."},
    "widget-version-conflict": {"ru": "Настройки виджета уже изменил кто-то другой (версия {current_version}). "
                                      "Загрузите их заново или сохраните свои поверх.",
                                "en": "Someone else changed the widget (version {current_version}). Reload, or "
                                      "save yours over it."},
})

DEFAULT_CONSENT = {
    "ru": "Я даю согласие на обработку моих персональных данных (имя, телефон, e-mail, сообщение) для ответа на "
          "мою заявку.",
    "en": "I consent to the processing of my personal data (name, phone, e-mail, message) to answer my request.",
}


@dataclass(frozen=True)
class Actor:
    """Who makes a change, for its audit event."""

    user_id: str
    display: str | None = None
    roles: tuple[str, ...] = ()
    request: RequestInfo | None = None

    @classmethod
    def of(cls, principal: Any, request: RequestInfo) -> Actor:
        return cls(principal.user_id, principal.display or None, tuple(sorted(principal.roles)), request)


def commit_with_audit(writes: Any, actor: Actor, action: str, entity_type: str, entity_id: str, org_id: str,
                      before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    audit.record_change(writes, action, entity_type, entity_id, actor_id=actor.user_id, actor_kind="customer",
                        actor_display=actor.display, actor_roles=actor.roles, request=actor.request,
                        org_id=org_id, before=before, after=after)


def _concurrent() -> Conflict:
    return Conflict("Someone changed this at the same time. Reload and try again.", code="concurrent-change")


# --- the plan: what billing allows ----------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    access: Access | None  # None: no Fast Lead subscription
    limits: dict[str, int | None] = field(default_factory=dict)
    code: str | None = None  # the plan's code (fastlead_start, …)

    def limit(self, name: str) -> int | None:
        return self.limits.get(name)


def plan_of(org_id: str) -> Plan:
    """The organization's Fast Lead subscription as billing keeps it: access and the plan's limits."""
    subscriptions = billing.list_subscriptions(org_id=org_id).items
    current = next((s for s in subscriptions if s.product == FAST_LEAD and s.state != "canceled"), None)
    if current is None:
        return Plan(None)
    limits = next((p.limits for p in billing.list_plans(FAST_LEAD) if p.code == current.plan), {})
    return Plan(ACCESS.get(current.state), limits, current.plan)


_plans: dict[str, tuple[float, Plan]] = {}


def cached_plan(org_id: str) -> Plan:
    """`plan_of` kept for a minute per process: the ingest's hot path reads no billing items. An upgrade
    reaches leads within that minute; a lead over the limit meanwhile is kept locked, never lost."""
    now = time.monotonic()
    hit = _plans.get(org_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    plan = plan_of(org_id)
    _plans[org_id] = (now + get_settings(IngestSettings).plan_cache_seconds, plan)
    return plan


def forget_plans() -> None:
    _plans.clear()


def features_of(org_id: str) -> dict[str, bool]:
    """The feature flags for the organization (its id and Fast Lead plan are the rules' context)."""
    return features.evaluate_all({"org_id": org_id, "plan": plan_of(org_id).code or ""})


def require_feature(org_id: str, name: str) -> None:
    """The server keeps a flag switched off closed, not only the app's menu."""
    if not features_of(org_id)[name]:
        raise Forbidden(f"The {name} feature is off for this organization.", code="feature-off", feature=name)


def _writable(org_id: str) -> Plan:
    plan = plan_of(org_id)
    if plan.access is None:
        raise Forbidden("Choose a Fast Lead plan or start a trial first.", code="plan-required")
    if plan.access == "read_only":
        raise Forbidden("The subscription is unpaid: read-only access.", code="subscription-read-only")
    if plan.access == "blocked":
        raise Forbidden("The subscription is blocked for non-payment.", code="subscription-blocked")
    return plan


# --- workspaces ------------------------------------------------------------------------------------

def workspace_view(record: WorkspaceRecord) -> WorkspaceView:
    return WorkspaceView(id=record.workspace_id, org_id=record.org_id, name=record.name, domain=record.domain,
                         allowed_origins=list(record.allowed_origins or []), status=record.status,
                         widget_id=record.widget_id, created_at=record.created_at, updated_at=record.updated_at)


def _snapshot(record: WorkspaceRecord) -> dict[str, Any]:
    return workspace_view(record).model_dump(mode="json", exclude={"created_at", "updated_at"})


def _workspace(org_id: str, workspace_id: str) -> WorkspaceRecord:
    record = repository.find_workspace(org_id, workspace_id)
    if record is None:
        raise NotFound("No such workspace.", code="workspace-not-found")
    return record


def _active(org_id: str, workspace_id: str) -> WorkspaceRecord:
    record = _workspace(org_id, workspace_id)
    if record.status != "active":
        raise Conflict("The workspace is archived.", code="workspace-archived")
    return record


def _default_settings(locale: str) -> dict[str, Any]:
    settings = WidgetSettings(locale=locale, consent=ConsentSettings(text=DEFAULT_CONSENT[locale]))
    dumped = settings.model_dump(mode="json")
    dumped["consent"]["version"] = "v1"
    return dumped


def create_workspace(org_id: str, command: WorkspaceCreate, actor: Actor) -> WorkspaceView:
    plan = _writable(org_id)
    limit = plan.limit("workspaces")
    now = clock.now()
    workspace_id, widget_id = new_id("ws"), new_id("wgt")
    origins = command.allowed_origins
    if origins is None:
        origins = [f"https://{command.domain}"] if command.domain else []
    pk, sk = repository.workspace_key(org_id, workspace_id)
    workspace = WorkspaceRecord(pk=pk, sk=sk, workspace_id=workspace_id, org_id=org_id, name=command.name,
                                domain=command.domain, allowed_origins=origins, status="active", widget_id=widget_id,
                                created_at=now, created_by=actor.user_id, updated_at=now)
    language = actor.request.language if actor.request else "ru"
    settings = _default_settings(language)
    settings["texts"]["title"] = command.name
    widget = WidgetRecord(pk=f"WS#{workspace_id}", sk="WIDGET", widget_id=widget_id, workspace_id=workspace_id,
                          org_id=org_id, version=1, settings=settings, consent_versions=1, updated_at=now,
                          updated_by=actor.user_id)
    runtime = WidgetRuntimeRecord(pk=f"WGT#{widget_id}", sk="RUNTIME", widget_id=widget_id,
                                  workspace_id=workspace_id, org_id=org_id, status="active", allowed_origins=origins,
                                  consent_required=True, consent_version="v1", fields=settings["fields"])
    version = repository.version_item(workspace_id, 1, settings, now, actor.user_id)
    consent = repository.consent_item(workspace_id, "v1", settings["consent"]["text"], now)
    try:
        commit_with_audit(lambda tx: repository.add_new_workspace(tx, workspace, widget, version, consent, runtime,
                                                                  limit),
                          actor, "workspace.create", "workspace", workspace_id, org_id, None, _snapshot(workspace))
    except TransactWriteError as error:
        if refused(error, repository.workspace_count(org_id)):
            raise Forbidden(f"Your plan allows at most {limit} workspaces.", code="workspace-limit",
                            limit=limit) from None
        raise
    count("workspace_created")
    logger.info("workspace created", extra={"org_id": org_id, "workspace_id": workspace_id})
    return workspace_view(workspace)


def list_workspaces(org_id: str) -> WorkspaceList:
    records = sorted(repository.workspaces_of(org_id), key=lambda r: r.workspace_id)
    return WorkspaceList(items=[workspace_view(r) for r in records], limit=plan_of(org_id).limit("workspaces"))


def get_workspace(org_id: str, workspace_id: str) -> WorkspaceView:
    return workspace_view(_workspace(org_id, workspace_id))


def update_workspace(org_id: str, workspace_id: str, command: WorkspaceUpdate, actor: Actor) -> WorkspaceView:
    _writable(org_id)
    record = _active(org_id, workspace_id)
    before = _snapshot(record)
    origins_before = list(record.allowed_origins or [])
    changes = command.model_dump(exclude_unset=True)
    if "name" in changes and command.name is not None:
        record.name = command.name
    if "domain" in changes:
        record.domain = command.domain
    if "allowed_origins" in changes:
        record.allowed_origins = command.allowed_origins or []
    if _snapshot(record) == before:
        return workspace_view(record)
    record.updated_at = clock.now()
    runtime_actions = [WidgetRuntimeRecord.allowed_origins.set(list(record.allowed_origins))]
    try:
        commit_with_audit(lambda tx: repository.add_workspace_change(tx, record, runtime_actions,
                                                                     origins_before=origins_before),
                          actor, "workspace.update", "workspace", workspace_id, org_id, before, _snapshot(record))
    except TransactWriteError:
        raise _concurrent() from None
    return workspace_view(record)


def archive_workspace(org_id: str, workspace_id: str, actor: Actor) -> WorkspaceView:
    """The widget stops taking leads (the ingest answers 404); leads and settings are kept."""
    record = _workspace(org_id, workspace_id)
    if record.status == "archived":
        return workspace_view(record)
    before = _snapshot(record)
    origins_before = list(record.allowed_origins or [])
    archived_actions = [WidgetRuntimeRecord.status.set("archived")]
    record.status, record.updated_at = "archived", clock.now()
    try:
        commit_with_audit(lambda tx: repository.add_workspace_change(tx, record, archived_actions,
                                                                     origins_before=origins_before, archived=True),
                          actor, "workspace.archive", "workspace", workspace_id, org_id, before, _snapshot(record))
    except TransactWriteError:
        raise _concurrent() from None
    return workspace_view(record)


# --- the widget ------------------------------------------------------------------------------------

def _base_url() -> str:
    return get_settings(CoreSettings).web_base_url.rstrip("/")


def config_url(widget_id: str) -> str:
    return f"{_base_url()}/widgets/{widget_id}/config.json"


def widget_view(record: WidgetRecord) -> WidgetView:
    return WidgetView(widget_id=record.widget_id, workspace_id=record.workspace_id, version=int(record.version),
                      published_version=int(record.published_version) if record.published_version else None,
                      published_at=record.published_at, settings=record.settings,
                      config_url=config_url(record.widget_id), updated_at=record.updated_at)


def _widget(workspace_id: str) -> WidgetRecord:
    record = repository.find_widget(workspace_id)
    if record is None:  # written with its workspace: missing only if the data is damaged
        raise NotFound("No such workspace.", code="workspace-not-found")
    return record


def _version_conflict(current_version: int) -> Conflict:
    return Conflict(f"Someone else changed the widget (version {current_version}).", code="widget-version-conflict",
                    current_version=current_version)


def get_widget(org_id: str, workspace_id: str) -> WidgetView:
    _workspace(org_id, workspace_id)
    return widget_view(_widget(workspace_id))


def save_widget(org_id: str, workspace_id: str, command: WidgetUpdate, actor: Actor) -> WidgetView:
    """A new version of the settings if `command.version` is still the newest (else 409 naming the
    newest). A consent text not seen before gets the next consent version; its text is kept for good."""
    _writable(org_id)
    _active(org_id, workspace_id)
    widget = _widget(workspace_id)
    if command.version != widget.version:
        raise _version_conflict(int(widget.version))
    before = {"version": int(widget.version), "consent_version": widget.settings["consent"].get("version")}
    settings = command.model_dump(mode="json", exclude={"version"})
    old_consent = widget.settings["consent"]
    consent = None
    now = clock.now()
    if settings["consent"]["text"] and settings["consent"]["text"] != old_consent.get("text"):
        widget.consent_versions = int(widget.consent_versions or 0) + 1
        consent_version = settings["consent"]["version"] = f"v{widget.consent_versions}"
        consent = repository.consent_item(workspace_id, consent_version, settings["consent"]["text"], now)
    else:
        settings["consent"]["version"] = old_consent.get("version") if settings["consent"]["text"] else None
    widget.version, widget.settings = command.version + 1, settings
    widget.updated_at, widget.updated_by = now, actor.user_id
    version = repository.version_item(workspace_id, int(widget.version), settings, now, actor.user_id)
    after = {"version": int(widget.version), "consent_version": settings["consent"]["version"]}
    try:
        commit_with_audit(lambda tx: repository.add_widget_save(tx, widget, command.version, version, consent),
                          actor, "widget.update", "widget", widget.widget_id, org_id, before, after)
    except TransactWriteError as error:
        if refused(error, widget):
            raise _version_conflict(int(_widget(workspace_id).version)) from None
        raise
    return widget_view(widget)


def publish(org_id: str, workspace_id: str, command: Publish, actor: Actor) -> WidgetView:
    """The saved version to the CDN (`widgets/<widget_id>/config.json`), then the ingest learns it. The
    file goes first: should the second step fail, publishing again finishes it."""
    _writable(org_id)
    _active(org_id, workspace_id)
    widget = _widget(workspace_id)
    if command.version != widget.version:
        raise _version_conflict(int(widget.version))
    config = published_config(widget.widget_id, int(widget.version), _base_url(), widget.settings)
    settings = get_settings(WorkspacesSettings)
    s3.put_object(Bucket=settings.widget_bucket, Key=f"widgets/{widget.widget_id}/config.json",
                  Body=json.dumps(config, ensure_ascii=False, separators=(",", ":")).encode(),
                  ContentType="application/json; charset=utf-8",
                  CacheControl=f"public, max-age={settings.config_max_age}")
    before = {"published_version": int(widget.published_version) if widget.published_version else None}
    widget.published_version, widget.published_at = widget.version, clock.now()
    consent = widget.settings["consent"]
    runtime_actions = [WidgetRuntimeRecord.published_version.set(int(widget.version)),
                       WidgetRuntimeRecord.consent_required.set(bool(consent["required"] and consent["text"])),
                       WidgetRuntimeRecord.consent_version.set(consent["version"]),
                       WidgetRuntimeRecord.fields.set(widget.settings["fields"])]
    try:
        commit_with_audit(lambda tx: repository.add_publish(tx, widget, runtime_actions), actor, "widget.publish",
                          "widget", widget.widget_id, org_id, before, {"published_version": int(widget.version)})
    except TransactWriteError as error:
        if refused(error, widget):
            raise _version_conflict(int(_widget(workspace_id).version)) from None
        raise
    logger.info("widget published", extra={"workspace_id": workspace_id, "widget_id": widget.widget_id,
                                           "config_version": int(widget.version)})
    return widget_view(widget)


def snippet(org_id: str, workspace_id: str) -> Snippet:
    record = _workspace(org_id, workspace_id)
    script_url = f"{_base_url()}/widget/widget.js"
    return Snippet(widget_id=record.widget_id, script_url=script_url,
                   html=render_snippet(script_url, record.widget_id))
