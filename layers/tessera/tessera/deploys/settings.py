"""Deploys' environment (template.yaml declares it)."""

from pydantic import Field

from tessera.core.settings import CoreSettings


class DeploySettings(CoreSettings):
    """The deploy machine, the starts queue and the timings each run gets in its input (production values by
    default; tests and the local cloud pass seconds)."""

    machine_arn: str = Field("", alias="DEPLOY_STATE_MACHINE_ARN")
    starts_queue_url: str = Field("", alias="DEPLOY_STARTS_QUEUE_URL")
    max_running: int = Field(10, alias="DEPLOY_MAX_RUNNING", ge=1, le=500,
                             description="deploy runs at once; a start beyond it waits in the queue")
    agent_timeout_seconds: int = Field(1800, alias="DEPLOY_AGENT_TIMEOUT_SECONDS", ge=1,
                                       description="how long a step waits for the agent's report")
    heartbeat_timeout_seconds: int = Field(900, alias="DEPLOY_HEARTBEAT_TIMEOUT_SECONDS", ge=1,
                                           description="how long the new version has to heartbeat")
    poll_interval_seconds: int = Field(30, alias="DEPLOY_POLL_INTERVAL_SECONDS", ge=1)
    staff_notices_topic_arn: str = Field("", alias="STAFF_NOTICES_TOPIC_ARN",
                                         description="releases and deploy outcomes to staff (e-mail, Slack)")
