"""Deploys' commands and views (pydantic): what the console, the product's CI and the agent send and read."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

VERSION = r"^\d{1,4}\.\d{1,4}\.\d{1,6}$"
ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
DIGEST_IMAGE = r"^[a-z0-9][a-z0-9._/:-]{0,200}@sha256:[0-9a-f]{64}$"
MAX_OUTPUT = 8000  # characters of an agent's output kept on the run (the tail: where errors are)

Channel = Literal["stable", "beta"]
RunState = Literal["queued", "running", "succeeded", "rolled_back", "failed", "rollback_failed"]
CommandName = Literal["preflight", "backup", "deploy", "rollback"]
RunKind = Literal["deploy", "rollback"]


def version_key(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.split("."))


class ReleaseRequest(BaseModel):
    """A release as the product's CI registers it; the same version twice is the same release."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: str = Field(pattern=VERSION, description="X.Y.Z, as the product's tag vX.Y.Z without the v")
    channel: Channel
    git_sha: str = Field(pattern=r"^[0-9a-f]{7,40}$")
    changelog: str = Field(max_length=20_000)
    images: dict[str, str] = Field(min_length=1, max_length=20,
                                   description="service → image by digest: registry/backend:v1.4.0@sha256:…")

    @field_validator("images")
    @classmethod
    def _pinned(cls, images: dict[str, str]) -> dict[str, str]:
        wrong = sorted(service for service, image in images.items()
                       if not re.fullmatch(r"[a-z][a-z0-9_-]{0,40}", service) or not re.fullmatch(DIGEST_IMAGE, image))
        if wrong:
            raise ValueError(f"images must be pinned by digest (…@sha256:<64 hex>): {', '.join(wrong)}")
        return images


class ReleaseView(BaseModel):
    version: str
    channel: Channel
    git_sha: str
    changelog: str
    images: dict[str, str]
    registered_at: datetime
    registered_by: str


class ReleaseAnswer(BaseModel):
    release: ReleaseView
    created: bool = Field(description="False: this version was registered before with the same content")


class ReleasePage(BaseModel):
    items: list[ReleaseView]
    next_cursor: str | None = None


class InstallationView(BaseModel):
    id: str
    license_id: str
    org_id: str | None
    domain: str | None
    current_version: str | None = Field(description="the version its newest heartbeat reported")
    target_version: str | None = Field(description="the version the newest deploy aims at")
    last_seen_at: datetime | None = Field(description="its newest heartbeat")
    agent_seen_at: datetime
    running_run_id: str | None


class InstallationPage(BaseModel):
    items: list[InstallationView]
    next_cursor: str | None = None


class DeployRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    version: str = Field(pattern=VERSION)
    reason: str = Field(min_length=3, max_length=500)


class RollbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=500)


class RunStepView(BaseModel):
    at: datetime
    step: str
    outcome: str
    detail: str | None


class DeployRunView(BaseModel):
    id: str
    kind: RunKind
    installation_id: str
    license_id: str
    org_id: str
    version: str
    previous_version: str
    reason: str
    rollback_of: str | None
    state: RunState
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    steps: list[RunStepView]


class DeployRunPage(BaseModel):
    items: list[DeployRunView]
    next_cursor: str | None = None


class AgentCommand(BaseModel):
    id: str
    name: CommandName
    run_id: str
    args: dict[str, str]


class AgentCommandAnswer(BaseModel):
    command: AgentCommand | None = Field(description="None: nothing to do now; ask again later")


class CommandResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ok: bool
    output: str = Field("", max_length=200_000, description="the command's output; kept redacted, tail only")
    version: str | None = Field(None, pattern=VERSION, description="the version running after the command")


class CommandResultAnswer(BaseModel):
    accepted: bool
    detail: str


# --- support bundles -------------------------------------------------------------------------------

MAX_BUNDLE_BYTES = 200 * 1024 * 1024


class SupportBundleRequest(BaseModel):
    """The agent's archive, declared before it is uploaded: the presigned PUT is signed for this size."""

    model_config = ConfigDict(extra="forbid")

    size_bytes: int = Field(ge=1, le=MAX_BUNDLE_BYTES, description="the tar.gz's exact size")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="the tar.gz's SHA-256, hex")
    note: str | None = Field(None, max_length=500, description="why it was collected (a ticket, a symptom)")


class SupportBundleUpload(BaseModel):
    bundle_id: str
    upload_url: str = Field(description="presigned S3 PUT: send the archive with upload_headers")
    upload_headers: dict[str, str]
    expires_at: datetime


class BundleFile(BaseModel):
    name: str
    size: int


class SupportBundleView(BaseModel):
    id: str
    installation_id: str
    license_id: str
    size_bytes: int
    sha256: str
    note: str | None
    created_at: datetime
    uploaded: bool | None = Field(None, description="None in lists; the detail checks the object")
    sha256_matches: bool | None = None
    download_url: str | None = Field(None, description="presigned GET, short-lived; each one is audited")
    download_expires_at: datetime | None = None
    files: list[BundleFile] | None = Field(None, description="the archive's members, read from it")
    files_truncated: bool = False


class SupportBundlePage(BaseModel):
    items: list[SupportBundleView]
    next_cursor: str | None = None
