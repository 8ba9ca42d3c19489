from __future__ import annotations

from pydantic import Field

from tessera.core.settings import CoreSettings


class IdentitySettings(CoreSettings):
    identity_table: str = Field(alias="IDENTITY_TABLE")
    jwt_secret_arn: str = Field(alias="JWT_SECRET_ARN")

    @property
    def cookie_secure(self) -> bool:
        # The local cloud serves plain http on 127.0.0.1; everywhere else is https behind CloudFront.
        return self.stage not in ("local", "test")
