"""Support bundles: an installation's diagnostics (logs, versions, disk, container state; secrets redacted by
the agent before they leave the server), uploaded straight to S3 and read by staff in the console.

The agent declares the archive (size, SHA-256) and gets a presigned PUT signed for that size and
`application/gzip`, so S3 takes no other file. Staff read the metadata, the archive's file list (read from
the object, streamed, with its SHA-256 checked against the declared one) and a short-lived presigned GET;
every read that hands out a download URL is an audit event. The bucket (template.yaml,
SupportBundlesBucket) is KMS-encrypted, private, TLS-only and expires bundles after 90 days."""

from __future__ import annotations

import hashlib
import os
import tarfile
from datetime import datetime, timedelta
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError
from pydantic import Field

from tessera.audit import service as audit
from tessera.core import aws, clock
from tessera.core.errors import NotFound
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.observability import count
from tessera.core.request import RequestInfo
from tessera.core.settings import CoreSettings, get_settings
from tessera.deploys import repository
from tessera.deploys.agent import Caller
from tessera.deploys.models import (
    BundleFile,
    SupportBundlePage,
    SupportBundleRequest,
    SupportBundleUpload,
    SupportBundleView,
)
from tessera.deploys.records import SupportBundleRecord

UPLOAD_SECONDS = 15 * 60
DOWNLOAD_SECONDS = 5 * 60
CONTENT_TYPE = "application/gzip"
MAX_LISTED_FILES = 2000

register({
    "support-bundle-unknown": {"ru": "Такого архива диагностики у этой установки нет.",
                               "en": "No such support bundle for this installation."},
})


class BundleSettings(CoreSettings):
    bucket: str = Field("", alias="SUPPORT_BUNDLES_BUCKET")


def _regional_endpoint() -> str | None:
    """Presigned URLs on the regional endpoint need no redirect; a configured endpoint (the local cloud) wins."""
    if os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"):
        return None
    return f"https://s3.{get_settings(CoreSettings).region}.amazonaws.com"


s3 = aws.client("s3", endpoint_url=_regional_endpoint(), config=Config(signature_version="s3v4"))


def _bucket() -> str:
    return get_settings(BundleSettings).bucket


def request_upload(caller: Caller, command: SupportBundleRequest) -> SupportBundleUpload:
    bundle_id = new_id("bnd")
    key = f"support-bundles/{caller.installation_id}/{bundle_id}.tar.gz"
    repository.save_bundle(SupportBundleRecord(
        pk=f"INS#{caller.installation_id}", sk=f"BUNDLE#{bundle_id}", bundle_id=bundle_id,
        installation_id=caller.installation_id, license_id=caller.license_id, key=key, size_bytes=command.size_bytes,
        sha256=command.sha256, note=command.note, created_at=clock.now()))
    url = s3.generate_presigned_url("put_object", Params={
        "Bucket": _bucket(), "Key": key, "ContentType": CONTENT_TYPE, "ContentLength": command.size_bytes},
        ExpiresIn=UPLOAD_SECONDS)
    count("support_bundle_requested")
    return SupportBundleUpload(bundle_id=bundle_id, upload_url=url, upload_headers={"Content-Type": CONTENT_TYPE},
                               expires_at=clock.now() + timedelta(seconds=UPLOAD_SECONDS))


def _view(record: SupportBundleRecord) -> SupportBundleView:
    return SupportBundleView(id=record.bundle_id, installation_id=record.installation_id,
                             license_id=record.license_id, size_bytes=int(record.size_bytes), sha256=record.sha256,
                             note=record.note, created_at=record.created_at)


def list_bundles(installation_id: str, cursor: str | None, limit: int | None) -> SupportBundlePage:
    items, next_cursor = repository.bundles(installation_id, cursor, limit)
    return SupportBundlePage(items=[_view(record) for record in items], next_cursor=next_cursor)


class _Hashing:
    """A read-only stream that hashes what passes through it (tarfile reads the archive once, in order)."""

    def __init__(self, body: Any) -> None:
        self.body = body
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.body.read(size)
        self.digest.update(chunk)
        return chunk

    def drain(self) -> str:
        while self.read(1 << 20):
            pass
        return self.digest.hexdigest()


def _contents(key: str) -> tuple[list[BundleFile], bool, str] | None:
    """The archive's regular files (up to MAX_LISTED_FILES), whether there were more, its SHA-256; None
    when nothing was uploaded. An archive that is not a tar.gz lists no files."""
    try:
        body = s3.get_object(Bucket=_bucket(), Key=key)["Body"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    stream = _Hashing(body)
    files: list[BundleFile] = []
    truncated = False
    try:
        with tarfile.open(fileobj=stream, mode="r|gz") as archive:  # type: ignore[call-overload]
            for member in archive:
                if not member.isfile():
                    continue
                if len(files) == MAX_LISTED_FILES:
                    truncated = True
                    break
                files.append(BundleFile(name=member.name, size=member.size))
    except (tarfile.TarError, EOFError, OSError):
        files, truncated = [], False
    return files, truncated, stream.drain()


def read_bundle(installation_id: str, bundle_id: str, actor: Any, request: RequestInfo) -> SupportBundleView:
    """Metadata, the file list and a download URL; the download is audited (staff reading a customer's
    server diagnostics)."""
    record = repository.find_bundle(installation_id, bundle_id)
    if record is None:
        raise NotFound("No such support bundle for this installation.", code="support-bundle-unknown")
    view = _view(record)
    contents = _contents(record.key)
    if contents is None:
        return view.model_copy(update={"uploaded": False})
    files, truncated, digest = contents
    url = s3.generate_presigned_url("get_object", Params={
        "Bucket": _bucket(), "Key": record.key,
        "ResponseContentDisposition": f'attachment; filename="{record.bundle_id}.tar.gz"'}, ExpiresIn=DOWNLOAD_SECONDS)
    expires: datetime = clock.now() + timedelta(seconds=DOWNLOAD_SECONDS)
    audit.record("deploy.support_bundle_downloaded", "support_bundle", record.bundle_id, actor_id=actor.user_id,
                 actor_kind="staff", actor_display=actor.display or None, actor_roles=sorted(actor.roles),
                 request=request, after={"installation": installation_id, "license": record.license_id})
    count("support_bundle_read")
    return view.model_copy(update={"uploaded": True, "sha256_matches": digest == record.sha256, "download_url": url,
                                   "download_expires_at": expires, "files": files, "files_truncated": truncated})
