"""Commands and views at the identity API boundary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tessera.core.validation import Email
from tessera.identity.roles import CustomerRole, StaffRole

Language = Literal["ru", "en"]
Audience = Literal["console", "app"]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterRequest(Command):
    email: Email
    password: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=100)
    company: str | None = Field(None, max_length=200)
    locale: Language = "ru"


class TokenRequest(Command):
    token: str = Field(min_length=10, max_length=200)


Delivery = Literal["cookie", "bearer"]  # browsers get httpOnly cookies; API clients ask for bearer tokens


class LoginRequest(Command):
    email: Email
    password: str = Field(min_length=1, max_length=200)
    audience: Audience = "app"
    delivery: Delivery = "cookie"


class MfaLoginRequest(Command):
    mfa_token: str = Field(min_length=10, max_length=4096)
    code: str | None = Field(None, max_length=12)
    recovery_code: str | None = Field(None, max_length=20)
    delivery: Delivery = "cookie"


class RefreshRequest(Command):
    refresh_token: str | None = Field(None, max_length=300)


class ForgotRequest(Command):
    email: Email


class ResetRequest(Command):
    token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=1, max_length=200)


class SwitchRequest(Command):
    org_id: str = Field(min_length=4, max_length=40)


class CodeRequest(Command):
    code: str = Field(min_length=6, max_length=12)
    mfa_token: str | None = Field(None, max_length=4096)  # enrolment during a staff admin's first sign-in


class DisableMfaRequest(Command):
    password: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=6, max_length=12)


class EnrollRequest(Command):
    mfa_token: str | None = Field(None, max_length=4096)


class AcceptInviteRequest(Command):
    name: str | None = Field(None, max_length=100)
    password: str | None = Field(None, min_length=1, max_length=200,
                                 description="a new user's password, or an existing user's (unless signed in as them)")
    delivery: Delivery = "cookie"


class ProfileUpdate(Command):
    name: str | None = Field(None, min_length=1, max_length=100)
    locale: Language | None = None


# At least one role; duplicates dropped, sorted, so the audit diff shows only real changes.
StaffRoles = Annotated[list[StaffRole], Field(min_length=1), AfterValidator(lambda roles: sorted(set(roles)))]


class StaffInvite(Command):
    email: Email
    name: str = Field("", max_length=100)
    roles: StaffRoles


class StaffUpdate(Command):
    roles: StaffRoles


class TeamInvite(Command):
    email: Email
    role: CustomerRole


class TeamUpdate(Command):
    role: CustomerRole


# --- views -------------------------------------------------------------------------------------------

class UserView(BaseModel):
    id: str
    email: str
    name: str
    locale: Language
    kind: Literal["staff", "customer"]
    mfa_enabled: bool


class MembershipView(BaseModel):
    org_id: str
    org_name: str
    role: CustomerRole


class CurrentView(BaseModel):
    org_id: str | None


class MeView(BaseModel):
    user: UserView
    roles: list[str]
    memberships: list[MembershipView]
    current: CurrentView
    access_expires_in: int | None = None  # seconds until the access token ends: when to refresh it


class LoginAnswer(BaseModel):
    status: Literal["ok", "mfa_required", "mfa_enrolment_required"]
    user: UserView | None = None
    csrf_token: str | None = None
    expires_in: int | None = None
    mfa_token: str | None = None
    # Only for API clients that asked for bearer tokens (no cookies).
    access_token: str | None = None
    refresh_token: str | None = None
    recovery_codes: list[str] | None = None


class RegisterAnswer(BaseModel):
    user_id: str
    status: Literal["pending_confirmation"]


class AuthStepAnswer(BaseModel):
    status: str


class RefreshAnswer(BaseModel):
    expires_in: int
    csrf_token: str | None = None
    access_token: str | None = None
    refresh_token: str | None = None


class EnrollAnswer(BaseModel):
    secret: str
    otpauth_uri: str


class RecoveryCodesAnswer(BaseModel):
    recovery_codes: list[str]


class SessionView(BaseModel):
    id: str
    created_at: datetime
    last_used_at: datetime
    ip: str | None
    user_agent: str | None
    audience: Audience
    current: bool


class SessionList(BaseModel):
    items: list[SessionView]


class InviteView(BaseModel):
    email: str
    kind: Literal["staff", "customer"]
    org_name: str | None
    role: str
    expires_at: datetime
    existing_user: bool


class StaffView(BaseModel):
    id: str
    email: str
    name: str
    roles: list[StaffRole]
    status: Literal["invited", "active", "deactivated"]
    mfa_enabled: bool
    created_at: datetime
    last_login_at: datetime | None


class StaffPage(BaseModel):
    items: list[StaffView]
    next_cursor: str | None


class MemberView(BaseModel):
    id: str
    email: str
    user_id: str | None
    name: str
    role: CustomerRole
    status: Literal["invited", "active"]
    created_at: datetime


class MemberPage(BaseModel):
    items: list[MemberView]
    next_cursor: str | None
