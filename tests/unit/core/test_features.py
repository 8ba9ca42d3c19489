"""Which store the feature flags come from: AppConfig on AWS, the SSM parameter elsewhere."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aws_lambda_powertools.utilities.feature_flags import AppConfigStore
from aws_lambda_powertools.utilities.feature_flags.schema import SchemaValidator

from tessera.core import features
from tessera.core.settings import get_settings


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    features.forget()
    yield monkeypatch
    get_settings.cache_clear()
    features.forget()


def test_on_aws_the_schema_is_appconfig_s(fresh: pytest.MonkeyPatch) -> None:
    fresh.setenv("FEATURE_FLAGS_STORE", "appconfig")
    fresh.delenv("AWS_ENDPOINT_URL", raising=False)
    fresh.setenv("FEATURE_FLAGS_APPLICATION", "tessera-prod")
    fresh.setenv("FEATURE_FLAGS_ENVIRONMENT", "prod")
    store = features.flags().store
    assert isinstance(store, AppConfigStore)
    assert (store.application, store.environment, store.name) == ("tessera-prod", "prod", "feature-flags")


def test_on_the_local_cloud_appconfig_gives_way_to_the_parameter(fresh: pytest.MonkeyPatch) -> None:
    fresh.setenv("FEATURE_FLAGS_STORE", "appconfig")
    fresh.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")  # moto: no appconfigdata
    assert isinstance(features.flags().store, features.ParameterStore)


def test_elsewhere_it_is_the_ssm_parameter(fresh: pytest.MonkeyPatch) -> None:
    fresh.setenv("FEATURE_FLAGS_PARAMETER", "/tessera/local/feature-flags")
    store = features.flags().store
    assert isinstance(store, features.ParameterStore) and store.name == "/tessera/local/feature-flags"


def test_the_defaults_are_a_valid_powertools_schema_with_every_flag() -> None:
    SchemaValidator(features.default_schema()).validate()
    assert set(features.default_schema()) == set(features.FLAGS)
