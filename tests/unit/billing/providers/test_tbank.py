"""Т-Банк v2: the Token against the bank's own test vectors, the exact Init/Charge/GetState/CheckOrder/
Cancel requests, what happens to an attempt whose result was unknown, declines, and notifications."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tessera.billing.providers.port import ProviderRejected, RefundRequest, ResultUnknown, WebhookRejected, refund_key
from tessera.billing.providers.tbank import TBank, TBankCredentials, order_id, token
from tessera.billing.providers.transport import ProviderSettings
from tessera.core.money import Money
from tests.unit.billing.providers.conftest import INVOICE, Recorder, make_charge, make_receipt, make_request

PASSWORD = "Dfsfh56dgKl-secret"
CREDENTIALS = TBankCredentials(terminal_key="1321054611234DEMO", password=PASSWORD)
ORDER = f"{INVOICE}-1"


def test_token_matches_the_banks_init_vector() -> None:
    params = {"TerminalKey": "MerchantTerminalKey", "Amount": 19200, "OrderId": "21090",
              "Description": "Подарочная карта на 1000 рублей",
              "DATA": {"Phone": "+71234567890"}, "Receipt": {"Items": []}}  # nested objects are not signed
    assert token(params, "usaf8fw8fsw21g") == "0024a00af7c350a3a67ca168ce06502aa72772456662e38696d48b56ee9c97d9"


def test_token_matches_the_banks_notification_vector() -> None:
    notification = {"TerminalKey": "1321054611234DEMO", "OrderId": "201709", "Success": "true",
                    "Status": "AUTHORIZED", "PaymentId": "8742591", "ErrorCode": "0", "Amount": "9855",
                    "CardId": "322264", "Pan": "430000******0777", "ExpDate": "1122", "RebillId": "101709",
                    "Token": "ignored"}
    assert token(notification, "Dfsfh56dgKl") == "b906d28e76c6428e37b25fcf86c0adc52c63d503013fdd632e300593d165766b"


def test_token_renders_booleans_and_numbers_as_the_bank_does() -> None:
    as_json = {"TerminalKey": "1321054611234DEMO", "OrderId": "201709", "Success": True, "Status": "AUTHORIZED",
               "PaymentId": 8742591, "ErrorCode": "0", "Amount": 9855.0, "CardId": 322264,
               "Pan": "430000******0777", "ExpDate": "1122", "RebillId": 101709}
    assert token(as_json, "Dfsfh56dgKl") == "b906d28e76c6428e37b25fcf86c0adc52c63d503013fdd632e300593d165766b"


def signed(answer: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json=answer)


def not_found() -> httpx.Response:
    return signed({"Success": False, "ErrorCode": "335", "Message": "Заказ не найден",
                   "TerminalKey": CREDENTIALS.terminal_key, "OrderId": ORDER})


def check_order(*payments: dict[str, Any]) -> httpx.Response:
    return signed({"TerminalKey": CREDENTIALS.terminal_key, "OrderId": ORDER, "Success": True, "ErrorCode": "0",
                   "Message": "OK", "Payments": list(payments)})


def init_answer(payment_id: str = "3093639567") -> httpx.Response:
    return signed({"Success": True, "ErrorCode": "0", "TerminalKey": CREDENTIALS.terminal_key, "Status": "NEW",
                   "PaymentId": payment_id, "OrderId": ORDER, "Amount": 999_000,
                   "PaymentURL": "https://securepay.tinkoff.ru/new/fU1ppgqa"})


def charge_answer(status: str, error_code: str = "0", payment_id: str = "3093639567") -> httpx.Response:
    return signed({"TerminalKey": CREDENTIALS.terminal_key, "Amount": 999_000, "OrderId": ORDER,
                   "Success": status == "CONFIRMED", "Status": status, "PaymentId": payment_id,
                   "ErrorCode": error_code, "Message": "" if error_code == "0" else "Недостаточно средств на карте"})


def adapter(recorder: Recorder, settings: ProviderSettings) -> TBank:
    return TBank(CREDENTIALS, settings=settings, client=recorder.client("https://securepay.tinkoff.ru/v2/"))


def assert_signed(body: dict[str, Any]) -> None:
    assert body["TerminalKey"] == CREDENTIALS.terminal_key
    assert body["Token"] == token(body, PASSWORD)


def test_start_checks_the_order_then_sends_the_documented_init(settings: ProviderSettings) -> None:
    recorder = Recorder(not_found(), init_answer())
    payment = adapter(recorder, settings).start(make_request())

    assert [r.url.path for r in recorder.requests] == ["/v2/CheckOrder", "/v2/Init"]
    assert all(r.method == "POST" and r.headers["Content-Type"] == "application/json" for r in recorder.requests)
    assert recorder.body(0) == {"TerminalKey": CREDENTIALS.terminal_key, "OrderId": ORDER,
                                "Token": token({"TerminalKey": CREDENTIALS.terminal_key, "OrderId": ORDER}, PASSWORD)}
    init = recorder.body(1)
    assert_signed(init)
    assert init["Amount"] == 999_000
    assert init["OrderId"] == ORDER
    assert init["Description"] == "Счёт 2026-000017: Fast Lead «Про»"
    assert init["CustomerKey"] == "org-01JH8Z"
    assert init["Recurrent"] == "Y"
    assert init["PayType"] == "O"
    assert init["DATA"] == {"OperationInitiatorType": "1"}
    assert init["NotificationURL"] == "https://api.tessera.example/api/webhooks/tbank"
    assert init["SuccessURL"] == init["FailURL"] == "https://app.tessera.example/app/billing/return"
    assert init["Receipt"] == {"Taxation": "osn", "Email": "owner@demo.tessera.local", "Items": [
        {"Name": "Fast Lead «Про», 1 месяц", "Price": 999_000, "Quantity": 1, "Amount": 999_000, "Tax": "vat20",
         "PaymentMethod": "full_payment", "PaymentObject": "service"}]}
    assert PASSWORD not in json.dumps(init)
    assert payment.status == "pending" and payment.confirmation_url == "https://securepay.tinkoff.ru/new/fU1ppgqa"
    assert (payment.provider_payment_id, payment.invoice_id, payment.attempt) == ("3093639567", INVOICE, 1)


def test_start_without_saving_is_credential_not_captured(settings: ProviderSettings) -> None:
    recorder = Recorder(check_order(), init_answer())
    adapter(recorder, settings).start(make_request(save_method=False))
    init = recorder.body(1)
    assert "Recurrent" not in init and init["DATA"] == {"OperationInitiatorType": "0"}


def test_start_answers_an_attempt_already_paid_without_a_new_init(settings: ProviderSettings) -> None:
    recorder = Recorder(check_order({"PaymentId": "700001", "Amount": 999_000, "Status": "CONFIRMED",
                                     "Success": "true", "ErrorCode": 0, "Message": "None"}))
    payment = adapter(recorder, settings).start(make_request())
    assert len(recorder.requests) == 1
    assert (payment.status, payment.provider_payment_id, payment.confirmation_url) == ("succeeded", "700001", None)


def test_start_closes_an_unpaid_link_of_the_same_attempt_before_a_new_one(settings: ProviderSettings) -> None:
    recorder = Recorder(
        check_order({"PaymentId": "700001", "Amount": 999_000, "Status": "NEW", "Success": "true", "ErrorCode": 0}),
        signed({"TerminalKey": CREDENTIALS.terminal_key, "OrderId": ORDER, "Success": True, "Status": "CANCELED",
                "OriginalAmount": 999_000, "NewAmount": 0, "PaymentId": "700001", "ErrorCode": "0"}),
        init_answer("700002"))
    payment = adapter(recorder, settings).start(make_request())
    assert [r.url.path for r in recorder.requests] == ["/v2/CheckOrder", "/v2/Cancel", "/v2/Init"]
    assert recorder.body(1)["PaymentId"] == "700001"
    assert payment.provider_payment_id == "700002"


def test_charge_saved_is_init_without_redirect_then_charge(settings: ProviderSettings) -> None:
    recorder = Recorder(not_found(), init_answer(), charge_answer("CONFIRMED"))
    payment = adapter(recorder, settings).charge_saved(make_charge("tbank", "101709"))

    assert [r.url.path for r in recorder.requests] == ["/v2/CheckOrder", "/v2/Init", "/v2/Charge"]
    init, charge = recorder.body(1), recorder.body(2)
    assert_signed(init)
    assert init["DATA"] == {"OperationInitiatorType": "R"}
    assert not {"Recurrent", "SuccessURL", "FailURL"} & init.keys()
    assert charge == {"TerminalKey": CREDENTIALS.terminal_key, "PaymentId": "3093639567", "RebillId": "101709",
                      "Token": charge["Token"]}
    assert_signed(charge)
    assert payment.status == "succeeded" and payment.decline is None


@pytest.mark.parametrize(("code", "action"), [("1051", "retry"), ("116", "retry"), ("1013", "retry"),
                                              ("1033", "new_card"), ("1054", "new_card"), ("1015", "new_card"),
                                              ("1057", "stop"), ("1004", "stop")])
def test_a_rejected_charge_is_a_decline(code: str, action: str, settings: ProviderSettings) -> None:
    recorder = Recorder(not_found(), init_answer(), charge_answer("REJECTED", code))
    payment = adapter(recorder, settings).charge_saved(make_charge("tbank", "101709"))
    assert payment.status == "canceled"
    assert payment.decline is not None and (payment.decline.code, payment.decline.action) == (code, action)


def test_a_charge_whose_answer_was_lost_is_found_not_repeated(settings: ProviderSettings) -> None:
    recorder = Recorder(not_found(), init_answer(), httpx.ReadTimeout("timed out"),
                        check_order({"PaymentId": "3093639567", "Amount": 999_000, "Status": "CONFIRMED",
                                     "Success": "true", "ErrorCode": 0}))
    tbank = adapter(recorder, settings)
    with pytest.raises(ResultUnknown):
        tbank.charge_saved(make_charge("tbank", "101709"))
    payment = tbank.charge_saved(make_charge("tbank", "101709"))
    assert [r.url.path for r in recorder.requests] == ["/v2/CheckOrder", "/v2/Init", "/v2/Charge", "/v2/CheckOrder"]
    assert payment.status == "succeeded" and payment.provider_payment_id == "3093639567"


def test_an_init_whose_charge_never_went_is_charged_on_retry(settings: ProviderSettings) -> None:
    recorder = Recorder(check_order({"PaymentId": "3093639567", "Amount": 999_000, "Status": "NEW",
                                     "Success": "true", "ErrorCode": 0}), charge_answer("CONFIRMED"))
    payment = adapter(recorder, settings).charge_saved(make_charge("tbank", "101709"))
    assert [r.url.path for r in recorder.requests] == ["/v2/CheckOrder", "/v2/Charge"]
    assert recorder.body(1)["PaymentId"] == "3093639567" and payment.status == "succeeded"


def test_a_declined_attempt_stays_declined_on_retry(settings: ProviderSettings) -> None:
    recorder = Recorder(check_order({"PaymentId": "3093639567", "Amount": 999_000, "Status": "REJECTED",
                                     "Success": "false", "ErrorCode": 1051}))
    payment = adapter(recorder, settings).charge_saved(make_charge("tbank", "101709"))
    assert len(recorder.requests) == 1
    assert payment.status == "canceled" and payment.decline is not None and payment.decline.code == "1051"


@pytest.mark.parametrize("answer", [httpx.Response(503), httpx.Response(200, text="<html>busy</html>"),
                                    httpx.ConnectTimeout("slow"),
                                    signed({"Success": False, "ErrorCode": "9999", "Message": "Внутренняя ошибка"})])
def test_no_result_is_unknown(answer: Any, settings: ProviderSettings) -> None:
    with pytest.raises(ResultUnknown):
        adapter(Recorder(answer), settings).fetch("3093639567")


def test_a_refused_request_carries_the_banks_code_and_no_password(settings: ProviderSettings) -> None:
    recorder = Recorder(signed({"Success": False, "ErrorCode": "204", "Message": "Неверный токен",
                                "Details": "Проверьте пару TerminalKey/SecretKey"}))
    with pytest.raises(ProviderRejected) as caught:
        adapter(recorder, settings).fetch("3093639567")
    assert caught.value.code == "204" and "Неверный токен" in str(caught.value)
    assert PASSWORD not in str(caught.value) and PASSWORD not in repr(CREDENTIALS)


def test_a_22_percent_receipt_is_refused_before_anything_is_sent(settings: ProviderSettings) -> None:
    recorder = Recorder(not_found())
    with pytest.raises(ProviderRejected) as caught:
        adapter(recorder, settings).start(make_request(vat="22"))  # type: ignore[arg-type]
    assert caught.value.code == "vat-rate-unsupported"
    assert [r.url.path for r in recorder.requests] == ["/v2/CheckOrder"]


@pytest.mark.parametrize(("status", "normalized"), [("NEW", "pending"), ("FORM_SHOWED", "pending"),
                                                    ("AUTHORIZED", "pending"), ("CONFIRMED", "succeeded"),
                                                    ("REJECTED", "canceled"), ("AUTH_FAIL", "canceled"),
                                                    ("DEADLINE_EXPIRED", "canceled"), ("CANCELED", "canceled")])
def test_fetch_is_get_state_normalized(status: str, normalized: str, settings: ProviderSettings) -> None:
    recorder = Recorder(signed({"Success": True, "ErrorCode": "0", "Message": "OK",
                                "TerminalKey": CREDENTIALS.terminal_key, "Status": status, "PaymentId": "13660",
                                "OrderId": ORDER, "Params": [{"Key": "Route", "Value": "ACQ"}], "Amount": 999_000}))
    payment = adapter(recorder, settings).fetch("13660")
    assert recorder.requests[0].url.path == "/v2/GetState" and recorder.body()["PaymentId"] == "13660"
    assert_signed(recorder.body())
    assert payment.status == normalized and (payment.invoice_id, payment.attempt) == (INVOICE, 1)
    assert (payment.decline is not None) == (normalized == "canceled")


def test_refund_is_an_idempotent_cancel_with_a_receipt(settings: ProviderSettings) -> None:
    recorder = Recorder(signed({"TerminalKey": CREDENTIALS.terminal_key, "OrderId": ORDER, "Success": True,
                                "Status": "REFUNDED", "OriginalAmount": 999_000, "NewAmount": 0,
                                "PaymentId": "13660", "ErrorCode": "0"}))
    refund = adapter(recorder, settings).refund(RefundRequest(
        refund_id="R-1", provider_payment_id="13660", amount=Money(999_000), receipt=make_receipt()))
    body = recorder.body()
    assert recorder.requests[0].url.path == "/v2/Cancel"
    assert_signed(body)
    assert (body["PaymentId"], body["Amount"], body["ExternalRequestId"]) == ("13660", 999_000, refund_key("R-1"))
    assert body["Receipt"]["Items"][0]["Tax"] == "vat20"
    assert (refund.status, refund.amount) == ("succeeded", Money(999_000))


def test_order_ids_are_deterministic_and_bounded() -> None:
    assert order_id(INVOICE, 3) == f"{INVOICE}-3"
    with pytest.raises(ProviderRejected):
        order_id("x" * 40, 1)


def notification(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"TerminalKey": CREDENTIALS.terminal_key, "OrderId": ORDER, "Success": True,
                            "Status": "AUTHORIZED", "PaymentId": 8742591, "ErrorCode": "0", "Amount": 999_000,
                            "CardId": 322264, "Pan": "430000******0777", "ExpDate": "1131", "RebillId": 101709,
                            "DATA": {"Source": "cards"}}
    body.update(changes)
    body["Token"] = token(body, PASSWORD)
    return body


def test_an_authentic_notification_is_a_hint_with_the_rebill_id(settings: ProviderSettings) -> None:
    tbank = adapter(Recorder(), settings)
    hint = tbank.authenticate_webhook("91.194.226.10", {}, json.dumps(notification()).encode())
    assert (hint.provider, hint.object_type, hint.object_id, hint.event) == ("tbank", "payment", "8742591",
                                                                            "AUTHORIZED")
    assert hint.saved_method is not None and (hint.saved_method.token, hint.saved_method.title) == ("101709", "*0777")
    assert tbank.webhook_ack().model_dump() == {"status_code": 200, "body": "OK", "content_type": "text/plain"}


@pytest.mark.parametrize("forge", [
    lambda n: {**n, "Status": "CONFIRMED"},  # altered after signing
    lambda n: {**n, "Amount": 1},
    lambda n: {**n, "Token": "0" * 64},
    lambda n: {k: v for k, v in n.items() if k != "Token"},
    lambda n: {**notification(TerminalKey="OtherTerminal")},
])
def test_a_forged_notification_is_rejected(forge: Any, settings: ProviderSettings) -> None:
    with pytest.raises(WebhookRejected):
        adapter(Recorder(), settings).authenticate_webhook("91.194.226.10", {},
                                                           json.dumps(forge(notification())).encode())


def test_a_declined_notification_carries_no_saved_method(settings: ProviderSettings) -> None:
    body = notification(Status="REJECTED", Success=False, ErrorCode="1051")
    hint = adapter(Recorder(), settings).authenticate_webhook("91.194.226.10", {}, json.dumps(body).encode())
    assert hint.event == "REJECTED" and hint.saved_method is None


@pytest.mark.parametrize("status", ["REFUNDED", "PARTIAL_REFUNDED"])
def test_a_refunded_notification_is_a_refund_hint_of_its_payment(status: str, settings: ProviderSettings) -> None:
    body = notification(Status=status, Success=True)
    hint = adapter(Recorder(), settings).authenticate_webhook("91.194.226.10", {}, json.dumps(body).encode())
    assert (hint.object_type, hint.object_id, hint.payment_id, hint.event) == ("refund", "8742591", "8742591", status)
    assert hint.saved_method is None
