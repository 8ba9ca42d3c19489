"""Settings from environment variables, validated once per process.

Each context subclasses `CoreSettings` with its own table names and keys; `get_settings(Model)` is
cached per class. A missing or invalid variable fails at cold start with its name in the message.

A plain pydantic model fed from `os.environ` by each field's alias: pydantic-settings would do the same
and cost ~50 ms of cold import for sources (dotenv, secrets dirs, cloud providers) we never use."""

from __future__ import annotations

import os
from functools import cache
from typing import Literal, TypeVar

from pydantic import ConfigDict, Field, ValidationError

from tessera.core.models import Model


class SettingsError(RuntimeError):
    pass


class CoreSettings(Model):
    model_config = ConfigDict(extra="ignore", frozen=True)

    service_name: str = Field("tessera", validation_alias="POWERTOOLS_SERVICE_NAME")
    stage: Literal["local", "dev", "prod", "test"] = Field("local", validation_alias="TESSERA_STAGE")
    version: str = Field("0.0.0", validation_alias="TESSERA_VERSION")
    commit: str = Field("unknown", validation_alias="TESSERA_COMMIT")
    region: str = Field("eu-central-1", validation_alias="AWS_REGION")
    idempotency_table: str | None = Field(None, validation_alias="IDEMPOTENCY_TABLE")
    data_key_id: str | None = Field(None, validation_alias="DATA_KEY_ID")
    license_signing_key_id: str | None = Field(None, validation_alias="LICENSE_SIGNING_KEY_ID")
    ses_sender: str | None = Field(None, validation_alias="SES_SENDER")
    web_base_url: str = Field("http://127.0.0.1:8080", validation_alias="WEB_BASE_URL")


S = TypeVar("S", bound=CoreSettings)


def _from_environment(model: type[CoreSettings]) -> dict[str, str]:
    names = (field.validation_alias for field in model.model_fields.values())
    return {name: os.environ[name] for name in names if isinstance(name, str) and name in os.environ}


@cache
def get_settings[S: CoreSettings](model: type[S] = CoreSettings) -> S:  # type: ignore[assignment]
    try:
        return model.model_validate(_from_environment(model))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise SettingsError(f"invalid environment for {model.__name__}: {problems}") from None


def reset_settings_cache() -> None:
    get_settings.cache_clear()


def web_url(path: str) -> str:
    """An absolute link into the web app (for e-mails): the platform's public URL and `path`."""
    return get_settings(CoreSettings).web_base_url.rstrip("/") + path
