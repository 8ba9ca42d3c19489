"""The installation side of Tessera licensing: offline verification of license files, activation,
status checks and signed heartbeats, with an offline grace window and rollback/clock defences."""

from tessera_agent.agent import Agent, PortalUnavailable
from tessera_agent.license import LicenseError, LicenseInfo, verify_token
from tessera_agent.state import State

__all__ = ["Agent", "LicenseError", "LicenseInfo", "PortalUnavailable", "State", "verify_token"]
