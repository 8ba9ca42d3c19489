"""A customer's documents (contract, act, specification, other): uploaded to the private documents
bucket by presigned URL, or linked from external storage (https only).

Upload: POST creates the document `pending` and answers a presigned PUT bound to the declared content
type and size; the browser PUTs the file to S3; confirm checks with HeadObject that it arrived with
that size and type and marks it `stored`. Download: a presigned GET valid for five minutes. Removal
takes the document off the card; the bucket is versioned, so an uploaded file's bytes stay behind a
delete marker for recovery until the bucket's lifecycle expires them."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from tessera.accounts import repository, storage
from tessera.accounts.models import (
    DocumentCreated,
    DocumentLinkRequest,
    DocumentList,
    DocumentUploadRequest,
    DocumentView,
    DownloadLink,
    UploadTicket,
)
from tessera.accounts.records import DocumentRecord
from tessera.accounts.service import _commit, _organization, contract_exists
from tessera.audit import service as audit
from tessera.core import clock
from tessera.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.observability import count, logger
from tessera.core.request import RequestInfo
from tessera.identity.principal import Principal

register({
    "document-unknown": {"ru": "Такого документа нет.", "en": "No such document."},
    "document-type-not-allowed": {
        "ru": "Такой тип файла нельзя загрузить: PDF, DOC(X), XLS(X), ODT/ODS, ZIP, PNG, JPEG или TXT.",
        "en": "This file type cannot be uploaded: PDF, DOC(X), XLS(X), ODT/ODS, ZIP, PNG, JPEG or TXT."},
    "document-too-large": {"ru": "Файл больше {max_mb} МБ.", "en": "The file is larger than {max_mb} MB."},
    "document-not-uploaded": {"ru": "Файл ещё не загружен: загрузите его по выданной ссылке и повторите.",
                              "en": "The file has not arrived yet: upload it with the given URL and try again."},
    "document-upload-mismatch": {"ru": "Загруженный файл не совпадает с заявленным (размер или тип).",
                                 "en": "The uploaded file differs from what was declared (size or type)."},
    "document-not-stored": {"ru": "Документ ещё не загружен.", "en": "The document has not been uploaded yet."},
    "document-contract-unknown": {"ru": "У этого клиента нет такого договора.",
                                  "en": "This customer has no such contract."},
})


def view(record: DocumentRecord) -> DocumentView:
    return DocumentView(id=record.document_id, kind=record.kind, title=record.title, contract_id=record.contract_id,
                        source=record.source, state=record.state, url=record.url, file_name=record.file_name,
                        content_type=record.content_type, size=int(record.size) if record.size is not None else None,
                        created_at=record.created_at, created_by=record.created_by, stored_at=record.stored_at)


def _snapshot(record: DocumentRecord) -> dict[str, Any]:
    return {"kind": record.kind, "title": record.title, "contract_id": record.contract_id, "source": record.source,
            "state": record.state, "url": record.url, "file_name": record.file_name,
            "content_type": record.content_type, "size": record.size}


def _check_contract(org_id: str, contract_id: str | None) -> None:
    if contract_id and not contract_exists(org_id, contract_id):
        raise ValidationFailed("This customer has no such contract.", code="document-contract-unknown",
                               errors=[FieldError("body.contract_id", "unknown", "document-contract-unknown")])


def _safe_name(file_name: str, extension: str) -> str:
    """An S3 key part: ASCII letters, digits, dot, dash and underscore."""
    stem = unicodedata.normalize("NFKD", file_name.rsplit(".", 1)[0]).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:80] or "document"
    return stem + extension


def documents(org_id: str) -> DocumentList:
    _organization(org_id)
    items = sorted(repository.documents(org_id), key=lambda d: d.created_at, reverse=True)
    return DocumentList(items=[view(d) for d in items])


def start_upload(org_id: str, command: DocumentUploadRequest, actor: Principal, request: RequestInfo
                 ) -> DocumentCreated:
    _organization(org_id)
    content_type = command.content_type.lower().split(";")[0].strip()
    extension = storage.CONTENT_TYPES.get(content_type)
    if extension is None:
        raise ValidationFailed("This file type cannot be uploaded.", code="document-type-not-allowed",
                               errors=[FieldError("body.content_type", "not an allowed type",
                                                  "document-type-not-allowed")])
    if command.size > storage.MAX_SIZE:
        max_mb = storage.MAX_SIZE // (1024 * 1024)
        raise ValidationFailed(f"The file is larger than {max_mb} MB.", code="document-too-large", max_mb=max_mb,
                               errors=[FieldError("body.size", f"at most {storage.MAX_SIZE} bytes",
                                                  "document-too-large")])
    _check_contract(org_id, command.contract_id)
    document_id = new_id("doc")
    key = f"customers/{org_id}/{document_id}/{_safe_name(command.file_name, extension)}"
    record = DocumentRecord(pk=f"ORG#{org_id}", sk=f"DOC#{document_id}", document_id=document_id, org_id=org_id,
                            kind=command.kind, title=command.title, contract_id=command.contract_id, source="upload",
                            state="pending", s3_key=key, file_name=command.file_name, content_type=content_type,
                            size=command.size, created_at=clock.now(), created_by=actor.user_id)
    _commit(actor, request, "customer.document_add", "document", document_id, org_id, after=_snapshot(record),
            saves=[record])
    upload = storage.upload_url(key, content_type, command.size)
    return DocumentCreated(document=view(record), upload=UploadTicket(
        url=upload.url, headers=upload.headers, expires_at=upload.expires_at, max_size=storage.MAX_SIZE))


def add_link(org_id: str, command: DocumentLinkRequest, actor: Principal, request: RequestInfo) -> DocumentCreated:
    _organization(org_id)
    _check_contract(org_id, command.contract_id)
    document_id = new_id("doc")
    record = DocumentRecord(pk=f"ORG#{org_id}", sk=f"DOC#{document_id}", document_id=document_id, org_id=org_id,
                            kind=command.kind, title=command.title, contract_id=command.contract_id, source="link",
                            state="linked", url=command.url, created_at=clock.now(), created_by=actor.user_id)
    _commit(actor, request, "customer.document_link", "document", document_id, org_id, after=_snapshot(record),
            saves=[record])
    return DocumentCreated(document=view(record), upload=None)


def _document(org_id: str, document_id: str) -> DocumentRecord:
    record = repository.find_document(org_id, document_id)
    if record is None:
        raise NotFound("No such document.", code="document-unknown")
    return record


def confirm(org_id: str, document_id: str, actor: Principal, request: RequestInfo) -> DocumentView:
    """The upload arrived (HeadObject): size and type as declared. Confirming twice changes nothing."""
    record = _document(org_id, document_id)
    if record.source != "upload" or record.state == "stored":
        return view(record)
    stored = storage.head(record.s3_key or "")
    if stored is None:
        raise Conflict("The file has not arrived yet.", code="document-not-uploaded")
    if stored.size != int(record.size or 0) or stored.content_type.split(";")[0].strip() != record.content_type:
        storage.delete(record.s3_key or "")  # not what was declared: it must be uploaded again
        raise Conflict("The uploaded file differs from what was declared.", code="document-upload-mismatch",
                       errors=[FieldError("body", f"got {stored.size} bytes of {stored.content_type or '?'}",
                                          "document-upload-mismatch")])
    before = _snapshot(record)
    record.state, record.stored_at, record.s3_version_id = "stored", clock.now(), stored.version_id
    _commit(actor, request, "customer.document_store", "document", document_id, org_id, before=before,
            after=_snapshot(record), saves=[record])
    count("document_uploaded")
    return view(record)


def download(org_id: str, document_id: str, actor: Principal, request: RequestInfo) -> DownloadLink:
    """A presigned GET for five minutes (or the external link); the download is audited."""
    record = _document(org_id, document_id)
    if record.source == "link":
        return DownloadLink(url=record.url or "", expires_at=None)
    if record.state != "stored":
        raise Conflict("The document has not been uploaded yet.", code="document-not-stored")
    url, expires_at = storage.download_url(record.s3_key or "", record.file_name or "document",
                                           record.s3_version_id)
    audit.record("customer.document_download", "document", document_id, actor_id=actor.user_id,
                 actor_kind="staff", actor_display=actor.display or None, request=request, org_id=org_id)
    return DownloadLink(url=url, expires_at=expires_at)


def remove(org_id: str, document_id: str, actor: Principal, request: RequestInfo) -> None:
    """Take a document off the card (a mistaken or abandoned upload, a dead link), audited with what it was."""
    record = _document(org_id, document_id)
    _commit(actor, request, "customer.document_delete", "document", document_id, org_id, before=_snapshot(record),
            deletes=[record])
    if record.source == "upload" and record.s3_key:
        try:
            storage.delete(record.s3_key)
        except Exception:  # the card is right already; an object left current is only storage
            logger.exception("document object not deleted", extra={"document_id": document_id})
