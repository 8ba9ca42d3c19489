"""Notifications: preferences (per customer organization and per staff user), the fan-out of a notice
to its recipients over their channels, the delivery log and its retries.

A notice becomes one delivery per (recipient, channel). Deliveries are written before anything is sent
— with a once-only marker when the notice must go out once (an expiry milestone, a day's limit alert)
— and each send's outcome is recorded on its delivery. A failed send is retried with backoff through
the notify queue (1, 5, 15 minutes), and the daily job sweeps whatever is still due."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError

from tessera.accounts import service as accounts
from tessera.audit import service as audit
from tessera.core import aws, clock
from tessera.core.crypto import DecryptionError, data_cipher, mask_secret
from tessera.core.errors import Conflict, FieldError, NotFound, Unauthorized, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.masking import mask_email
from tessera.core.observability import count, logger, sqs_trace_header
from tessera.core.request import RequestInfo
from tessera.core.settings import web_url
from tessera.identity.service import active_user
from tessera.identity.team import owner_emails
from tessera.licensing import service as licensing
from tessera.notify import repository
from tessera.notify.channels import CHANNELS, DeliveryError, Target, channels
from tessera.notify.mail import Attachment
from tessera.notify.models import (
    EVENTS,
    DeliveryPage,
    DeliveryView,
    EmailView,
    PreferencesUpdate,
    PreferencesView,
    SendAnswer,
    SlackView,
    StaffPreferencesUpdate,
    TelegramView,
)
from tessera.notify.records import DeliveryRecord, OnceRecord, PreferencesRecord
from tessera.notify.rendering import language_of, render

if TYPE_CHECKING:
    from tessera.identity.principal import Principal

MAX_ATTEMPTS = 4  # the first send and three retries
RETRY_DELAYS = (60, 300, 900)  # seconds before retry 1, 2, 3 (SQS delays reach 15 minutes)
STUCK_AFTER = timedelta(minutes=20)  # the sweep takes over a delivery untouched this long
sqs = aws.client("sqs")  # delayed retries
s3 = aws.client("s3")  # attachments stored in the documents bucket (billing's счета and акты)

register({
    "channel-incomplete": {"ru": "Канал «{channel}» включён, но не настроен: {missing}.",
                           "en": "The {channel} channel is on but not set up: {missing}."},
    "delivery-already-sent": {"ru": "Это сообщение уже доставлено.", "en": "This message was already delivered."},
    "delivery-in-progress": {"ru": "Это сообщение сейчас отправляется.", "en": "This message is being sent now."},
    "no-recipients": {"ru": "Некому отправить: у клиента нет адресов для лицензий.",
                      "en": "Nobody to send to: the customer has no license recipients."},
})


# --- preferences -------------------------------------------------------------------------------------

def _defaults(owner_kind: str, owner_id: str) -> PreferencesRecord:
    """Customers get every notice by e-mail until they choose otherwise; staff subscribe themselves."""
    pk, sk = repository.preferences_key(owner_kind, owner_id)
    return PreferencesRecord(pk=pk, sk=sk, owner_kind=owner_kind, owner_id=owner_id,
                             events=list(EVENTS) if owner_kind == "org" else [], language="ru",
                             email_enabled=True, email_recipients=[], telegram_enabled=False, slack_enabled=False,
                             customers=[], updated_at=clock.now(), updated_by="defaults")


def _preferences(owner_kind: str, owner_id: str) -> tuple[PreferencesRecord, bool]:
    record = repository.find_preferences(owner_kind, owner_id)
    return (record, True) if record is not None else (_defaults(owner_kind, owner_id), False)


def _secret_context(record: PreferencesRecord, channel: str) -> dict[str, str]:
    return {"purpose": "notify-channel", "owner": f"{record.pk}/{record.sk}", "channel": channel}


def _seal(record: PreferencesRecord, channel: str, value: str) -> str:
    return data_cipher().encrypt(value.encode(), _secret_context(record, channel))


def _unseal(record: PreferencesRecord, channel: str) -> str | None:
    sealed = record.telegram_token_sealed if channel == "telegram" else record.slack_webhook_sealed
    if not sealed:
        return None
    try:
        return data_cipher().decrypt(sealed, _secret_context(record, channel)).decode()
    except DecryptionError:
        return None


def customer_contacts(org_id: str) -> list[str]:
    """Where a customer's license mail goes: its license recipients (accounts), else its owners."""
    finder = getattr(accounts, "license_recipients", None)
    found: list[str] = []
    if finder is not None:
        for contact in finder(org_id) or []:
            address = contact if isinstance(contact, str) else getattr(contact, "email", None)
            if address:
                found.append(str(address).lower())
    if not found:
        found = owner_emails(org_id)
    return sorted(set(found))


