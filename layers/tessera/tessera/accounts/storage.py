"""The documents bucket: presigned upload and download URLs and the check that an upload arrived.

The browser uploads straight to S3 with a presigned PUT whose signature covers the content type and
the exact size, so S3 refuses any other file; the confirm step checks with HeadObject what arrived
(size and type again) before the document counts as stored. Downloads are short-lived presigned GETs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import quote

from pydantic import Field

from tessera.core import clock
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
    documents_bucket: str = Field(validation_alias="DOCUMENTS_BUCKET")


@cache
def _s3() -> Any:
    import boto3
    from botocore.config import Config

    region = get_settings(StorageSettings).region
    endpoint = None
    if not (os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")):
        endpoint = f"https://s3.{region}.amazonaws.com"  # regional: no redirect for browser uploads
    return boto3.client("s3", region_name=region, endpoint_url=endpoint,
                        config=Config(signature_version="s3v4", retries={"max_attempts": 3},
                                      connect_timeout=2, read_timeout=5))


def forget() -> None:
    """Drop the cached client (tests that start a new mocked AWS)."""
    _s3.cache_clear()


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
    url = _s3().generate_presigned_url(
        "put_object", Params={"Bucket": _bucket(), "Key": key, "ContentType": content_type, "ContentLength": size},
        ExpiresIn=UPLOAD_SECONDS)
    return Upload(url=url, headers={"Content-Type": content_type},
                  expires_at=clock.now() + timedelta(seconds=UPLOAD_SECONDS))


def head(key: str) -> Stored | None:
    from botocore.exceptions import ClientError

    try:
        answer = _s3().head_object(Bucket=_bucket(), Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return Stored(size=int(answer["ContentLength"]), content_type=str(answer.get("ContentType") or ""),
                  version_id=answer.get("VersionId"))


def delete(key: str) -> None:
    _s3().delete_object(Bucket=_bucket(), Key=key)


def download_url(key: str, file_name: str, version_id: str | None) -> tuple[str, datetime]:
    params: dict[str, Any] = {"Bucket": _bucket(), "Key": key,
                              "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(file_name)}"}
    if version_id:
        params["VersionId"] = version_id
    url = _s3().generate_presigned_url("get_object", Params=params, ExpiresIn=DOWNLOAD_SECONDS)
    return url, clock.now() + timedelta(seconds=DOWNLOAD_SECONDS)
