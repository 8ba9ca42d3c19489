"""Documents: a presigned PUT bound to the declared type and size, confirmed by HeadObject, downloaded by
a short-lived presigned GET (moto in-process intercepts `requests`); or a link to external storage."""

import os
from typing import Any

import requests

from tests.integration.accounts.helpers import create, inn10
from tests.integration.stack import Client

BASE = "/api/console/customers"
PDF = b"%PDF-1.7\n" + b"0" * 2048 + b"\n%%EOF\n"


def _upload(console: Client, org: str, **changes: Any) -> Any:
    return console.post(f"{BASE}/{org}/documents", {"kind": "contract", "title": "Договор поставки",
                                                    "file_name": "Договор №17.pdf", "content_type": "application/pdf",
                                                    "size": len(PDF), **changes})


def test_upload_confirm_download(console: Client) -> None:
    org = create(console, inn10("770812345"))["id"]
    started = _upload(console, org)
    assert started.status == 201, started.body
    document, ticket = started.body["document"], started.body["upload"]
    assert (document["state"], document["source"], ticket["method"]) == ("pending", "upload", "PUT")
    assert "X-Amz-Signature=" in ticket["url"] and "content-length%3Bcontent-type" in ticket["url"]
    confirm = f"{BASE}/{org}/documents/{document['id']}/confirm"
    early = console.post(confirm)
    assert early.status == 409 and early.code == "document-not-uploaded"
    assert console.get(f"{BASE}/{org}/documents/{document['id']}/download").code == "document-not-stored"

    put = requests.put(ticket["url"], data=PDF, headers=ticket["headers"], timeout=10)
    assert put.status_code == 200, put.text
    stored = console.post(confirm)
    assert stored.status == 200 and stored.body["state"] == "stored"
    assert console.post(confirm).body == stored.body  # confirming again changes nothing
    link = console.get(f"{BASE}/{org}/documents/{document['id']}/download")
    assert link.status == 200 and link.body["expires_at"]
    fetched = requests.get(link.body["url"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert [d["state"] for d in console.get(f"{BASE}/{org}/documents").body["items"]] == ["stored"]
    actions = [e["action"] for e in console.get(f"{BASE}/{org}/activity").body["items"]]
    assert actions[:3] == ["customer.document_download", "customer.document_store", "customer.document_add"]


def test_an_upload_that_differs_from_what_was_declared_is_refused(console: Client) -> None:
    org = create(console, inn10("770812345"))["id"]
    started = _upload(console, org).body
    # S3 itself refuses a different length against the signature on AWS; moto does not check it, and
    # the confirm step is what decides either way
    requests.put(started["upload"]["url"], data=PDF + b"tail", headers=started["upload"]["headers"], timeout=10)
    mismatch = console.post(f"{BASE}/{org}/documents/{started['document']['id']}/confirm")
    assert mismatch.status == 409 and mismatch.code == "document-upload-mismatch"
    still = console.get(f"{BASE}/{org}/documents").body["items"][0]
    assert still["state"] == "pending"  # uploading the right file and confirming again stores it
    requests.put(started["upload"]["url"], data=PDF, headers=started["upload"]["headers"], timeout=10)
    assert console.post(f"{BASE}/{org}/documents/{started['document']['id']}/confirm").body["state"] == "stored"


def test_upload_requests_are_checked(console: Client) -> None:
    org = create(console, inn10("770812345"))["id"]
    exe = _upload(console, org, content_type="application/x-msdownload", file_name="setup.exe")
    assert exe.status == 422 and exe.code == "document-type-not-allowed"
    huge = _upload(console, org, size=26 * 1024 * 1024)
    assert huge.status == 422 and huge.code == "document-too-large"
    assert _upload(console, org, kind="invoice").status == 422
    assert _upload(console, org, contract_id="ctr_01JAAAAAAAAAAAAAAAAAAAAAAA").code == "document-contract-unknown"
    assert _upload(console, org, file_name="../../etc/passwd").status == 422


def test_links_to_external_storage_must_be_https(console: Client) -> None:
    org = create(console, inn10("770812345"))["id"]
    contract = console.post(f"{BASE}/{org}/contracts", {
        "number": "Д-1", "signed_on": "2026-01-10", "amount": {"kopecks": 100}, "valid_from": "2026-01-10"}).body
    path = f"{BASE}/{org}/document-links"
    for url in ("http://disk.yandex.ru/d/abc", "ftp://files.example.ru/a.pdf", "javascript:alert(1)",
                "https://user:pass@evil.example.com/x", "https://localhost/x", "не ссылка"):
        answer = console.post(path, {"kind": "act", "title": "Акт", "url": url})
        assert answer.status == 422 and answer.body["errors"][0]["loc"] == "body.url", url
    linked = console.post(path, {"kind": "specification", "title": "ТЗ", "contract_id": contract["id"],
                                 "url": "https://disk.yandex.ru/d/AbC123"})
    assert linked.status == 201 and linked.body["document"]["state"] == "linked"
    assert linked.body["upload"] is None
    download = console.get(f"{BASE}/{org}/documents/{linked.body['document']['id']}/download").body
    assert download == {"url": "https://disk.yandex.ru/d/AbC123", "expires_at": None}


def test_a_document_is_removed_with_its_file_kept_as_an_old_version(console: Client) -> None:
    import boto3

    org = create(console, inn10("770812345"))["id"]
    started = _upload(console, org).body
    requests.put(started["upload"]["url"], data=PDF, headers=started["upload"]["headers"], timeout=10)
    document_id = started["document"]["id"]
    assert console.post(f"{BASE}/{org}/documents/{document_id}/confirm").body["state"] == "stored"
    linked = console.post(f"{BASE}/{org}/document-links", {"kind": "act", "title": "Акт",
                                                           "url": "https://disk.yandex.ru/d/AbC123"}).body

    support = Client()
    support.as_principal = {"user_id": "usr_01JSUPPORT0000000000000000", "session_id": "ses_s", "audience": "console",
                            "kind": "staff", "roles": '["support"]', "org_id": "", "mfa": True, "display": "Support"}
    assert support.delete(f"{BASE}/{org}/documents/{document_id}").code == "forbidden-action"

    assert console.delete(f"{BASE}/{org}/documents/{document_id}").status == 204
    assert console.delete(f"{BASE}/{org}/documents/{document_id}").code == "document-unknown"
    assert console.delete(f"{BASE}/{org}/documents/{linked['document']['id']}").status == 204
    assert console.get(f"{BASE}/{org}/documents").body["items"] == []
    other = create(console, inn10("770812346"), name="ООО «Другое»")["id"]
    assert console.delete(f"{BASE}/{other}/documents/{document_id}").code == "document-unknown"

    s3 = boto3.client("s3")
    bucket = os.environ["DOCUMENTS_BUCKET"]
    versions = s3.list_object_versions(Bucket=bucket, Prefix=f"customers/{org}/{document_id}/")
    assert [m["IsLatest"] for m in versions.get("DeleteMarkers", [])] == [True]  # gone from the card and the bucket
    assert len(versions["Versions"]) == 1  # the bytes recoverable until the lifecycle expires them
    events = console.get(f"{BASE}/{org}/activity").body["items"]
    assert [e["action"] for e in events[:2]] == ["customer.document_delete", "customer.document_delete"]
    assert events[1]["entity_id"] == document_id
