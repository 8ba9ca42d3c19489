"""Commands and views of licensing."""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from tessera.catalog.models import Limit, LimitName
from tessera.core.i18n import register_fields

register_fields({
    "version_invalid": {"ru": "Версия в виде MAJOR.MINOR или MAJOR.MINOR.PATCH.",
                        "en": "A version is MAJOR.MINOR or MAJOR.MINOR.PATCH."},
    "hostname_invalid": {"ru": "Нужно имя хоста, например budget.customer.ru.",
                         "en": "A host name, e.g. budget.customer.ru."},
    "license_dates_invalid": {"ru": "Дата окончания должна быть позже даты начала.",
                              "en": "The last day must be after the first."},
    "version_range_invalid": {"ru": "Максимальная версия не может быть ниже минимальной.",
                              "en": "The highest version must not be below the lowest."},
})

SEMVER = re.compile(r"^\d+\.\d+(\.\d+)?$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")

# Stable machine-readable answers of the installation API (see docs/problems.md for the HTTP ones).
StatusCode = Literal["VALID", "NOT_YET_VALID", "IN_GRACE", "EXPIRED", "SUSPENDED", "REVOKED", "UNKNOWN_LICENSE"]


def _version(value: str) -> str:
    if not SEMVER.match(value):
        raise PydanticCustomError("version_invalid", "A version is MAJOR.MINOR or MAJOR.MINOR.PATCH.")
    return value


def _hostname(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    if not HOSTNAME.match(value):
        raise PydanticCustomError("hostname_invalid", "A host name, e.g. budget.customer.ru.")
    return value


Version = Annotated[str, AfterValidator(_version)]
Hostname = Annotated[str, AfterValidator(_hostname)]


def version_key(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.split("."))


class LicenseTerms(BaseModel):
    """What a license grants; the wizard's steps, validated together."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    plan: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    modules: list[str] | None = Field(None, description="omitted: the plan's modules")
    limits: dict[LimitName, Limit] | None = Field(None, description="omitted: the plan's limits; given: overrides")
    starts_on: date
    ends_on: date
    grace_days: int = Field(14, ge=0, le=90)
    domain: Hostname
    version_min: Version = "1.0"
    version_max: Version | None = None
    mandatory_updates: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> "LicenseTerms":
        if self.ends_on <= self.starts_on:
            raise PydanticCustomError("license_dates_invalid", "The last day must be after the first.")
        if self.version_max and version_key(self.version_max) < version_key(self.version_min):
            raise PydanticCustomError("version_range_invalid", "The highest version must not be below the lowest.")
        return self


class LicenseRequest(LicenseTerms):
    org_id: str = Field(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")
    product: str = Field("itbm", pattern=r"^[a-z][a-z0-9_]{1,39}$")


class RenewRequest(LicenseTerms):
    reason: str = Field("renewal", min_length=3, max_length=300)


class RevokeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    license_id: str = Field(pattern=r"^lic_[0-9A-HJKMNP-TV-Z]{26}$")
    reason: str = Field(min_length=3, max_length=500)


class ReasonRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=500)


class LicenseView(BaseModel):
    id: str
    org_id: str
    product: str
    plan: str
    modules: list[str]
    limits: dict[str, Limit]
    starts_on: date
    ends_on: date
    grace_days: int
    domain: str
    version_min: str
    version_max: str | None
    mandatory_updates: bool
    status: Literal["active", "suspended", "revoked"]
    state: StatusCode
    version: int
    key_hint: str
    created_at: datetime
    revoked_reason: str | None = None
    payment_status: Literal["paid", "awaiting", "overdue"] | None = Field(
        None, description="None: the license's payment is not tracked (accounts sets payment terms)")


class ExpiringLicense(BaseModel):
    """A license for the expiry notices: its terms and when its newest version was signed."""

    license: LicenseView
    version_issued_at: datetime


class IssuedLicense(BaseModel):
    license: LicenseView
    license_key: str = Field(description="shown once: only its SHA-256 is stored")
    token: str


class LicenseKey(BaseModel):
    """The key an installation activates with (GET …/licenses/{id}/key): a secret, shown on demand and audited."""

    license_key: str
    key_hint: str


class ReissuedKey(BaseModel):
    license: LicenseView
    license_key: str = Field(description="the new key, shown here once to staff; the customer sees it in the app "
                                         "and in the license e-mail. The previous key activates nothing from now on")


class LicensePage(BaseModel):
    items: list[LicenseView]
    next_cursor: str | None


LicenseState = Literal["VALID", "NOT_YET_VALID", "IN_GRACE", "EXPIRED", "SUSPENDED", "REVOKED"]


class LicenseFilters(BaseModel):
    """The console list's filters (query parameters); all optional, combined with AND."""

    org_id: str | None = None
    status: Literal["active", "suspended", "revoked"] | None = None
    state: LicenseState | None = None
    plan: str | None = None
    expires_before: date | None = Field(None, description="the last day is before this date")
    q: str | None = Field(None, description="a license id (or part of one), a customer's name (part of it) or ИНН")


class LicenseListItem(LicenseView):
    customer_name: str | None = Field(description="the customer's current name (None: no such customer any more)")


class LicenseListPage(BaseModel):
    """The console's license list: newest first, each with its customer's name."""

    items: list[LicenseListItem]
    next_cursor: str | None = Field(description="more may follow (the page can be short when filters skip many)")


class VersionView(BaseModel):
    version: int
    created_at: datetime
    created_by: str
    reason: str
    checksum: str
    claims: dict[str, Any]
    diff: dict[str, list[Any]]


class LicenseDetail(BaseModel):
    license: LicenseView
    versions: list[VersionView]


class StatusAnswer(BaseModel):
    """GET /api/licenses/{license_key}: what an installation learns at each check."""

    valid: bool
    code: StatusCode
    detail: str
    license_id: str | None = None
    modules: list[str] = Field(default_factory=list)
    limits: dict[str, Limit] = Field(default_factory=dict)
    expires_at: datetime | None = None
    grace_until: datetime | None = None
    version: int | None = None
    token: str | None = None
    key_reissued: bool = Field(False, description="this key was replaced by a new one: it still answers status "
                                                  "checks, but activates nothing; enter the new key")
    server_time: datetime


class InstallationKey(BaseModel):
    """The installation's own P-256 public key (JWK); its heartbeats are signed with the private half."""

    model_config = ConfigDict(extra="ignore")

    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: str = Field(min_length=40, max_length=50)
    y: str = Field(min_length=40, max_length=50)


class ActivateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    license_key: str = Field(min_length=10, max_length=64)
    fingerprint: str = Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$",
                             description="a stable id of this server, e.g. SHA-256 of its machine id")
    public_key: InstallationKey
    software_version: Version
    domain: Hostname
    active_modules: list[str] = Field(default_factory=list, max_length=50)