def _email_recipients(record: PreferencesRecord) -> list[str]:
    return list(record.email_recipients or []) or customer_contacts(record.owner_id)


def _staff_email(user_id: str) -> tuple[str, str] | None:
    """(e-mail, locale) of an active staff user."""
    try:
        user = active_user(user_id)
    except Unauthorized:
        return None
    return (user.email, user.locale) if user.kind == "staff" else None


def preferences_view(record: PreferencesRecord, saved: bool, masked: bool = False) -> PreferencesView:
    if record.owner_kind == "org":
        explicit, effective = list(record.email_recipients or []), _email_recipients(record)
    else:
        own = _staff_email(record.owner_id)
        explicit, effective = [], [own[0]] if own else []
    if masked:
        explicit, effective = [mask_email(a) for a in explicit], [mask_email(a) for a in effective]
    return PreferencesView(
        owner="org" if record.owner_kind == "org" else "staff", owner_id=record.owner_id,
        events=[e for e in record.events if e in EVENTS], language=language_of(record.language),
        email=EmailView(enabled=bool(record.email_enabled), recipients=explicit, effective_recipients=effective),
        telegram=TelegramView(enabled=bool(record.telegram_enabled),
                              chat_id=(mask_secret(record.telegram_chat_id, 3) if masked
                                       else record.telegram_chat_id),
                              configured=bool(record.telegram_token_sealed and record.telegram_chat_id),
                              bot_token_hint=record.telegram_token_hint),
        slack=SlackView(enabled=bool(record.slack_enabled), configured=bool(record.slack_webhook_sealed),
                        webhook_hint=record.slack_webhook_hint),
        customers=list(record.customers or []), saved=saved, updated_at=record.updated_at if saved else None)


def _snapshot(record: PreferencesRecord) -> dict[str, Any]:
    """For the audit trail: never a secret, only whether one is set and its hint."""
    return {"events": list(record.events or []), "language": record.language,
            "email": {"enabled": bool(record.email_enabled), "recipients": list(record.email_recipients or [])},
            "telegram": {"enabled": bool(record.telegram_enabled), "chat_id": record.telegram_chat_id,
                         "token_hint": record.telegram_token_hint},
            "slack": {"enabled": bool(record.slack_enabled), "webhook_hint": record.slack_webhook_hint},
            "customers": list(record.customers or [])}


def get_preferences(owner_kind: str, owner_id: str, masked: bool = False) -> PreferencesView:
    record, saved = _preferences(owner_kind, owner_id)
    return preferences_view(record, saved, masked)


def update_preferences(owner_kind: str, owner_id: str, command: PreferencesUpdate, actor: Principal,
                       request: RequestInfo) -> PreferencesView:
    record, saved = _preferences(owner_kind, owner_id)
    before = _snapshot(record) if saved else None
    record.events = sorted(set(command.events))
    record.language = command.language
    record.email_enabled = command.email.enabled
    record.email_recipients = sorted(set(command.email.recipients)) if owner_kind == "org" else []
    record.telegram_enabled, record.telegram_chat_id = command.telegram.enabled, command.telegram.chat_id
    if command.telegram.bot_token:
        record.telegram_token_sealed = _seal(record, "telegram", command.telegram.bot_token)
        record.telegram_token_hint = mask_secret(command.telegram.bot_token)
    elif command.telegram.forget_bot_token:
        record.telegram_token_sealed = record.telegram_token_hint = None
    record.slack_enabled = command.slack.enabled
    if command.slack.webhook_url:
        record.slack_webhook_sealed = _seal(record, "slack", command.slack.webhook_url)
        record.slack_webhook_hint = mask_secret(command.slack.webhook_url)
    elif command.slack.forget_webhook:
        record.slack_webhook_sealed = record.slack_webhook_hint = None
    if isinstance(command, StaffPreferencesUpdate):
        record.customers = command.customers
    problems = []
    if record.telegram_enabled and not (record.telegram_chat_id and record.telegram_token_sealed):
        missing = "chat_id" if not record.telegram_chat_id else "bot_token"
        problems.append(FieldError(f"body.telegram.{missing}", "required when Telegram is on", "required"))
    if record.slack_enabled and not record.slack_webhook_sealed:
        problems.append(FieldError("body.slack.webhook_url", "required when Slack is on", "required"))
    if problems:
        channel = problems[0].loc.split(".")[1]
        raise ValidationFailed(f"The {channel} channel is on but not set up.", code="channel-incomplete",
                               errors=problems, channel=channel, missing=problems[0].loc.rsplit(".", 1)[1])
    record.updated_at, record.updated_by = clock.now(), actor.user_id
    org_id = owner_id if owner_kind == "org" else None
    _audit(actor, request, "notify.preferences.update", "notification_preferences",
           f"{owner_kind}:{owner_id}", org_id, before, _snapshot(record), [record])
    return preferences_view(record, True)


