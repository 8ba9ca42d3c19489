from typing import Literal

import pytest
from pydantic import Field

from tessera.core.events import DomainEvent, EventBus
from tessera.core.settings import CoreSettings, SettingsError, get_settings, reset_settings_cache


class LicensingSettings(CoreSettings):
    licenses_table: str = Field(validation_alias="LICENSES_TABLE")
    mode: Literal["a", "b"] = Field("a", validation_alias="LICENSING_MODE")


def test_settings_read_env_and_fail_with_the_variable_name(monkeypatch: pytest.MonkeyPatch) -> None:
    reset_settings_cache()
    monkeypatch.delenv("LICENSES_TABLE", raising=False)
    with pytest.raises(SettingsError, match="LICENSES_TABLE"):
        get_settings(LicensingSettings)
    monkeypatch.setenv("LICENSES_TABLE", "tessera-licenses")
    monkeypatch.setenv("LICENSING_MODE", "c")
    with pytest.raises(SettingsError, match="LICENSING_MODE"):
        get_settings(LicensingSettings)
    monkeypatch.setenv("LICENSING_MODE", "b")
    settings = get_settings(LicensingSettings)
    assert settings.licenses_table == "tessera-licenses" and settings.stage == "test"
    assert get_settings(LicensingSettings) is settings
    reset_settings_cache()


def test_events_are_delivered_only_after_success() -> None:
    bus = EventBus()
    seen: list[str] = []
    bus.subscribe("user.registered", lambda e: seen.append(e.type))
    bus.subscribe("*", lambda e: seen.append("any:" + e.type))
    with pytest.raises(RuntimeError), bus.collect():
        bus.publish(DomainEvent(type="user.registered"))
        raise RuntimeError("the change failed")
    assert seen == []
    with bus.collect() as events:
        bus.publish(DomainEvent(type="user.registered", subject="usr_1"))
        assert seen == [] and len(events) == 1
    assert seen == ["user.registered", "any:user.registered"]


def test_nested_collect_defers_to_the_outer_block() -> None:
    bus = EventBus()
    seen: list[str] = []
    bus.subscribe("x", lambda e: seen.append(e.id))
    with pytest.raises(ValueError), bus.collect():
        with bus.collect():
            bus.publish(DomainEvent(type="x"))
        raise ValueError
    assert seen == []
    bus.publish(DomainEvent(type="x"))
    assert len(seen) == 1
