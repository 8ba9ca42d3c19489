"""Payment providers' notifications (`/api/webhooks/{yookassa,tbank}`): authenticated by each provider's
means, then the object they name re-fetched from the provider and applied exactly once."""

from __future__ import annotations

from tessera.billing import checkout, refunds, repository, service
from tessera.billing.checkout import Provider
from tessera.billing.providers.port import ResultUnknown, WebhookAck, WebhookRejected
from tessera.core.errors import ServiceUnavailable
from tessera.core.observability import count, logger


def handle_webhook(provider_name: Provider, source_ip: str, headers: dict[str, str], body: bytes) -> WebhookAck:
    """Authenticate (raises WebhookRejected: nothing stored, nothing changed), re-fetch the payment from the
    provider (the notification is only a hint), then apply it exactly once with the raw event stored in the
    same transaction, or store the event and close the payment's attempt; a refund's notification settles our
    pending refunds of its payment. A provider that does not answer the re-fetch is 503 (the event stored): the
    provider redelivers.

    The budget of issue 10: 1 provider GET and at most 3 DynamoDB calls (the settings are cached per
    process; apply_payment reads the invoice and the subscription, then writes once)."""
    adapter = checkout.provider(provider_name)
    try:
        hint = adapter.authenticate_webhook(source_ip, headers, body)
    except WebhookRejected as exc:
        logger.warning("webhook rejected", extra={"provider": provider_name, "reason": exc.reason})
        count("webhook_rejected")
        raise
    event = service.provider_event(provider_name, hint.object_id, hint.event, body.decode("utf-8", "replace"),
                                   source_ip)
    try:
        if hint.object_type == "refund":
            refunds.settle_notified(adapter, hint, event)
            return adapter.webhook_ack()
        if hint.object_type != "payment":
            repository.save_provider_event(event)
            return adapter.webhook_ack()
        payment = adapter.fetch(hint.object_id)
    except ResultUnknown:
        repository.save_provider_event(event)
        raise ServiceUnavailable("The payment provider did not answer.", code="provider-unavailable",
                                 retry_after=checkout.RETRY_AFTER_SECONDS) from None
    if payment.status == "succeeded" and payment.invoice_id is not None and payment.attempt is not None:
        service.apply_payment(provider=provider_name, provider_payment_id=payment.provider_payment_id,
                              invoice_id=payment.invoice_id, attempt=payment.attempt, amount=payment.amount,
                              event=event, saved_method=payment.saved_method or hint.saved_method)
        return adapter.webhook_ack()
    repository.save_provider_event(event)
    if payment.invoice_id is None or payment.attempt is None:
        logger.warning("payment of no invoice of ours", extra={"provider": provider_name})
    elif payment.status == "canceled":
        attempt = repository.find_attempt(payment.invoice_id, payment.attempt)
        if attempt is not None and attempt.status != "canceled":
            checkout.record_answer(attempt, payment)  # the next «Оплатить» opens a new attempt
    return adapter.webhook_ack()
