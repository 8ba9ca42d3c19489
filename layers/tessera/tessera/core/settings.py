"""Settings from environment variables (pydantic-settings), validated once per process.

Each context subclasses `CoreSettings` with its own variables, each field's alias the variable's name
as template.yaml declares it; `get_settings(Model)` is cached per class. A missing or invalid variable
fails at cold start with its name in the message."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(RuntimeError):
    pass


class CoreSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, case_sensitive=True)

    service_name: str = Field("tessera", alias="POWERTOOLS_SERVICE_NAME")
    stage: Literal["local", "dev", "prod", "test"] = Field("local", alias="TESSERA_STAGE")
    version: str = Field("0.0.0", alias="TESSERA_VERSION")
    commit: str = Field("unknown", alias="TESSERA_COMMIT")
    region: str = Field("eu-central-1", alias="AWS_REGION")
    data_key_id: str | None = Field(None, alias="DATA_KEY_ID")
    license_signing_key_id: str | None = Field(None, alias="LICENSE_SIGNING_KEY_ID")
    ses_sender: str | None = Field(None, alias="SES_SENDER")
    web_base_url: str = Field("http://127.0.0.1:8080", alias="WEB_BASE_URL")


@cache
def get_settings[S: CoreSettings](model: type[S] = CoreSettings) -> S:  # type: ignore[assignment]
    try:
        return model()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors())
        raise SettingsError(f"invalid environment for {model.__name__}: {problems}") from None


def web_url(path: str) -> str:
    """An absolute link into the web app (for e-mails): the platform's public URL and `path`."""
    return get_settings(CoreSettings).web_base_url.rstrip("/") + path
