"""/api/agent/*: an installation's agent, authenticated by its installation key (tessera.deploys.agent)."""

from typing import Annotated, Any

from tessera.core.http import Path, Router, public
from tessera.deploys import agent
from tessera.deploys.models import AgentCommandAnswer, CommandResult, CommandResultAnswer

router = Router()


def _caller() -> agent.Caller:
    return caller_of(router.current_event)


def caller_of(event: Any) -> agent.Caller:
    """The installation that signed this request (401 otherwise)."""
    headers = event.headers or {}
    return agent.authenticate(headers.get("x-tessera-certificate"), headers.get("x-tessera-signature"),
                              event.request_context.http.method, event.raw_path,
                              (event.decoded_body or "").encode())


@router.get("/api/agent/commands", summary="The installation's next command, if any (signed by the installation)",
            tags=["installation"])
@public
def next_command() -> AgentCommandAnswer:
    return agent.next_command(_caller())


@router.post("/api/agent/commands/<command_id>/result",
             summary="How a command went; ends the deploy step waiting on it (signed by the installation)",
             tags=["installation"])
@public
def command_result(command_id: Annotated[str, Path(pattern=r"^cmd_[0-9A-HJKMNP-TV-Z]{26}_[a-z]{4,12}$")],
                   body: CommandResult) -> CommandResultAnswer:
    return agent.report(_caller(), command_id, body)