def _audit(actor: Principal, request: RequestInfo, action: str, entity_type: str, entity_id: str,
           org_id: str | None, before: dict[str, Any] | None, after: dict[str, Any] | None,
           items: list[Any], reason: str | None = None) -> None:
    """The audit event and the changed items in one transaction."""
    try:
        audit.record_change(lambda tx: repository.add_saves(tx, items), action, entity_type, entity_id,
                            actor_id=actor.user_id, actor_kind="staff" if actor.kind == "staff" else "customer",
                            actor_display=actor.display or None, request=request, org_id=org_id, before=before,
                            after=after, reason=reason)
    except TransactWriteError as exc:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from exc


# --- notices and their deliveries --------------------------------------------------------------------

@dataclass
class Notice:
    """Something to tell a customer and the staff who follow it."""

    event: str  # license.expiry | license.limit | license.file | channel.test
    org_id: str
    template: str
    context: dict[str, Any]  # rendered per recipient's language; no secrets
    license_id: str | None = None
    once_key: str | None = None  # the notice goes out once per key
    once_ttl: timedelta | None = None  # how long the once-marker is kept (None: for good)
    attach_license: bool = False
    attachment: dict[str, str] | None = None  # {key, filename, content_type}: a file in the documents bucket
    emails: list[str] | None = None  # explicit addresses: e-mail only, no preferences consulted
    language: str | None = None
    customer: bool = True
    staff: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _mask(channel: str, address: str | None, hint: str | None = None) -> str:
    if channel == "email":
        return mask_email(address or "")
    if channel == "telegram":
        return f"chat {mask_secret(address, 3) or '•••'}"
    return f"webhook {hint or '••••'}"


def _delivery(notice: Notice, *, channel: str, audience: str, owner_key: str, recipient: str | None,
              masked: str, language: str, now: datetime) -> DeliveryRecord:
    delivery_id = new_id("dlv")
    context = {**notice.context, "audience": audience,
               "link": web_url(f"/console/licenses/{notice.license_id}" if audience == "staff" and notice.license_id
                               else "/console/" if audience == "staff" else "/app/")}
    return DeliveryRecord(
        pk=f"DLV#{delivery_id}", sk="DELIVERY", delivery_id=delivery_id, event=notice.event, channel=channel,
        audience=audience, owner_key=owner_key, org_id=notice.org_id or None, license_id=notice.license_id,
        recipient=recipient, recipient_masked=masked, template=notice.template, language=language_of(language),
        context=context, attach_license=notice.attach_license and channel == "email",
        attachment=notice.attachment if channel == "email" else None, dedup_key=notice.once_key,
        status="pending", attempts=1, created_at=now, updated_at=now, list_key="LOG",
        at_key=f"{now.isoformat()}#{delivery_id}", org_key=f"ORG#{notice.org_id}" if notice.org_id else None,
        retry_key="RETRY")


def _channel_deliveries(notice: Notice, record: PreferencesRecord, audience: str, owner_key: str,
                        emails: list[str], language: str, now: datetime) -> list[DeliveryRecord]:
    out = []
    if record.email_enabled:
        out += [_delivery(notice, channel="email", audience=audience, owner_key=owner_key, recipient=address,
                          masked=_mask("email", address), language=language, now=now) for address in emails]
    if record.telegram_enabled and record.telegram_chat_id and record.telegram_token_sealed:
        out.append(_delivery(notice, channel="telegram", audience=audience, owner_key=owner_key,
                             recipient=record.telegram_chat_id, masked=_mask("telegram", record.telegram_chat_id),
                             language=language, now=now))
    if record.slack_enabled and record.slack_webhook_sealed:
        out.append(_delivery(notice, channel="slack", audience=audience, owner_key=owner_key, recipient=None,
                             masked=_mask("slack", None, record.slack_webhook_hint), language=language, now=now))
    return out


