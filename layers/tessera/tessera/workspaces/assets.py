"""The widget's logo and operator avatar: uploaded by the browser straight to the widget bucket with an
S3 presigned POST, checked, then saved into the widget's settings (`logo_url` / `avatar_url`).

Start: the declared type and size are checked, the bytes are reserved against the workspace's quota
(a conditional ADD on its counter, with the pending upload in one transaction) and a presigned POST is
answered whose policy fixes the key, the Content-Type, the Cache-Control and the largest size, so S3
refuses anything else. Confirm: the object must be there, no bigger than declared, and an image of the
declared type (`images.inspect`); then in one transaction with its audit event the widget gets a new
version with the image's URL (optimistic locking as any save), the upload becomes its kind's current
image with the size it really has, and the image it replaces leaves the count; the replaced object is
deleted after the commit. A refused upload is deleted and its bytes released. Uploads never confirmed
are swept when their presigned POST has expired, at the workspace's next start."""

from __future__ import annotations

import os
from datetime import timedelta

from botocore.config import Config
from botocore.exceptions import ClientError
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from tessera.core import aws, clock
from tessera.core.dynamo import refused
from tessera.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.observability import count, logger
from tessera.core.settings import CoreSettings, get_settings
from tessera.workspaces import images, repository
from tessera.workspaces.models import AssetConfirm, AssetUpload, AssetUploadRequest, UploadForm, WidgetView
from tessera.workspaces.records import WidgetAssetRecord
from tessera.workspaces.service import (
    Actor,
    _active,
    _base_url,
    _version_conflict,
    _widget,
    _writable,
    commit_with_audit,
    widget_view,
)
from tessera.workspaces.settings import WorkspacesSettings

register({
    "widget-asset-too-large": {"ru": "Файл больше {max_mb} МБ.", "en": "The file is larger than {max_mb} MB."},
    "widget-assets-quota": {
        "ru": "Изображения виджета занимают {used_mb} из {quota_mb} МБ: удалите или замените лишние.",
        "en": "The widget's images take {used_mb} of {quota_mb} MB: replace or remove some."},
    "widget-asset-unknown": {"ru": "Такой загрузки нет.", "en": "No such upload."},
    "widget-asset-not-uploaded": {"ru": "Файл ещё не загружен: загрузите его по выданной ссылке и повторите.",
                                  "en": "The file has not arrived yet: upload it with the given form and try again."},
    "widget-asset-invalid": {
        "ru": "Это не подходящее изображение ({reason}): PNG, JPEG или WebP от 16 до 4096 точек по стороне.",
        "en": "Not an acceptable image ({reason}): PNG, JPEG or WebP, 16 to 4096 px a side."},
})

UPLOAD_SECONDS = 15 * 60
CACHE_CONTROL = "public, max-age=31536000, immutable"  # every upload has a key of its own
URL_FIELD = {"logo": "logo_url", "avatar": "avatar_url"}


def _regional_endpoint() -> str | None:
    """The regional endpoint (a presigned POST to it needs no redirect), unless one is configured."""
    if os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"):
        return None
    return f"https://s3.{get_settings(CoreSettings).region}.amazonaws.com"


s3 = aws.client("s3", endpoint_url=_regional_endpoint(), config=Config(signature_version="s3v4"))


def _settings() -> WorkspacesSettings:
    return get_settings(WorkspacesSettings)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _too_large(max_size: int) -> ValidationFailed:
    return ValidationFailed(f"The file is larger than {_mb(max_size)} MB.", code="widget-asset-too-large",
                            max_mb=_mb(max_size),
                            errors=[FieldError("body.size", f"at most {max_size} bytes", "widget-asset-too-large")])


def _delete_object(key: str) -> None:
    try:
        s3.delete_object(Bucket=_settings().widget_bucket, Key=key)
    except ClientError:  # the record is right already; an object left behind is only storage
        logger.exception("widget asset not deleted", extra={"key": key})


def _sweep_expired(workspace_id: str) -> None:
    now = clock.now()
    for asset in repository.assets_of(workspace_id):
        if asset.state == "pending" and asset.upload_expires_at < now:
            _delete_object(asset.key)
            repository.release_asset(asset)


