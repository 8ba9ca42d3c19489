"""What the audit functions read from their environment (template.yaml declares it per function)."""

from __future__ import annotations

from pydantic import Field

from tessera.core.settings import CoreSettings


class AuditSettings(CoreSettings):
    audit_table: str = Field(validation_alias="AUDIT_TABLE")
    # each only where a function needs it: the verification queue (console API, worker), the
    # checkpoint bucket and the audit signing key (checkpoint job, worker)
    verify_queue_url: str | None = Field(None, validation_alias="AUDIT_VERIFY_QUEUE_URL")
    checkpoint_bucket: str | None = Field(None, validation_alias="AUDIT_CHECKPOINT_BUCKET")
    signing_key_id: str | None = Field(None, validation_alias="AUDIT_SIGNING_KEY_ID")