def plan(notice: Notice, now: datetime | None = None) -> list[DeliveryRecord]:
    """The deliveries of a notice: the customer's subscribed channels and every subscribed staff user's."""
    now = now or clock.now()
    if notice.emails is not None:
        language = notice.language or _preferences("org", notice.org_id)[0].language
        return [_delivery(notice, channel="email", audience="customer", owner_key=f"ORG#{notice.org_id}",
                          recipient=address, masked=_mask("email", address), language=language, now=now)
                for address in notice.emails]
    planned: list[DeliveryRecord] = []
    if notice.customer:
        record, _ = _preferences("org", notice.org_id)
        if notice.event in (record.events or []):
            planned += _channel_deliveries(notice, record, "customer", f"ORG#{notice.org_id}",
                                           _email_recipients(record) if record.email_enabled else [],
                                           record.language, now)
    if notice.staff:
        for record in repository.staff_preferences():
            if notice.event not in (record.events or []) or (record.customers and notice.org_id
                                                             not in record.customers):
                continue
            own = _staff_email(record.owner_id)
            if own is None:
                continue  # deactivated: no more notices
            planned += _channel_deliveries(notice, record, "staff", f"STAFF#{record.owner_id}", [own[0]],
                                           record.language or own[1], now)
    return planned


def dispatch(notice: Notice) -> list[DeliveryRecord]:
    """Plan, write and send a notice. With a once-key a second dispatch writes and sends nothing."""
    now = clock.now()
    deliveries = plan(notice, now)
    if notice.once_key is not None:
        marker = OnceRecord(pk=f"ONCE#{notice.once_key}", sk="ONCE", created_at=now, deliveries=len(deliveries),
                            expires_at=now + notice.once_ttl if notice.once_ttl else None)
        if not repository.claim_and_save(marker, deliveries):
            return []
    else:
        repository.save_all(deliveries)
    for delivery in deliveries:
        send(delivery)
    return deliveries


def _target(delivery: DeliveryRecord) -> Target:
    if delivery.channel == "email":
        return Target("email", delivery.recipient or "")
    kind, _, owner_id = delivery.owner_key.partition("#")
    record = repository.find_preferences("org" if kind == "ORG" else "staff", owner_id)
    if record is None:
        raise DeliveryError("the channel is no longer configured", retryable=False)
    secret = _unseal(record, delivery.channel)
    if delivery.channel == "telegram":
        if not (record.telegram_enabled and secret and record.telegram_chat_id):
            raise DeliveryError("Telegram is no longer configured", retryable=False)
        return Target("telegram", record.telegram_chat_id, secret)
    if not (record.slack_enabled and secret):
        raise DeliveryError("Slack is no longer configured", retryable=False)
    return Target("slack", secret)


def _attachments(delivery: DeliveryRecord) -> tuple[Any, ...]:
    if delivery.attachment:  # read at send time (a retry too), so the delivery stores only where it is
        stored = s3.get_object(Bucket=os.environ["DOCUMENTS_BUCKET"], Key=delivery.attachment["key"])
        return (Attachment(delivery.attachment["filename"], stored["Body"].read(),
                           delivery.attachment["content_type"]),)
    if not delivery.attach_license or not delivery.license_id:
        return ()
    name, body = licensing.license_file(delivery.license_id)
    return (Attachment(name, body, "application/json"),)


def _with_secrets(delivery: DeliveryRecord) -> dict[str, Any]:
    """The delivery's context and, for the license e-mail, the license key: read at send time, so it is
    never stored with the delivery (a retry after a re-issue sends the new key)."""
    context = dict(delivery.context)
    if delivery.attach_license and delivery.license_id:
        context["license_key"] = licensing.license_key(delivery.license_id)
    return context


