"""The sandbox payment provider of the local cloud (off in production: only infra/local/parameters.json
points the adapters here). It speaks ЮKassa's API v3 and Т-Банк's API v2 as the adapters call them, shows a
checkout page with test cards, and then sends our webhook each provider's notification: ЮKassa's from
127.0.0.1 (allowed locally by YooKassaWebhookExtraNetworks), Т-Банк's signed with the terminal's Token. So
the whole flow runs offline with the product's real adapters.

- `POST /_local/yookassa/v3/payments` (Basic auth with the sandbox shop, `Idempotence-Key`: a repeated key
  answers the first payment), with `confirmation` (checkout) or `payment_method_id` (a saved card's charge,
  which succeeds or declines as that card does); `GET /_local/yookassa/v3/payments/<id>`.
- `POST /_local/yookassa/v3/refunds` (`Idempotence-Key`: a repeat answers the first refund; never more than
  the payment has left) and `GET /_local/yookassa/v3/refunds/<id>`. A refund of a payment made with the
  3-D Secure card is `pending` for a second, then `succeeded` with a `refund.succeeded` notification, as
  some methods refund (Т-Банк's the same: REFUNDING, then REFUNDED or PARTIAL_REFUNDED notified).
- `GET /_local/yookassa/checkout/<id>`: the card form; `POST` pays (or declines) it, a 3-DS card first asks
  for confirmation, then the notification is sent and the customer goes back to the `return_url`.
- `POST /_local/tbank/v2/{Init,CheckOrder,GetState,Charge,Cancel}` (every request's Token checked with the
  sandbox terminal's password), `GET|POST /_local/tbank/checkout/<PaymentId>` the same card form; the
  notification goes to the Init's NotificationURL, with a RebillId when the payment was `Recurrent`. `Cancel`
  of a CONFIRMED payment refunds `Amount` (all that is left without it): PARTIAL_REFUNDED or REFUNDED with
  OriginalAmount / NewAmount; a repeated `ExternalRequestId` answers the first cancel."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs

import httpx

Answer = tuple[int, dict[str, str], bytes]
SHOP_ID = "100500"  # the sandbox credentials the demo seed stores (envelope-encrypted, like real ones)
SECRET_KEY = "test_local_sandbox_secret_key"  # noqa: S105  (the sandbox's own, public by design)
TERMINAL_KEY = "LocalSandboxDEMO"
TERMINAL_PASSWORD = "local_sandbox_password"  # noqa: S105  (the sandbox's own, public by design)
TBANK_DECLINES = {"insufficient_funds": "1051", "card_expired": "1054"}  # the bank's ErrorCodes for them
REFUND_SETTLES_AFTER_SECONDS = 1.0  # a pending refund's wait (wall clock) before it succeeds and is notified


@dataclass(frozen=True)
class TestCard:
    number: str
    label: str
    checkout: str | None  # None: paid; else ЮKassa's cancellation reason
    saved_charge: str | None  # what a later merchant-initiated charge of the saved card does
    three_ds: bool = False


CARDS = {card.number: card for card in (
    TestCard("4111111111111111", "успешная оплата", None, None),
    TestCard("4000000000003220", "успешная оплата с подтверждением 3-D Secure, возврат — не сразу", None, None,
             three_ds=True),
    TestCard("4000000000000341", "оплата проходит, автосписания — недостаточно средств", None, "insufficient_funds"),
    TestCard("5555555555554477", "недостаточно средств", "insufficient_funds", "insufficient_funds"),
    TestCard("4000000000000069", "истёк срок действия карты", "card_expired", "card_expired"),
)}


def _json(status: int, payload: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(payload, ensure_ascii=False).encode()


def _html(body: str, status: int = 200) -> Answer:
    page = (f"<!doctype html><html lang=ru><head><meta charset=utf-8><title>Sandbox ЮKassa · оплата</title>"
            "<meta name=viewport content='width=device-width,initial-scale=1'><style>"
            "body{font:15px/1.5 system-ui,sans-serif;max-width:520px;margin:40px auto;padding:0 16px}"
            "button{display:block;width:100%;margin:8px 0;padding:10px;font-size:15px;cursor:pointer;text-align:left}"
            "code{font:14px ui-monospace,monospace}.muted{color:#656d76}</style></head>"
            f"<body>{body}</body></html>")
    return status, {"Content-Type": "text/html; charset=utf-8"}, page.encode()


class PaymentsSandbox:
    def __init__(self) -> None:
        self.send = httpx.post  # how notifications go out (a test may record them instead)
        self.tbank: dict[str, dict[str, Any]] = {}  # PaymentId -> the payment, with its Init's parameters
        self._rebills: dict[str, TestCard] = {}  # RebillId -> the card saved under it
        self.payments: dict[str, dict[str, Any]] = {}
        self._by_key: dict[str, str] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self._refund_keys: dict[str, str] = {}  # Idempotence-Key -> refund id
        self._tbank_cancels: dict[str, dict[str, Any]] = {}  # ExternalRequestId -> the first Cancel's answer
        self._return_urls: dict[str, str] = {}
        self._saved_cards: dict[str, TestCard] = {}  # payment_method id -> the card saved under it
        self.notifications: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        if path.startswith("/_local/tbank/"):
            return self._tbank(method, path.strip("/").split("/")[2:], headers, body)
        parts = path.strip("/").split("/")[2:]  # after _local / yookassa
        if parts[:2] == ["v3", "payments"]:
            if not self._authorized(headers):
                return _json(401, {"type": "error", "code": "invalid_credentials",
                                   "description": "Authentication by given credentials failed"})
            if method == "POST" and len(parts) == 2:
                return self._create(headers, body)
            if method == "GET" and len(parts) == 3:
                payment = self.payments.get(parts[2])
                return _json(200, _public(payment)) if payment else _json(404, {"type": "error", "code": "not_found"})
        if parts[:2] == ["v3", "refunds"]:
            if not self._authorized(headers):
                return _json(401, {"type": "error", "code": "invalid_credentials",
                                   "description": "Authentication by given credentials failed"})
            if method == "POST" and len(parts) == 2:
                return self._refund(headers, body)
            if method == "GET" and len(parts) == 3 and parts[2] in self.refunds:
                return _json(200, self.refunds[parts[2]])
        if parts[:1] == ["checkout"] and len(parts) == 2 and parts[1] in self.payments:
            if method == "GET":
                return self._checkout_page(parts[1])
            form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
            return self._pay(parts[1], form, headers)
        return _json(404, {"type": "error", "code": "not_found"})

    @staticmethod
    def _authorized(headers: dict[str, str]) -> bool:
        expected = base64.b64encode(f"{SHOP_ID}:{SECRET_KEY}".encode()).decode()
        return headers.get("authorization", "") == f"Basic {expected}"

    def _create(self, headers: dict[str, str], body: bytes) -> Answer:
        key = headers.get("idempotence-key")
        if not key:
            return _json(400, {"type": "error", "code": "invalid_request", "parameter": "Idempotence-Key",
                               "description": "Idempotence-Key is required"})
        request = json.loads(body)
        with self._lock:
            if key in self._by_key:
                return _json(200, self.payments[self._by_key[key]])
            payment_id = str(uuid.uuid4())
            payment: dict[str, Any] = {
                "id": payment_id, "status": "pending", "paid": False, "amount": request["amount"],
                "description": request.get("description"), "metadata": request.get("metadata") or {},
                "created_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "test": True, "refundable": False}
            method_id = request.get("payment_method_id")
            if method_id:  # a merchant-initiated charge of a saved card: at once, as the card behaves
                card = self._saved_cards.get(method_id)
                if card is None:
                    return _json(400, {"type": "error", "code": "invalid_request", "parameter": "payment_method_id",
                                       "description": "Payment method is not saved"})
                self._finish(payment, card, card.saved_charge, saved_id=method_id)
            else:
                host = headers.get("host", "127.0.0.1")  # the gateway: the browser opens the page there
                payment["confirmation"] = {"type": "redirect",
                                           "confirmation_url": f"http://{host}/_local/yookassa/checkout/{payment_id}"}
                self._return_urls[payment_id] = request["confirmation"]["return_url"]
                payment["_save"] = bool(request.get("save_payment_method"))
            self.payments[payment_id] = payment
            self._by_key[key] = payment_id
        return _json(200, _public(payment))

    def _refund(self, headers: dict[str, str], body: bytes) -> Answer:
        """ЮKassa's refund: of a succeeded payment, at most what it has left, once per Idempotence-Key."""
        key = headers.get("idempotence-key")
        if not key:
            return _json(400, {"type": "error", "code": "invalid_request", "parameter": "Idempotence-Key",
                               "description": "Idempotence-Key is required"})
        request = json.loads(body)
        with self._lock:
            if key in self._refund_keys:
                return _json(200, self.refunds[self._refund_keys[key]])
            payment = self.payments.get(str(request.get("payment_id")))
            if payment is None or payment["status"] != "succeeded":
                return _json(400, {"type": "error", "code": "invalid_request", "parameter": "payment_id",
                                   "description": "Payment doesn't exist or can't be refunded"})
            refunded = _kopecks(payment.get("refunded_amount") or {"value": "0"})
            asked = _kopecks(request["amount"])
            customer = (request.get("receipt") or {}).get("customer") or {}
            if asked <= 0 or refunded + asked > _kopecks(payment["amount"]):
                return _json(400, {"type": "error", "code": "invalid_request", "parameter": "amount",
                                   "description": "Refund amount exceeds the amount left in the payment"})
            if not (customer.get("email") or customer.get("phone")):
                return _json(400, {"type": "error", "code": "invalid_request", "parameter": "receipt",
                                   "description": "Receipt is required for the refund"})
            slow = _paid_with_three_ds(payment)
            refund = {"id": str(uuid.uuid4()), "payment_id": payment["id"],
                      "status": "pending" if slow else "succeeded",
                      "created_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                      "amount": request["amount"], "description": request.get("description")}
            payment["refunded_amount"] = {"value": f"{(refunded + asked) / 100:.2f}",
                                          "currency": payment["amount"]["currency"]}
            payment["refundable"] = refunded + asked < _kopecks(payment["amount"])
            self.refunds[refund["id"]] = refund
            self._refund_keys[key] = refund["id"]
        if slow:
            self._later(self._settle_refund, refund, f"http://{headers.get('host', '127.0.0.1')}")
        return _json(200, refund)

    @staticmethod
    def _later(action: Any, *args: Any) -> None:
        timer = threading.Timer(REFUND_SETTLES_AFTER_SECONDS, action, args)
        timer.daemon = True
        timer.start()

    def _settle_refund(self, refund: dict[str, Any], gateway: str) -> None:
        with self._lock:
            refund["status"] = "succeeded"
        self._deliver(f"{gateway}/api/webhooks/yookassa",
                      {"type": "notification", "event": "refund.succeeded", "object": dict(refund)},
                      refund["payment_id"])

    def _finish(self, payment: dict[str, Any], card: TestCard, decline: str | None,
                saved_id: str | None = None) -> None:
        method: dict[str, Any] = {"type": "bank_card", "id": saved_id or payment["id"],
                                  "saved": bool(saved_id) or (decline is None and payment.pop("_save", False)),
                                  "card": {"first6": card.number[:6], "last4": card.number[-4:],
                                           "expiry_month": "12", "expiry_year": "2030", "card_type": "Visa"}}
        method["title"] = f"Bank card *{card.number[-4:]}"
        payment["_card"] = card
        payment.pop("confirmation", None)
        payment["payment_method"] = method
        if decline is None:
            payment.update(status="succeeded", paid=True, refundable=True, captured_at=datetime.now(UTC).isoformat())
            if method["saved"]:
                self._saved_cards[method["id"]] = card
        else:
            payment.update(status="canceled", cancellation_details={"party": "payment_network", "reason": decline})

    def _checkout_page(self, payment_id: str, three_ds_for: str | None = None) -> Answer:
        payment = self.payments[payment_id]
        if payment["status"] != "pending":
            return _html(f"<h1>Платёж уже обработан</h1><p>Статус: <code>{escape(payment['status'])}</code></p>"
                         f"<p><a href='{escape(self._return_urls.get(payment_id, '/'))}'>Вернуться в магазин</a></p>")
        amount = payment["amount"]
        if three_ds_for:
            return _html(f"<h1>3-D Secure</h1><p>Банк просит подтвердить оплату {escape(amount['value'])} ₽.</p>"
                         f"<form method=post><input type=hidden name=card value='{escape(three_ds_for)}'>"
                         "<input type=hidden name=confirmed value=1>"
                         "<button type=submit>Подтвердить</button></form>")
        buttons = "".join(
            f"<button type=submit name=card value='{card.number}'><code>{card.number[:4]} {card.number[4:8]} "
            f"{card.number[8:12]} {card.number[12:]}</code> — {escape(card.label)}</button>"
            for card in CARDS.values())
        return _html(f"<h1>Sandbox ЮKassa</h1><p>{escape(str(payment.get('description') or ''))}</p>"
                     f"<p>К оплате: <strong>{escape(amount['value'])} ₽</strong></p>"
                     f"<p class=muted>Тестовые карты (деньги не списываются):</p><form method=post>{buttons}</form>")

    def _pay(self, payment_id: str, form: dict[str, str], headers: dict[str, str]) -> Answer:
        card = CARDS.get(form.get("card", "").replace(" ", ""))
        if card is None:
            return _html("<h1>Неизвестная карта</h1>", 400)
        if card.three_ds and form.get("confirmed") != "1":
            return self._checkout_page(payment_id, three_ds_for=card.number)
        with self._lock:
            payment = self.payments[payment_id]
            if payment["status"] == "pending":
                self._finish(payment, card, card.checkout)
        self._notify(payment, f"http://{headers.get('host', '127.0.0.1')}")
        return 303, {"Location": self._return_urls.get(payment_id, "/")}, b""

    def _notify(self, payment: dict[str, Any], gateway: str) -> None:
        """ЮKassa's notification, as it sends one: our webhook then re-fetches the payment."""
        event = "payment.succeeded" if payment["status"] == "succeeded" else "payment.canceled"
        self._deliver(f"{gateway}/api/webhooks/yookassa",
                      {"type": "notification", "event": event, "object": _public(payment)}, payment["id"])

    def _deliver(self, url: str, notification: dict[str, Any], payment_id: str) -> None:
        try:
            answer = self.send(url, json=notification, timeout=30)
            status: int | str = answer.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        self.notifications.append({"url": url, "payment_id": payment_id, "answer": status})

    # --- Т-Банк ------------------------------------------------------------------------------------

    def _tbank(self, method: str, parts: list[str], headers: dict[str, str], body: bytes) -> Answer:
        if parts[:1] == ["checkout"] and len(parts) == 2 and parts[1] in self.tbank:
            if method == "GET":
                return self._tbank_page(parts[1])
            form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
            return self._tbank_pay(parts[1], form)
        if parts[:1] != ["v2"] or len(parts) != 2 or method != "POST":
            return _json(404, {"Success": False, "ErrorCode": "404", "Message": "Not found"})
        try:
            params = json.loads(body)
        except ValueError:
            return _json(200, {"Success": False, "ErrorCode": "215", "Message": "Неверный формат запроса"})
        if params.get("TerminalKey") != TERMINAL_KEY or params.get("Token") != tbank_token(params):
            return _json(200, {"Success": False, "ErrorCode": "204", "Message": "Неверный токен"})
        with self._lock:
            return self._tbank_method(parts[1], params, headers)

    def _tbank_method(self, name: str, params: dict[str, Any], headers: dict[str, str]) -> Answer:
        ok = {"Success": True, "ErrorCode": "0", "TerminalKey": TERMINAL_KEY}
        if name == "Init":
            payment_id = str(10_000_000 + len(self.tbank) + 1)
            self.tbank[payment_id] = {"PaymentId": payment_id, "OrderId": params["OrderId"],
                                      "Amount": int(params["Amount"]), "Status": "NEW", "_init": params}
            url = f"http://{headers.get('host', '127.0.0.1')}/_local/tbank/checkout/{payment_id}"
            return _json(200, ok | {"Status": "NEW", "PaymentId": payment_id, "OrderId": params["OrderId"],
                                    "Amount": int(params["Amount"]), "PaymentURL": url})
        if name == "CheckOrder":
            found = [p for p in self.tbank.values() if p["OrderId"] == params.get("OrderId")]
            if not found:
                return _json(200, {"Success": False, "ErrorCode": "335",
                                   "Message": f"OrderId {params.get('OrderId')} не найден"})
            return _json(200, ok | {"OrderId": params["OrderId"], "Payments": [
                {"PaymentId": p["PaymentId"], "Amount": p["Amount"], "Status": p["Status"], "Success": True,
                 "ErrorCode": p.get("ErrorCode", "0")} for p in found]})
        payment = self.tbank.get(str(params.get("PaymentId")))
        if payment is None:
            return _json(200, {"Success": False, "ErrorCode": "7", "Message": "Неверный статус транзакции"})
        if name == "Charge":
            card = self._rebills.get(str(params.get("RebillId")))
            if card is None or payment["Status"] != "NEW":
                return _json(200, {"Success": False, "ErrorCode": "7", "Message": "Неверный статус транзакции"})
            self._tbank_finish(payment, card, card.saved_charge)
        elif name == "Cancel":
            if payment["Status"] in ("NEW", "FORM_SHOWED"):
                payment["Status"] = "CANCELED"
            elif payment["Status"] in ("CONFIRMED", "PARTIAL_REFUNDED"):
                return self._tbank_refund(payment, params)
        elif name != "GetState":
            return _json(200, {"Success": False, "ErrorCode": "9999", "Message": "Метод не поддерживается"})
        answer = ok | {"Status": payment["Status"], "PaymentId": payment["PaymentId"], "OrderId": payment["OrderId"],
                       "Amount": payment["Amount"], "ErrorCode": payment.get("ErrorCode", "0")}
        if payment["Status"] in ("REJECTED",):
            answer["Success"] = False
        return _json(200, answer)

    def _tbank_refund(self, payment: dict[str, Any], params: dict[str, Any]) -> Answer:
        """Cancel of a paid payment: a refund of `Amount` (or of all that is left), once per ExternalRequestId."""
        request_id = params.get("ExternalRequestId")
        if request_id and request_id in self._tbank_cancels:
            return _json(200, self._tbank_cancels[request_id])
        left = payment["Amount"] - payment.get("Refunded", 0)
        asked = int(params.get("Amount", left))
        if asked <= 0 or asked > left:
            return _json(200, {"Success": False, "ErrorCode": "14", "PaymentId": payment["PaymentId"],
                               "Message": "Сумма отмены превышает сумму платежа"})
        if not ((params.get("Receipt") or {}).get("Email") or (params.get("Receipt") or {}).get("Phone")):
            return _json(200, {"Success": False, "ErrorCode": "309", "PaymentId": payment["PaymentId"],
                               "Message": "Не передан чек"})
        payment["Refunded"] = payment.get("Refunded", 0) + asked
        settled = "REFUNDED" if asked == left else "PARTIAL_REFUNDED"
        payment["Status"] = "REFUNDING" if _paid_with_three_ds(payment) else settled
        answer = {"Success": True, "ErrorCode": "0", "TerminalKey": TERMINAL_KEY, "Status": payment["Status"],
                  "PaymentId": payment["PaymentId"], "OrderId": payment["OrderId"], "OriginalAmount": left,
                  "NewAmount": left - asked}
        if request_id:
            answer["ExternalRequestId"] = request_id
            self._tbank_cancels[request_id] = answer
        if payment["Status"] == "REFUNDING":
            self._later(self._tbank_settle_refund, payment, settled)
        return _json(200, answer)

    def _tbank_settle_refund(self, payment: dict[str, Any], settled: str) -> None:
        with self._lock:
            payment["Status"] = settled
        self._tbank_notify(payment)

    def _tbank_finish(self, payment: dict[str, Any], card: TestCard, decline: str | None) -> None:
        payment["_card"] = card
        if decline is None:
            payment["Status"] = "CONFIRMED"
            if payment["_init"].get("Recurrent") == "Y":
                rebill = str(900_000 + len(self._rebills) + 1)
                payment["RebillId"] = rebill
                self._rebills[rebill] = card
        else:
            payment.update(Status="REJECTED", ErrorCode=TBANK_DECLINES.get(decline, "1051"))

    def _tbank_page(self, payment_id: str, three_ds_for: str | None = None) -> Answer:
        payment = self.tbank[payment_id]
        if payment["Status"] != "NEW":
            return _html(f"<h1>Платёж уже обработан</h1><p>Статус: <code>{escape(payment['Status'])}</code></p>")
        rubles = f"{payment['Amount'] / 100:.2f}"
        if three_ds_for:
            return _html(f"<h1>3-D Secure</h1><p>Банк просит подтвердить оплату {rubles} ₽.</p>"
                         f"<form method=post><input type=hidden name=card value='{escape(three_ds_for)}'>"
                         "<input type=hidden name=confirmed value=1>"
                         "<button type=submit>Подтвердить</button></form>")
        buttons = "".join(
            f"<button type=submit name=card value='{card.number}'><code>{card.number[:4]} {card.number[4:8]} "
            f"{card.number[8:12]} {card.number[12:]}</code> — {escape(card.label)}</button>"
            for card in CARDS.values())
        return _html(f"<h1>Sandbox Т-Банк</h1><p>К оплате: <strong>{rubles} ₽</strong></p>"
                     f"<p class=muted>Тестовые карты (деньги не списываются):</p><form method=post>{buttons}</form>")

    def _tbank_pay(self, payment_id: str, form: dict[str, str]) -> Answer:
        card = CARDS.get(form.get("card", "").replace(" ", ""))
        if card is None:
            return _html("<h1>Неизвестная карта</h1>", 400)
        if card.three_ds and form.get("confirmed") != "1":
            return self._tbank_page(payment_id, three_ds_for=card.number)
        with self._lock:
            payment = self.tbank[payment_id]
            if payment["Status"] == "NEW":
                self._tbank_finish(payment, card, card.checkout)
        init = payment["_init"]
        self._tbank_notify(payment)
        back = init.get("SuccessURL") if payment["Status"] == "CONFIRMED" else init.get("FailURL")
        return 303, {"Location": back or "/"}, b""

    def _tbank_notify(self, payment: dict[str, Any]) -> None:
        """Т-Банк's NotificationPayment, signed with the Token, to the Init's NotificationURL."""
        card: TestCard = payment["_card"]
        notification: dict[str, Any] = {
            "TerminalKey": TERMINAL_KEY, "OrderId": payment["OrderId"],
            "Success": payment["Status"] in ("CONFIRMED", "REFUNDED", "PARTIAL_REFUNDED"),
            "Status": payment["Status"], "PaymentId": int(payment["PaymentId"]),
            "ErrorCode": payment.get("ErrorCode", "0"), "Amount": payment["Amount"], "CardId": 322264,
            "Pan": f"{card.number[:6]}******{card.number[-4:]}", "ExpDate": "1230"}
        if payment.get("RebillId"):
            notification["RebillId"] = int(payment["RebillId"])
        notification["Token"] = tbank_token(notification)
        url = payment["_init"].get("NotificationURL")
        if url:
            self._deliver(url, notification, payment["PaymentId"])


def tbank_token(params: dict[str, Any]) -> str:
    """Т-Банк's Token as the bank computes it (root scalars without Token, plus Password, sorted by key,
    values concatenated, SHA-256): written here on its own so the sandbox checks the adapter, not itself."""
    values = {key: value for key, value in params.items()
              if key != "Token" and not isinstance(value, dict | list) and value is not None}
    values["Password"] = TERMINAL_PASSWORD
    text = "".join(("true" if v else "false") if isinstance(v, bool) else str(v) for _, v in sorted(values.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _kopecks(amount: dict[str, Any]) -> int:
    rubles, _, kopecks = str(amount["value"]).partition(".")
    return int(rubles) * 100 + int((kopecks + "00")[:2])


def _paid_with_three_ds(payment: dict[str, Any]) -> bool:
    card = payment.get("_card")
    return card is not None and card.three_ds


def _public(payment: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payment.items() if not key.startswith("_")}
