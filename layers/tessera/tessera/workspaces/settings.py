"""The workspaces context's environment (template.yaml declares it)."""

from pydantic import Field

from tessera.core.settings import CoreSettings


class WorkspacesSettings(CoreSettings):
    widget_bucket: str = Field("", alias="WIDGET_CONFIG_BUCKET",
                               description="where publish writes widgets/<widget_id>/config.json (the CDN's origin)")
    config_max_age: int = Field(60, alias="WIDGET_CONFIG_MAX_AGE", ge=0, le=3600,
                                description="Cache-Control max-age of a published config, seconds")
    asset_max_bytes: int = Field(5 * 1024 * 1024, alias="WIDGET_ASSET_MAX_BYTES", ge=1024,
                                 description="the largest logo or avatar file")
    assets_quota_bytes: int = Field(100 * 1024 * 1024, alias="WIDGET_ASSETS_QUOTA_BYTES", ge=1024,
                                    description="a workspace's images: current ones and uploads not yet confirmed")


class IngestSettings(CoreSettings):
    """The public lead ingest's fences (docs/design/workspaces.md explains the numbers)."""

    ip_limit: int = Field(10, alias="LEADS_PER_IP_LIMIT", ge=1)
    ip_window_seconds: int = Field(600, alias="LEADS_PER_IP_WINDOW_SECONDS", ge=1)
    widget_limit: int = Field(120, alias="LEADS_PER_WIDGET_LIMIT", ge=1)
    widget_window_seconds: int = Field(60, alias="LEADS_PER_WIDGET_WINDOW_SECONDS", ge=1)
    min_elapsed_ms: int = Field(2000, alias="LEADS_MIN_ELAPSED_MS", ge=0,
                                description="a form sent sooner after the panel opened is a bot's")
    plan_cache_seconds: int = Field(60, alias="LEADS_PLAN_CACHE_SECONDS", ge=0)
