"""Deploys' commands and views (pydantic): what the console, the product's CI and the agent send and read."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

VERSION = r"^\d{1,4}\.\d{1,4}\.\d{1,6}$"
ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
DIGEST_IMAGE = r"^[a-z0-9][a-z0-9._/:-]{0,200}@sha256:[0-9a-f]{64}$"
MAX_OUTPUT = 8000  # characters of an agent's output kept on the run (the tail: where errors are)

Channel = Literal["stable", "beta"]
RunState = Literal["queued", "running", "succeeded", "rolled_back", "failed", "rollback_failed"]
CommandName = Literal["preflight", "backup", "deploy", "rollback"]
RunKind = Literal["deploy", "rollback", "prepare", "status", "modules_sync"]
RunSource = Literal["portal", "budgetctl"]
BudgetctlCommand = Literal["prepare", "deploy", "status", "rollback", "modules_sync"]
BudgetctlOutcome = Literal["succeeded", "failed", "rolled_back"]
MAX_REPORTED_STEPS = 100


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


class BudgetctlStep(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    step: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$", description="pull, migrate, …")
    outcome: str = Field(min_length=1, max_length=20, pattern=r"^[a-z][a-z_]*$", description="ok, failed, warn, …")
    detail: str | None = Field(None, max_length=200_000, description="what it printed; kept redacted, tail only")


class BudgetctlRunRequest(BaseModel):
    """A run of budgetctl from an engineer's machine, reported when it ends; the same run_id again is the
    same run (a retried or resent report is stored once)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    run_id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                        description="uuid4 the client generated before the run")
    license_id: str = Field(pattern=rf"^lic_{ULID}$")
    domain: str = Field(min_length=3, max_length=253, pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")
    command: BudgetctlCommand
    version: str | None = Field(None, pattern=VERSION, description="deploy: the version; rollback: --to")
    previous_version: str | None = Field(None, pattern=VERSION)
    outcome: BudgetctlOutcome
    started_at: datetime = Field(strict=False, description="ISO 8601 with the offset")
    ended_at: datetime = Field(strict=False)
    operator: str = Field(min_length=1, max_length=200, description="who ran it: user@host")
    steps: list[BudgetctlStep] = Field(max_length=MAX_REPORTED_STEPS)
    error: str | None = Field(None, max_length=20_000)

    @field_validator("started_at", "ended_at")
    @classmethod
    def _with_offset(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a UTC offset (…Z or …+03:00)")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> BudgetctlRunRequest:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        if self.command in ("deploy", "rollback") and self.version is None:
            raise ValueError(f"version is required for {self.command}")
        return self


class RunStepView(BaseModel):
    at: datetime
    step: str
    outcome: str
    detail: str | None


class DeployRunView(BaseModel):
    id: str
    kind: RunKind
    source: RunSource = Field(description="portal: the deploy machine; budgetctl: an engineer's run over SSH")
    installation_id: str | None = Field(description="None: a budgetctl run before the installation activated")
    license_id: str
    org_id: str | None
    domain: str | None = Field(description="budgetctl runs: the client's domain as its config names it")
    version: str | None
    previous_version: str | None
    reason: str
    rollback_of: str | None
    state: RunState
    requested_by: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    steps: list[RunStepView]
    error: str | None = None


class DeployRunPage(BaseModel):
    items: list[DeployRunView]
    next_cursor: str | None = None


class BudgetctlRunAnswer(BaseModel):
    run: DeployRunView
    created: bool = Field(description="False: this run_id was reported before; the stored run is answered")


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