def send(delivery: DeliveryRecord) -> DeliveryRecord:
    """One attempt (the delivery's `attempts` already counts it); the outcome is saved on the delivery."""
    attempt = int(delivery.attempts)
    try:
        target = _target(delivery)
        message = render(delivery.template, delivery.language, _with_secrets(delivery), _attachments(delivery))
        delivery.provider_message_id = channels()[delivery.channel].send(message, target)
        delivery.status, delivery.error, delivery.sent_at, delivery.retry_key = "sent", None, clock.now(), None
    except DeliveryError as exc:
        _failed(delivery, exc.detail, exc.retryable)
    except Exception as exc:  # a bug or an outage must not stop the other deliveries
        logger.exception("notification send failed", extra={"delivery_id": delivery.delivery_id})
        _failed(delivery, f"internal error: {type(exc).__name__}", True)
    delivery.updated_at = clock.now()
    if repository.record_outcome(delivery, attempt):
        logger.info("notification", extra={"delivery_id": delivery.delivery_id, "channel": delivery.channel,
                                           "event": delivery.event, "status": delivery.status, "attempt": attempt})
        count("notification_sent" if delivery.status == "sent" else "notification_failed", channel=delivery.channel)
        if delivery.retry_key is not None and delivery.status == "failed":
            schedule_retry(delivery.delivery_id, attempt)
    return delivery


def _failed(delivery: DeliveryRecord, detail: str, retryable: bool) -> None:
    delivery.status, delivery.error = "failed", detail
    delivery.retry_key = "RETRY" if retryable and int(delivery.attempts) < MAX_ATTEMPTS else None


def schedule_retry(delivery_id: str, attempt: int) -> None:
    """A delayed message on the notify queue; the worker retries then. Without a queue (tests without
    one), the daily sweep does."""
    url = os.environ.get("NOTIFY_QUEUE_URL")
    if not url:
        return
    try:
        sqs.send_message(QueueUrl=url, DelaySeconds=RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1],
                         MessageBody=json.dumps({"kind": "retry", "delivery_id": delivery_id}), **sqs_trace_header())
    except Exception:
        logger.exception("could not queue a retry; the daily sweep will", extra={"delivery_id": delivery_id})


def retry(delivery_id: str, *, forced: bool = False) -> DeliveryRecord | None:
    """Another attempt at a failed (or stuck) delivery; None when it is sent or someone else took it."""
    delivery = repository.find_delivery(delivery_id)
    if delivery is None:
        return None
    if delivery.status == "sent" or (not forced and delivery.retry_key is None):
        return None
    if not repository.claim_attempt(delivery, clock.now()):  # attempts + 1, read back into `delivery`
        return None
    return send(delivery)


def retry_by_staff(delivery_id: str, actor: Principal, request: RequestInfo) -> DeliveryView:
    delivery = repository.find_delivery(delivery_id)
    if delivery is None:
        raise NotFound("No such delivery.", code="not-found")
    if delivery.status == "sent":
        raise Conflict("This message was already delivered.", code="delivery-already-sent")
    if delivery.status == "pending" and clock.now() - delivery.updated_at < timedelta(minutes=2):
        raise Conflict("This message is being sent now.", code="delivery-in-progress")
    audit.record("notify.delivery.retry", "notification_delivery", delivery_id, actor_id=actor.user_id,
                 actor_kind="staff", actor_display=actor.display or None, request=request, org_id=delivery.org_id,
                 before={"status": delivery.status, "attempts": int(delivery.attempts)})
    done = retry(delivery_id, forced=True)
    if done is None:
        raise Conflict("This message is being sent now.", code="delivery-in-progress")
    return delivery_view(done)


def sweep_retries(now: datetime | None = None) -> int:
    """Deliveries whose retry is due but was not made (a lost queue message, a crash mid-send)."""
    now = now or clock.now()
    count = 0
    for delivery in repository.due_retries(now.isoformat()):
        waited = now - delivery.updated_at
        due = STUCK_AFTER if delivery.status == "pending" \
            else timedelta(seconds=RETRY_DELAYS[min(int(delivery.attempts), len(RETRY_DELAYS)) - 1])
        if waited >= due and retry(delivery.delivery_id) is not None:
            count += 1
    return count


# --- the delivery log --------------------------------------------------------------------------------

