"""Contacts (with the license-delivery recipients other contexts e-mail) and contracts (number unique per
customer, amount in RUB kopecks, SLA, validity)."""

from tessera.accounts import service
from tests.integration.accounts.helpers import create, inn10
from tests.integration.stack import Client

BASE = "/api/console/customers"


def test_contacts_and_the_license_recipients(console: Client) -> None:
    org = create(console, inn10("770812345"))["id"]
    path = f"{BASE}/{org}/contacts"
    billing = console.post(path, {"name": "Мария Бухова", "position": "Главный бухгалтер",
                                  "email": "Buh@Romashka.ru", "phone": "8 (495) 123-45-67", "purposes": ["billing"]})
    assert billing.status == 201, billing.body
    assert (billing.body["email"], billing.body["phone"]) == ("buh@romashka.ru", "+74951234567")
    admin = console.post(path, {"name": "Олег Сисадминов", "email": "it@romashka.ru",
                                "purposes": ["technical", "license_delivery"]}).body
    assert service.license_recipients(org)[0].model_dump() == {"name": "Олег Сисадминов", "email": "it@romashka.ru"}
    bad = console.post(path, {"name": "Без связи"})
    assert bad.status == 422
    assert console.post(path, {"name": "X Y", "email": "not-an-email"}).body["errors"][0]["loc"] == "body.email"
    assert console.post(path, {"name": "X Y", "phone": "12"}).body["errors"][0]["loc"] == "body.phone"
    assert console.post(path, {"name": "X Y", "phone": "+74951234567", "purposes": ["license_delivery"]}).status == 422
    assert console.post(path, {"name": "X Y", "email": "x@y.ru", "purposes": ["spam"]}).status == 422

    moved = console.patch(f"{path}/{billing.body['id']}", {"purposes": ["billing", "license_delivery"]})
    assert moved.status == 200 and moved.body["purposes"] == ["billing", "license_delivery"]
    assert [r.email for r in service.license_recipients(org)] == ["buh@romashka.ru", "it@romashka.ru"]
    assert console.patch(f"{path}/{admin['id']}", {"email": None}).code == "contact-invalid"
    assert console.delete(f"{path}/{admin['id']}").status == 204
    assert console.delete(f"{path}/{admin['id']}").code == "contact-unknown"
    assert [c["name"] for c in console.get(path).body["items"]] == ["Мария Бухова"]
    assert [r.email for r in service.license_recipients(org)] == ["buh@romashka.ru"]
    events = console.get(f"{BASE}/{org}/activity").body["items"]
    # the read of the list just above is in the log too: contacts are personal data
    assert events[0]["action"] == "customer.contacts_read" and events[0]["reason"].startswith("role: ")
    assert [e["action"] for e in events[1:5]] == ["customer.contact_delete", "customer.contact_update",
                                                  "customer.contact_add", "customer.contact_add"]
    assert console.get(f"{BASE}/org_01JAAAAAAAAAAAAAAAAAAAAAAA/contacts").code == "customer-unknown"


def _contract(number: str = "Д-2026/017", **changes: object) -> dict[str, object]:
    return {"number": number, "signed_on": "2026-02-01", "amount": {"kopecks": 150_000_000}, "sla": "premium",
            "valid_from": "2026-02-01", "valid_to": "2027-01-31", **changes}


def test_contracts_numbers_are_unique_per_customer(console: Client) -> None:
    org = create(console, inn10("770812345"))["id"]
    other = create(console, inn10("770812346"), name="ООО «Другое»")["id"]
    path = f"{BASE}/{org}/contracts"
    created = console.post(path, _contract())
    assert created.status == 201, created.body
    assert created.body["amount"] == {"kopecks": 150_000_000, "currency": "RUB",
                                      "formatted": "1\u00a0500\u00a0000,00\u00a0₽"}
    duplicate = console.post(path, _contract(" д-2026/017 "))
    assert duplicate.status == 409 and duplicate.code == "contract-number-taken"
    assert console.post(f"{BASE}/{other}/contracts", _contract()).status == 201  # another customer's numbering
    assert console.post(path, _contract("Д-2", valid_to="2025-01-01")).status == 422
    assert console.post(path, _contract("Д-3", amount={"kopecks": -1})).status == 422
    assert console.post(path, _contract("Д-4", amount={"kopecks": 100, "currency": "USD"})).status == 422
    assert console.post(path, _contract("Д-5", sla="gold")).status == 422
    second = console.post(path, _contract("Д-2026/018", status="draft")).body
    taken = console.patch(f"{path}/{second['id']}", {"number": "Д-2026/017"})
    assert taken.status == 409 and taken.code == "contract-number-taken"
    renamed = console.patch(f"{path}/{second['id']}", {"number": "Д-2026/019", "status": "active",
                                                       "amount": {"kopecks": 99_900}})
    assert renamed.status == 200 and renamed.body["amount"]["kopecks"] == 99_900
    # the old number is free again
    assert console.post(path, _contract("Д-2026/018")).status == 201
    assert console.patch(f"{path}/{second['id']}", {"valid_from": "2028-01-01"}).code == "contract-invalid"
    numbers = sorted(c["number"] for c in console.get(path).body["items"])
    assert numbers == ["Д-2026/017", "Д-2026/018", "Д-2026/019"]