def start_upload(org_id: str, workspace_id: str, command: AssetUploadRequest, actor: Actor) -> AssetUpload:
    _writable(org_id)
    workspace = _active(org_id, workspace_id)
    settings = _settings()
    if command.size > settings.asset_max_bytes:
        raise _too_large(settings.asset_max_bytes)
    _sweep_expired(workspace_id)
    asset_id = new_id("img")
    key = f"widgets/{workspace.widget_id}/assets/{asset_id}.{images.EXTENSIONS[command.content_type]}"
    now = clock.now()
    expires_at = now + timedelta(seconds=UPLOAD_SECONDS)
    asset = WidgetAssetRecord(pk=f"WS#{workspace_id}", sk=f"ASSET#{asset_id}", asset_id=asset_id, kind=command.kind,
                              state="pending", key=key, url=f"{_base_url()}/{key}", content_type=command.content_type,
                              size=command.size, upload_expires_at=expires_at, created_at=now,
                              created_by=actor.user_id)
    quota = settings.assets_quota_bytes
    if not repository.reserve_asset(asset, quota):
        used = repository.used_asset_bytes(workspace_id)
        raise Conflict(f"The widget's images take {_mb(used)} of {_mb(quota)} MB.", code="widget-assets-quota",
                       used_mb=_mb(used), quota_mb=_mb(quota), used_bytes=used, quota_bytes=quota)
    post = s3.generate_presigned_post(
        Bucket=settings.widget_bucket, Key=key,
        Fields={"Content-Type": command.content_type, "Cache-Control": CACHE_CONTROL},
        Conditions=[{"Content-Type": command.content_type}, {"Cache-Control": CACHE_CONTROL},
                    ["content-length-range", 1, command.size]],
        ExpiresIn=UPLOAD_SECONDS)
    return AssetUpload(asset_id=asset_id, kind=command.kind, url=asset.url,
                       upload=UploadForm(url=post["url"], fields=post["fields"], expires_at=expires_at,
                                         max_size=command.size),
                       used_bytes=repository.used_asset_bytes(workspace_id), quota_bytes=quota)


def _refuse(asset: WidgetAssetRecord, problem: Exception) -> Exception:
    """The upload is gone for good: it must be started again."""
    _delete_object(asset.key)
    repository.release_asset(asset)
    count("widget_asset_refused")
    return problem


def confirm_upload(org_id: str, workspace_id: str, asset_id: str, command: AssetConfirm,
                   actor: Actor) -> WidgetView:
    _writable(org_id)
    _active(org_id, workspace_id)
    asset = repository.find_asset(workspace_id, asset_id)
    if asset is None:
        raise NotFound("No such upload.", code="widget-asset-unknown")
    widget = _widget(workspace_id)
    field = URL_FIELD[asset.kind]
    if asset.state == "current":  # confirmed already
        return widget_view(widget)
    if command.version != widget.version:
        raise _version_conflict(int(widget.version))
    try:
        stored = s3.get_object(Bucket=_settings().widget_bucket, Key=asset.key, Range=f"bytes=0-{int(asset.size)}")
    except s3.exceptions.NoSuchKey:
        raise Conflict("The file has not arrived yet.", code="widget-asset-not-uploaded") from None
    # One byte past the declared size is asked for: S3's policy refuses a bigger file, this catches a
    # store that does not enforce it
    data = stored["Body"].read()
    if len(data) > int(asset.size):
        raise _refuse(asset, _too_large(int(asset.size)))
    try:
        info = images.inspect(data, asset.content_type)
    except images.NotAnImage as error:
        raise _refuse(asset, ValidationFailed("Not an acceptable image.", code="widget-asset-invalid",
                                              reason=error.reason,
                                              errors=[FieldError("body", error.reason, "widget-asset-invalid")])
                      ) from None
    asset.width, asset.height = info.width, info.height
    replaced = next((a for a in repository.assets_of(workspace_id) if a.kind == asset.kind and a.state == "current"),
                    None)
    before = {"version": int(widget.version), field: widget.settings.get(field)}
    expected = int(widget.version)
    now = clock.now()
    widget.settings = {**widget.settings, field: asset.url}
    widget.version, widget.updated_at, widget.updated_by = expected + 1, now, actor.user_id
    version = repository.version_item(workspace_id, int(widget.version), widget.settings, now, actor.user_id)

    def writes(tx: TransactWrite) -> None:
        repository.add_widget_save(tx, widget, expected, version, None)
        repository.add_asset_current(tx, asset, len(data), replaced)

    try:
        commit_with_audit(writes, actor, "widget.asset", "widget", widget.widget_id, org_id, before,
                          {"version": int(widget.version), field: asset.url, "bytes": len(data)})
    except TransactWriteError as error:
        if refused(error, widget):
            raise _version_conflict(int(_widget(workspace_id).version)) from None
        raise
    if replaced is not None:
        _delete_object(replaced.key)
    count("widget_asset_stored")
    logger.info("widget asset stored", extra={"workspace_id": workspace_id, "asset_id": asset_id,
                                              "kind": asset.kind, "bytes": len(data)})
    return widget_view(widget)
