"""The documents bucket: presigned upload and download URLs and the check that an upload arrived.

The browser uploads straight to S3 with a presigned PUT whose signature covers the content type and
the exact size, so S3 refuses any other file; the confirm step checks with HeadObject what arrived
(size and type again) before the document counts as stored. Downloads are short-lived presigned GETs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from botocore.config import Config
from botocore.exceptions import ClientError
from pydantic import Field

from tessera.core import aws, clock
from tessera.core.settings import CoreSettings, get_settings

UPLOAD_SECONDS = 15 * 60
DOWNLOAD_SECONDS = 5 * 60
MAX_SIZE = 25 * 1024 * 1024
CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/zip": ".zip",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
}


class StorageSettings(CoreSettings):
    documents_bucket: str = Field(alias="DOCUMENTS_BUCKET")


def _regional_endpoint() -> str | None:
    """The regional endpoint (presigned URLs on it need no redirect), unless one is configured (the local cloud)."""
    if os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"):
        return None
    return f"https://s3.{get_settings(CoreSettings).region}.amazonaws.com"


s3 = aws.client("s3", endpoint_url=_regional_endpoint(), config=Config(signature_version="s3v4"))


def _bucket() -> str:
    return get_settings(StorageSettings).documents_bucket


@dataclass(frozen=True)
class Upload:
    url: str
    headers: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class Stored:
    size: int
    content_type: str
    version_id: str | None


def upload_url(key: str, content_type: str, size: int) -> Upload:
    url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": _bucket(), "Key": key, "ContentType": content_type, "ContentLength": size},
        ExpiresIn=UPLOAD_SECONDS)
    return Upload(url=url, headers={"Content-Type": content_type},
                  expires_at=clock.now() + timedelta(seconds=UPLOAD_SECONDS))


def head(key: str) -> Stored | None:
    try:
        answer = s3.head_object(Bucket=_bucket(), Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return Stored(size=int(answer["ContentLength"]), content_type=str(answer.get("ContentType") or ""),
                  version_id=answer.get("VersionId"))


def delete(key: str) -> None:
    s3.delete_object(Bucket=_bucket(), Key=key)


def download_url(key: str, file_name: str, version_id: str | None) -> tuple[str, datetime]:
    params: dict[str, Any] = {"Bucket": _bucket(), "Key": key,
                              "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(file_name)}"}
    if version_id:
        params["VersionId"] = version_id
    url = s3.generate_presigned_url("get_object", Params=params, ExpiresIn=DOWNLOAD_SECONDS)
    return url, clock.now() + timedelta(seconds=DOWNLOAD_SECONDS)