class ActivateAnswer(BaseModel):
    activated: bool
    code: StatusCode | Literal["DOMAIN_MISMATCH", "VERSION_NOT_ALLOWED", "KEY_MISMATCH", "PAYMENT_OVERDUE",
                               "KEY_REISSUED"]
    detail: str
    installation_id: str | None = None
    modules: list[str] = Field(default_factory=list)
    limits: dict[str, Limit] = Field(default_factory=dict)
    version: int | None = None
    token: str | None = None
    certificate: str | None = Field(None, description="JWS by the license key binding the installation's key")
    server_time: datetime


class HeartbeatRequest(BaseModel):
    """Both parts are compact JWS: the heartbeat, signed by the installation's own key, and the
    installation certificate from the activation, which binds that key to the license."""

    model_config = ConfigDict(extra="forbid")

    heartbeat: str = Field(min_length=20, max_length=20_000)
    certificate: str = Field(min_length=20, max_length=8_000)


MAX_USAGE = 1_000_000_000
# A count: a JSON integer (not 5.0, not true) from 0 to a billion.
UsageValue = Annotated[int, Field(strict=True, ge=0, le=MAX_USAGE)]


class HeartbeatReport(BaseModel):
    """The heartbeat's signed payload."""

    model_config = ConfigDict(extra="ignore")

    lic: str = Field(pattern=r"^lic_[0-9A-HJKMNP-TV-Z]{26}$")
    ins: str = Field(pattern=r"^ins_[A-Z2-7]{26}$")
    seq: int = Field(ge=1, description="increases with every heartbeat of this installation")
    sent_at: int
    software_version: Version
    active_modules: list[str] = Field(default_factory=list, max_length=50)
    usage: dict[LimitName, UsageValue] = Field(default_factory=dict, description="what is in use, per limit")
    errors: list[str] = Field(default_factory=list, max_length=20)
    seen_version: int = Field(0, ge=0, description="the newest license version this installation holds")


HeartbeatCode = Literal["ACCEPTED", "BAD_SIGNATURE", "BAD_CERTIFICATE", "FOREIGN_KEY", "CLOCK_SKEW", "REPLAY",
                        "INVALID_USAGE", "INVALID_REPORT"]


class ReportError(BaseModel):
    """What is wrong in a correctly signed heartbeat (INVALID_USAGE, INVALID_REPORT)."""

    loc: str = Field(description='the field, e.g. "usage.users"')
    msg: str


class HeartbeatAnswer(BaseModel):
    accepted: bool
    code: HeartbeatCode
    detail: str
    errors: list[ReportError] = Field(default_factory=list)
    receipt: str | None = Field(None, description="JWS by the response key: server time, license state, updates")
    signing_certificate: str | None = Field(None, description="the response key's certificate, by the KMS key")
    server_time: datetime


class LimitViolation(BaseModel):
    limit: str
    used: int
    value: int
    mode: Literal["hard", "soft", "advisory"]
    allowed_up_to: int  # value, or value × overage ratio for soft limits
    over: bool  # beyond what the mode allows (hard: the value; soft: the overage)
    threshold: int  # the highest alert threshold (percent) reached


class ActivationView(BaseModel):
    installation_id: str
    fingerprint: str
    software_version: str
    domain: str
    server_ip: str | None
    active_modules: list[str]
    usage: dict[str, int]
    activated_at: datetime
    last_seen_at: datetime
    heartbeats: int = 0  # distinct heartbeats recorded, each once
    state: Literal["active", "stale", "inactive"]
    behind_latest: bool  # runs an older product version than the newest release
    violations: list[LimitViolation]


class ActivationList(BaseModel):
    items: list[ActivationView]
    latest_version: str
    clone_suspected: bool  # several servers heartbeat with one license at once
