"""Origins as browsers send them, and the boundary models' own checks (phones, channels, consent)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tessera.workspaces.models import Channel, ConsentSettings, Fields, LeadSubmission, WorkspaceCreate
from tessera.workspaces.origins import normalize_origin


@pytest.mark.parametrize(("given", "origin"), [
    ("https://okna.example.ru", "https://okna.example.ru"),
    ("HTTPS://Okna.Example.RU/", "https://okna.example.ru"),
    ("https://okna.example.ru:443", "https://okna.example.ru"),
    ("http://okna.example.ru:80", "http://okna.example.ru"),
    ("http://localhost:8080", "http://localhost:8080"),
    ("https://окна.рф", "https://xn--80atjc.xn--p1ai"),
    ("  https://shop.example.com:8443  ", "https://shop.example.com:8443"),
])
def test_origins_are_normalized_as_the_origin_header_carries_them(given: str, origin: str) -> None:
    assert normalize_origin(given) == origin


@pytest.mark.parametrize("bad", ["okna.example.ru", "ftp://okna.example.ru", "https://okna.example.ru/page",
                                 "https://okna.example.ru?x=1", "https://user@okna.example.ru", "https://",
                                 "https://okna.example.ru:99999", "https://-bad-.ru", "javascript:alert(1)",
                                 "https://okna.example.ru:"])
def test_what_is_not_an_origin_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        normalize_origin(bad)


def test_a_workspace_s_origins_are_deduplicated_after_normalizing() -> None:
    command = WorkspaceCreate(name="Сайт", allowed_origins=["https://a.ru", "HTTPS://A.RU:443", "https://b.ru"])
    assert command.allowed_origins == ["https://a.ru", "https://b.ru"]


@pytest.mark.parametrize(("kind", "url", "ok"), [
    ("telegram", "https://t.me/okna_bot", True), ("telegram", "https://t.me/", False),
    ("telegram", "http://t.me/okna_bot", False), ("whatsapp", "https://wa.me/79991234567", True),
    ("whatsapp", "https://t.me/okna_bot", False), ("max", "https://max.ru/okna", True),
])
def test_channel_links_must_be_https_on_the_channel_s_own_host(kind: str, url: str, ok: bool) -> None:
    if ok:
        assert Channel(type=kind, url=url).url == url  # type: ignore[arg-type]
    else:
        with pytest.raises(ValidationError):
            Channel(type=kind, url=url)  # type: ignore[arg-type]


def test_a_form_must_leave_a_way_to_answer_and_required_consent_needs_its_text() -> None:
    with pytest.raises(ValidationError, match="contacts_hidden"):
        Fields(phone="hidden", email="hidden")
    with pytest.raises(ValidationError, match="consent_text_required"):
        ConsentSettings(required=True, text=None)
    assert ConsentSettings(required=False).text is None


def _lead(**changes: Any) -> dict[str, Any]:
    body = {"widget_id": "wgt_01JC0000000000000000000000", "config_version": 3,
            "client_lead_id": "0b6f1c9e-5d1a-4e8e-9f65-2a7f3c1d9b40", "name": " Иван ", "phone": "8 (999) 123-45-67",
            "email": None, "message": "", "consent": {"accepted": True, "text_version": "v7"},
            "page_url": "https://okna.example.ru/", "referrer": None, "utm_source": None, "utm_medium": None,
            "utm_campaign": None, "utm_term": None, "utm_content": None, "honeypot": "", "elapsed_ms": 7500,
            "locale": "ru"}
    return {**body, **changes}


@pytest.mark.parametrize(("phone", "e164"), [
    ("8 (999) 123-45-67", "+79991234567"), ("+7 999 123 45 67", "+79991234567"), ("9991234567", "+79991234567"),
    ("+1 202 555 0123", "+12025550123"),
])
def test_lead_phones_become_e164_russian_ones_by_default(phone: str, e164: str) -> None:
    assert LeadSubmission.model_validate(_lead(phone=phone)).phone == e164


def test_a_lead_s_blank_fields_are_none_and_bad_ones_are_named() -> None:
    lead = LeadSubmission.model_validate(_lead())
    assert (lead.name, lead.message, lead.email) == ("Иван", None, None)
    with pytest.raises(ValidationError) as caught:
        LeadSubmission.model_validate(_lead(phone="123", client_lead_id="not-a-uuid", email="x@"))
    assert {(e["loc"][0], e["type"]) for e in caught.value.errors()} == {
        ("phone", "lead_phone_invalid"), ("client_lead_id", "client_lead_id_invalid"), ("email", "email_invalid")}


def test_a_version_1_uuid_is_not_a_client_lead_id() -> None:
    with pytest.raises(ValidationError, match="client_lead_id_invalid"):
        LeadSubmission.model_validate(_lead(client_lead_id="c232ab00-9414-11ec-b3c8-9f6bdeced846"))
