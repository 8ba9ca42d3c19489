from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Scope = Literal["read", "write"]


class GrantRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    org_id: str = Field(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")
    grantee_id: str | None = Field(None, pattern=r"^usr_[0-9A-HJKMNP-TV-Z]{26}$",
                                   description="the staff user; omitted = yourself (support's self-grant)")
    reason: str = Field(min_length=3, max_length=500, description="why: the ticket id and a few words")
    scope: Scope = "read"
    expires_at: datetime


class GrantView(BaseModel):
    id: str
    org_id: str
    grantee_id: str
    grantee_email: str
    granted_by: str
    reason: str
    scope: Scope
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool


class GrantPage(BaseModel):
    items: list[GrantView]
    next_cursor: str | None


class StaffAccessView(BaseModel):
    at: datetime
    staff: str
    action: str
    reason: str | None


class StaffAccessPage(BaseModel):
    items: list[StaffAccessView]
    next_cursor: str | None
