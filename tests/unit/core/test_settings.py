from typing import Literal

import pytest
from pydantic import Field

from tessera.core.settings import CoreSettings, SettingsError, get_settings


class LicensingSettings(CoreSettings):
    licenses_table: str = Field(validation_alias="LICENSES_TABLE")
    mode: Literal["a", "b"] = Field("a", validation_alias="LICENSING_MODE")


def test_settings_read_env_and_fail_with_the_variable_name(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
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
    get_settings.cache_clear()