def delivery_view(record: DeliveryRecord) -> DeliveryView:
    return DeliveryView(
        id=record.delivery_id, event=record.event, channel=record.channel, audience=record.audience,
        org_id=record.org_id, license_id=record.license_id, recipient=record.recipient_masked,
        template=record.template, language=language_of(record.language), status=record.status,
        attempts=int(record.attempts), provider_message_id=record.provider_message_id, error=record.error,
        created_at=record.created_at, sent_at=record.sent_at)


def list_deliveries(*, org_id: str | None = None, audience: str | None = None, channel: str | None = None,
                    event: str | None = None, status: str | None = None, since: datetime | None = None,
                    until: datetime | None = None, cursor: str | None = None,
                    limit: int | None = None) -> DeliveryPage:
    items, next_cursor = repository.deliveries(
        org_id=org_id, audience=audience, channel=channel, event=event, status=status,
        since=since.isoformat() if since else None, until=until.isoformat() if until else None,
        cursor=cursor, limit=limit)
    return DeliveryPage(items=[delivery_view(r) for r in items], next_cursor=next_cursor)


# --- the license file by e-mail ----------------------------------------------------------------------

def send_license(license_id: str, recipients: list[str] | None, language: str | None, actor: Principal,
                 request: RequestInfo) -> SendAnswer:
    """The newest .lic file to the customer's license recipients (or the given addresses), audited with
    its deliveries in one transaction, then sent."""
    license_view = licensing.get(license_id)
    addresses = sorted(set(recipients)) if recipients else customer_contacts(license_view.org_id)
    if not addresses:
        raise ValidationFailed("Nobody to send to.", code="no-recipients",
                               errors=[FieldError("body.recipients", "no license recipients", "required")])
    organization = accounts.find_organization(license_view.org_id)
    filename, _ = licensing.license_file(license_id)
    notice = Notice(event="license.file", org_id=license_view.org_id, template="license_file",
                    license_id=license_id, attach_license=True, emails=addresses, language=language,
                    context={"license_id": license_id, "version": license_view.version, "filename": filename,
                             "org_name": organization.name if organization else license_view.org_id,
                             "product": license_view.product, "plan": license_view.plan,
                             "starts_on": license_view.starts_on.isoformat(),
                             "ends_on": license_view.ends_on.isoformat()})
    deliveries = plan(notice)
    _audit(actor, request, "license.send", "license", license_id, license_view.org_id, None,
           {"version": license_view.version, "recipients": [d.recipient_masked for d in deliveries],
            "deliveries": [d.delivery_id for d in deliveries], "with_license_key": True}, deliveries)
    return SendAnswer(deliveries=[delivery_view(send(d)) for d in deliveries])


def send_test(owner_kind: str, owner_id: str, channel: str, actor: Principal) -> DeliveryView:
    """A test message over one channel of these preferences (saved ones), logged like any other."""
    record, saved = _preferences(owner_kind, owner_id)
    if channel not in CHANNELS:
        raise ValidationFailed("Unknown channel.", code="validation-failed")
    notice = Notice(event="channel.test", org_id=owner_id if owner_kind == "org" else "", template="channel_test",
                    context={"channel": channel})
    if owner_kind == "org":
        emails = _email_recipients(record)[:1]
        audience, owner_key = "customer", f"ORG#{owner_id}"
    else:
        own = _staff_email(owner_id)
        emails, audience, owner_key = ([own[0]] if own else []), "staff", f"STAFF#{owner_id}"
    probe = PreferencesRecord(pk=record.pk, sk=record.sk, owner_kind=record.owner_kind, owner_id=record.owner_id,
                              email_enabled=channel == "email",
                              telegram_enabled=channel == "telegram" and bool(record.telegram_enabled),
                              telegram_chat_id=record.telegram_chat_id,
                              telegram_token_sealed=record.telegram_token_sealed,
                              slack_enabled=channel == "slack" and bool(record.slack_enabled),
                              slack_webhook_sealed=record.slack_webhook_sealed,
                              slack_webhook_hint=record.slack_webhook_hint)
    deliveries = _channel_deliveries(notice, probe, audience, owner_key, emails, record.language, clock.now())
    if not deliveries or not saved:
        raise ValidationFailed(f"The {channel} channel is not set up.", code="channel-incomplete",
                               channel=channel, missing="settings")
    delivery = deliveries[0]
    repository.save_all([delivery])
    del actor  # the test message is in the delivery log; it changes nothing to audit
    return delivery_view(send(delivery))
