"""Issue 4's "Done when" for the customers pages, in a real browser (Debian's chromium) against the local
cloud: the demo sales manager creates a customer on the customers page (a wrong ИНН is refused on its
field), adds a contact for license delivery, uploads a PDF to the Documents tab (stored in S3 through the
presigned URL, downloaded back byte for byte), issues a license through the wizard started from the card,
downloads the .lic file (its token verifies against the published JWKS), sends it by e-mail (the mail with
the attachment lands in the local mailbox) and exports the customers list as CSV. Support then sees the
customer but is offered nothing to change."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, FilePayload, Locator, Page, expect
from stdnum.ru.inn import is_valid as valid_inn

from tessera.core.crypto import jwk_to_public_key, jws_verify
from tests.e2e.conftest import choose
from tests.e2e.test_identity_browser import DEMO_PASSWORD, sign_in
from tests.e2e.test_notify import mailbox, wait_for

# Pages and their chunks load on demand; on a machine shared with other builds that can take a while.
expect.set_options(timeout=20_000)

ORG_URL = re.compile(r"/console/customers/(org_[0-9A-Z]{26})(\?.*)?$")
# A one-page PDF, small enough to read at a glance; the bytes must come back unchanged.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
       + secrets.token_hex(16).encode())


def inn_pair() -> tuple[str, str]:
    """A fresh organization ИНН (10 digits) whose check digit the platform accepts (python-stdnum), and the same
    number with a wrong check digit."""
    while True:
        prefix = "77" + "".join(secrets.choice("0123456789") for _ in range(7))
        good = [prefix + str(d) for d in range(10) if valid_inn(prefix + str(d))]
        if len(good) == 1:
            bad = prefix + str((int(good[0][-1]) + 1) % 10)
            assert not valid_inn(bad)
            return good[0], bad


def staff_context(cloud: Any, browser: Any, email: str, landing: str) -> BrowserContext:
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{cloud.url}{landing}")
    sign_in(page, email, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(landing) + r"$"))
    page.close()
    return context


@pytest.fixture(scope="module")
def sales(cloud: Any, browser: Any) -> Iterator[BrowserContext]:
    """The demo sales manager (no 2FA) signed into the console."""
    context = staff_context(cloud, browser, "sales@tessera.local", "/console/customers")
    yield context
    context.close()


def form_item(dialog: Locator, label: str) -> Locator:
    return dialog.locator(".ant-form-item").filter(has=dialog.page.get_by_label(label, exact=True))


def open_tab(page: Page, name: str) -> Locator:
    page.get_by_role("tab", name=name).click()
    return page.get_by_role("tabpanel", name=name)


def test_a_sales_manager_creates_a_customer_and_issues_sends_and_exports(cloud: Any, sales: BrowserContext,
                                                                          browser: Any) -> None:
    suffix = secrets.token_hex(3)
    name = f"ООО «Вектор {suffix}»"
    contact_email = f"it.{suffix}@vector-e2e.ru"
    inn, wrong_inn = inn_pair()
    page = sales.new_page()
    page.goto(f"{cloud.url}/console/customers")
    expect(page.get_by_role("heading", name="Клиенты")).to_be_visible()

    # --- a new customer: the server refuses the wrong check digit on the ИНН field --------------------
    page.get_by_role("button", name="Добавить клиента").click()
    dialog = page.get_by_role("dialog", name="Новый клиент")
    dialog.get_by_label("Название", exact=True).fill(name)
    legal_name = f"Общество с ограниченной ответственностью «Вектор {suffix}»"
    dialog.get_by_label("Полное юридическое название").fill(legal_name)
    dialog.get_by_label("ИНН", exact=True).fill(wrong_inn)
    dialog.get_by_label("КПП", exact=True).fill("770101001")
    choose(page, dialog.get_by_label("Сегмент"), "Средний бизнес")
    choose(page, dialog.get_by_label("Размещение"), "On-prem")
    dialog.get_by_role("button", name="Добавить клиента").click()
    inn_item = form_item(dialog, "ИНН")
    expect(inn_item).to_have_class(re.compile("ant-form-item-has-error"))
    # The form's own check (10 or 12 digits) passes: this is the server's checksum error, placed on the field.
    explain = inn_item.locator(".ant-form-item-explain-error")
    expect(explain).to_contain_text("Неверный ИНН")
    expect(explain).not_to_contain_text(wrong_inn)  # errors never repeat what was typed
    expect(form_item(dialog, "Название")).not_to_have_class(re.compile("ant-form-item-has-error"))

    dialog.get_by_label("ИНН", exact=True).fill(inn)
    dialog.get_by_role("button", name="Добавить клиента").click()
    expect(page).to_have_url(ORG_URL)
    org_id = ORG_URL.search(page.url).group(1)  # type: ignore[union-attr]
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    general = page.get_by_role("tabpanel", name="Общее")
    expect(general.get_by_text(f"{inn} / 770101001")).to_be_visible()
    expect(general.get_by_text("Марина Продажина")).to_be_visible()  # the creator manages the customer

    # --- a contact who receives the licenses ------------------------------------------------------------
    contacts = open_tab(page, "Контакты")
    contacts.get_by_role("button", name="Добавить контакт").click()
    dialog = page.get_by_role("dialog", name="Добавить контакт")
    dialog.get_by_label("Имя", exact=True).fill("Денис Куликов")
    dialog.get_by_label("Должность").fill("Руководитель ИТ")
    dialog.get_by_label("Электронная почта").fill(contact_email)
    choose(page, dialog.get_by_label("Назначение"), "Получение лицензий")
    dialog.get_by_role("button", name="Сохранить").click()
    expect(dialog).to_be_hidden()
    row = contacts.locator("tr", has_text=contact_email)
    expect(row.get_by_text("Получение лицензий")).to_be_visible()

    # --- a PDF contract: presigned PUT to S3, confirmed, stored, and the same bytes come back -----------
    documents = open_tab(page, "Документы")
    expect(documents.get_by_text("Документов пока нет.")).to_be_visible()
    documents.locator(".ant-upload input[type=file]").set_input_files(
        {"name": f"contract-{suffix}.pdf", "mimeType": "application/pdf", "buffer": PDF})
    expect(page.get_by_text("Документ загружен")).to_be_visible()
    row = documents.locator("tr", has_text=f"contract-{suffix}.pdf")
    expect(row.get_by_text("Загружен", exact=True)).to_be_visible()
    expect(row.get_by_text("Договор", exact=True)).to_be_visible()
    # "Open" asks for a short-lived presigned GET and opens it in a new tab (noopener), where S3's attachment
    # answer becomes a download (the browser credits it to the card's page).
    with page.expect_response(re.compile(r"/documents/doc_[0-9A-Z]{26}/download$")) as link_info, \
            page.expect_download() as download_info:
        row.get_by_role("button", name="Открыть").click()
    signed_url = link_info.value.json()["url"]
    assert "X-Amz-Signature=" in signed_url, signed_url
    assert download_info.value.suggested_filename == f"contract-{suffix}.pdf"
    assert Path(download_info.value.path()).read_bytes() == PDF
    fetched = httpx.get(signed_url)  # the link itself, outside the browser: the same bytes
    assert fetched.status_code == 200 and fetched.content == PDF

    # --- the license wizard, started from the card, with this customer chosen ---------------------------
    licenses = open_tab(page, "Лицензии")
    expect(licenses.get_by_text("У этого клиента пока нет лицензий.")).to_be_visible()
    licenses.get_by_role("button", name="Выдать лицензию").click()
    expect(page.get_by_role("heading", name="Новая лицензия")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/console/licenses/new\?org_id={org_id}$"))
    expect(page.locator(".ant-form-item").filter(has=page.get_by_label("Клиент", exact=True))).to_contain_text(name)
    page.get_by_role("button", name="Далее").click()
    page.get_by_role("radio", name="Advanced").check()
    for _ in range(4):  # modules, limits, dates: the plan's defaults; installation next
        page.get_by_role("button", name="Далее").click()
        if page.get_by_label("Домен установки").is_visible():
            break
    page.get_by_label("Домен установки").fill(f"budget.vector-{suffix}.ru")
    page.get_by_role("button", name="Далее").click()
    expect(page.get_by_text(f"budget.vector-{suffix}.ru")).to_be_visible()
    page.get_by_role("button", name="Подписать и выдать").click()
    expect(page.get_by_text("Лицензия выдана")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Скачать файл .lic").click()
    download = download_info.value
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    license_id = document["license_id"]
    assert download.suggested_filename == f"{license_id}-v1.lic"
    jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
    keys = {key["kid"]: jwk_to_public_key(key) for key in jwks["keys"]}
    header, claims = jws_verify(document["token"], keys)
    assert header["alg"] == "ES256" and header["kid"] in keys
    assert (claims["lic"], claims["ver"], claims["org"]) == (license_id, 1, org_id)
    assert claims["plan"] == "advanced" and claims["domain"] == f"budget.vector-{suffix}.ru"

    # --- sent by e-mail from the license page to the license-delivery contact ---------------------------
    page.get_by_role("button", name="Открыть лицензию").click()
    expect(page.get_by_text(license_id).first).to_be_visible()
    page.get_by_role("button", name="Отправить по почте").click()
    dialog = page.get_by_role("dialog", name="Отправить файл лицензии по почте")
    dialog.get_by_role("button", name="Отправить").click()
    # The answer names the recipient masked, as the delivery log does.
    expect(page.get_by_text("Отправлено: i***@vector-e2e.ru")).to_be_visible()
    mails = wait_for(lambda: [m for m in mailbox(cloud) if contact_email in m["to"] and license_id in m["subject"]])
    assert mails[0]["attachments"] == [f"{license_id}-v1.lic"], mails[0]

    # The card lists the license now.
    page.goto(f"{cloud.url}/console/customers/{org_id}?tab=licenses")
    expect(page.get_by_role("tabpanel", name="Лицензии").get_by_text(license_id)).to_be_visible()

    # --- the customers list, exported as CSV, has the new customer --------------------------------------
    page.goto(f"{cloud.url}/console/customers")
    page.get_by_role("searchbox", name="Название или ИНН").fill(inn)
    page.get_by_role("searchbox", name="Название или ИНН").press("Enter")
    expect(page.get_by_role("link", name=name)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV").click()
    exported = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    # The export takes the list's search: exactly this customer, with its manager.
    assert [(r["ИНН"], r["КПП"], r["Наименование"], r["Менеджер (e-mail)"], r["ID"]) for r in rows] == [
        (inn, "770101001", name, "sales@tessera.local", org_id)], exported[:1000]
    page.close()

    # --- support sees the customer and its license but is offered nothing to change ---------------------
    support = staff_context(cloud, browser, "support@tessera.local", "/console/customers")
    page = support.new_page()
    page.goto(f"{cloud.url}/console/customers")
    page.get_by_role("searchbox", name="Название или ИНН").fill(inn)
    page.get_by_role("searchbox", name="Название или ИНН").press("Enter")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("button", name="Добавить клиента")).to_have_count(0)
    expect(page.get_by_role("button", name="Изменить карточку")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Статус")).to_have_count(0)
    expect(open_tab(page, "Контакты").get_by_text(contact_email)).to_be_visible()
    expect(page.get_by_role("button", name="Добавить контакт")).to_have_count(0)
    expect(page.get_by_role("button", name="Удалить")).to_have_count(0)
    documents = open_tab(page, "Документы")
    row = documents.locator("tr", has_text=f"contract-{suffix}.pdf")
    expect(row.get_by_role("button", name="Открыть")).to_be_visible()  # support may read the documents
    expect(page.get_by_role("button", name="Загрузить файл")).to_have_count(0)
    expect(page.get_by_role("button", name="Добавить ссылку")).to_have_count(0)
    licenses = open_tab(page, "Лицензии")
    expect(licenses.get_by_text(license_id)).to_be_visible()
    expect(page.get_by_role("button", name="Выдать лицензию")).to_have_count(0)
    licenses.get_by_role("link", name=re.compile(re.escape(f"budget.vector-{suffix}.ru"))).click()
    expect(page.get_by_text("Ваша роль позволяет только просматривать лицензию.")).to_be_visible()
    for action in ("Продлить или изменить", "Приостановить", "Отозвать", "Отправить по почте"):
        expect(page.get_by_role("button", name=action)).to_have_count(0)
    # The server agrees: a change through the API is refused.
    csrf = next(c["value"] for c in support.cookies() if c["name"] == "tessera_csrf")
    refused = support.request.patch(f"{cloud.url}/api/console/customers/{org_id}", headers={"x-csrf-token": csrf},
                                    data={"notes": "support was here"})
    assert refused.status == 403, refused.text()
    support.close()



def test_a_sales_manager_imports_customers_after_a_dry_run_that_finds_a_bad_row(cloud: Any,
                                                                                 sales: BrowserContext) -> None:
    suffix = secrets.token_hex(3)
    (first, _), (second, wrong) = inn_pair(), inn_pair()
    header = "ИНН;КПП;Наименование;Сегмент;Тип внедрения;Менеджер (e-mail)\n"  # Excel's Russian CSV: semicolons

    def csv_file(second_inn: str, name: str) -> FilePayload:
        text = (header + f"{first};770101001;ООО «Импорт А {suffix}»;smb;saas;sales@tessera.local\n"
                f"{second_inn};770201001;ООО «Импорт Б {suffix}»;enterprise;on_prem;\n")
        return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}

    page = sales.new_page()
    page.goto(f"{cloud.url}/console/customers")
    page.get_by_role("button", name="Импорт").click()
    dialog = page.get_by_role("dialog", name="Импорт клиентов из CSV или XLSX")
    apply = dialog.get_by_role("button", name="Применить")
    expect(apply).to_be_disabled()

    # The dry run finds the wrong check digit on line 3 and changes nothing; "apply" stays off.
    dialog.locator("input[type=file]").set_input_files(csv_file(wrong, "customers.csv"))
    expect(dialog.get_by_text("customers.csv")).to_be_visible()
    dialog.get_by_role("button", name="Проверить").click()
    expect(dialog.get_by_text("Строк: 2; будет создано 1, изменено 0, без изменений 0; ошибок: 1")).to_be_visible()
    error_row = dialog.locator("tr", has_text="Неверный ИНН")
    expect(error_row.get_by_role("cell").first).to_have_text("3")
    expect(error_row.get_by_role("cell").nth(1)).to_have_text("inn")
    expect(apply).to_be_disabled()
    csrf = next(c["value"] for c in sales.cookies() if c["name"] == "tessera_csrf")
    found = sales.request.get(f"{cloud.url}/api/console/customers", params={"q": first},
                              headers={"x-csrf-token": csrf}).json()["items"]
    assert found == []  # a dry run creates nothing

    # The corrected file: a clean preview, then apply.
    dialog.locator("input[type=file]").set_input_files(csv_file(second, "customers-fixed.csv"))
    expect(dialog.get_by_text("customers-fixed.csv")).to_be_visible()
    expect(apply).to_be_disabled()  # a new file needs its own dry run
    dialog.get_by_role("button", name="Проверить").click()
    expect(dialog.get_by_text("Строк: 2; будет создано 2, изменено 0, без изменений 0; ошибок: 0")).to_be_visible()
    expect(apply).to_be_enabled()
    apply.click()
    expect(page.get_by_text("Импорт применён: создано 2, изменено 0")).to_be_visible()
    expect(dialog).to_be_hidden()

    page.get_by_role("searchbox", name="Название или ИНН").fill(f"Импорт Б {suffix}")
    page.get_by_role("searchbox", name="Название или ИНН").press("Enter")
    page.get_by_role("link", name=f"ООО «Импорт Б {suffix}»").click()
    expect(page.get_by_role("tabpanel", name="Общее").get_by_text(f"{second} / 770201001")).to_be_visible()
    activity = open_tab(page, "Активность")
    created_row = activity.locator("tr", has_text="Создание клиента")  # the audit action's label
    expect(created_row.get_by_text("import customers-fixed.csv")).to_be_visible()
    page.close()


def test_the_auditor_reads_the_card_and_its_activity_and_changes_nothing(cloud: Any, sales: BrowserContext,
                                                                         browser: Any) -> None:
    inn, _ = inn_pair()
    name = f"ООО «Аудит {secrets.token_hex(3)}»"
    csrf = next(c["value"] for c in sales.cookies() if c["name"] == "tessera_csrf")
    created = sales.request.post(f"{cloud.url}/api/console/customers", headers={"x-csrf-token": csrf}, data={
        "name": name, "inn": inn, "kpp": "770101001", "segment": "smb", "deployment": "saas"})
    assert created.status == 201, created.text()
    org_id = created.json()["id"]
    noted = sales.request.post(f"{cloud.url}/api/console/customers/{org_id}/notes", headers={"x-csrf-token": csrf},
                               data={"text": "Договор на подписи у юриста"})
    assert noted.status == 201, noted.text()

    auditor = staff_context(cloud, browser, "auditor@tessera.local", "/console/customers")
    page = auditor.new_page()
    page.goto(f"{cloud.url}/console/customers/{org_id}")
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("button", name="Изменить карточку")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Статус")).to_have_count(0)
    activity = open_tab(page, "Активность")
    expect(activity.get_by_text("Договор на подписи у юриста")).to_be_visible()
    created_row = activity.locator("tr", has_text="customer.create")
    expect(created_row.get_by_text("Создание клиента")).to_be_visible()
    expect(page.get_by_role("button", name="Добавить заметку")).to_have_count(0)
    open_tab(page, "Контакты")
    expect(page.get_by_role("button", name="Добавить контакт")).to_have_count(0)
    open_tab(page, "Документы")
    expect(page.get_by_role("button", name="Загрузить файл")).to_have_count(0)
    open_tab(page, "Лицензии")
    expect(page.get_by_role("button", name="Выдать лицензию")).to_have_count(0)
    page.goto(f"{cloud.url}/console/customers")
    expect(page.get_by_role("button", name="CSV")).to_be_visible()  # the auditor may export
    expect(page.get_by_role("button", name="Импорт")).to_have_count(0)
    expect(page.get_by_role("button", name="Добавить клиента")).to_have_count(0)
    auditor.close()
