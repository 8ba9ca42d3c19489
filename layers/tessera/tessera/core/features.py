"""Feature flags (seed 004, "Включение через feature flag"): the analytics dashboard, the onboarding
wizard and billing, each switchable without a deploy. The dashboard is on for everyone; its rollback (seed
004, "Откат": close access) is `"default": false`, and its rule then keeps it for the organizations listed
(a closed beta). Powertools Feature Flags evaluates them; its schema (`feature_flags.json` here, the
defaults) is stored:

- on AWS in AppConfig (`FeatureFlagsApplication` in template.yaml, read through AppConfig's data plane
  with Powertools' `AppConfigStore`, cached `max_age` seconds per container);
- in tests (`FEATURE_FLAGS_STORE=ssm`, the default) and on the local cloud (its functions reach AWS
  through `AWS_ENDPOINT_URL`, i.e. moto) in an SSM parameter with the same JSON: moto implements
  AppConfig's control plane but not `appconfigdata` (StartConfigurationSession, GetLatestConfiguration),
  which `AppConfigStore` needs. A missing parameter means the defaults.

A store that cannot be read (throttled, a broken document) never breaks a page: the defaults answer and
the failure is logged."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from typing import Any, Literal

from aws_lambda_powertools.utilities.feature_flags import AppConfigStore, FeatureFlags
from aws_lambda_powertools.utilities.feature_flags.base import StoreProvider
from aws_lambda_powertools.utilities.feature_flags.exceptions import ConfigurationStoreError, SchemaValidationError
from aws_lambda_powertools.utilities.parameters import SSMProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from pydantic import Field

from tessera.core import aws
from tessera.core.observability import logger
from tessera.core.settings import CoreSettings, get_settings

FLAGS = ("dashboard", "onboarding", "billing")


class FeatureSettings(CoreSettings):
    store: Literal["appconfig", "ssm"] = Field("ssm", alias="FEATURE_FLAGS_STORE")
    application: str = Field("tessera", alias="FEATURE_FLAGS_APPLICATION", description="AppConfig application")
    environment: str = Field("dev", alias="FEATURE_FLAGS_ENVIRONMENT", description="AppConfig environment")
    profile: str = Field("feature-flags", alias="FEATURE_FLAGS_PROFILE", description="AppConfig configuration profile")
    parameter: str = Field("/tessera/feature-flags", alias="FEATURE_FLAGS_PARAMETER",
                           description="the SSM parameter read instead where AppConfig's data plane is missing")
    max_age: int = Field(60, alias="FEATURE_FLAGS_MAX_AGE", ge=0, description="seconds a read schema is kept")


@cache
def default_schema() -> dict[str, Any]:
    text = resources.files("tessera.core").joinpath("feature_flags.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


class ParameterStore(StoreProvider):
    """The flags' JSON from an SSM parameter (Powertools' parameters cache), the defaults if it is missing."""

    def __init__(self, name: str, max_age: int) -> None:
        self.name, self.max_age = name, max_age
        self.provider = SSMProvider(boto3_client=aws.client("ssm"))

    @property
    def get_raw_configuration(self) -> dict[str, Any]:
        try:
            value = self.provider.get(self.name, transform="json", max_age=self.max_age)
        except GetParameterError as error:
            if "ParameterNotFound" in str(error):
                return default_schema()
            raise ConfigurationStoreError(f"feature flags parameter {self.name}: {error}") from error
        if not isinstance(value, dict):
            raise ConfigurationStoreError(f"feature flags parameter {self.name}: not a JSON object")
        return value

    def get_configuration(self) -> dict[str, Any]:
        return self.get_raw_configuration


@cache
def flags() -> FeatureFlags:
    settings = get_settings(FeatureSettings)
    store: StoreProvider
    if settings.store == "appconfig" and not os.environ.get("AWS_ENDPOINT_URL"):
        store = AppConfigStore(environment=settings.environment, application=settings.application,
                               name=settings.profile, max_age=settings.max_age)
    else:
        store = ParameterStore(settings.parameter, settings.max_age)
    return FeatureFlags(store=store)


def evaluate_all(context: dict[str, Any]) -> dict[str, bool]:
    """Every flag for `context` (`org_id`, `plan`); the defaults when the store cannot be read."""
    try:
        return {name: bool(flags().evaluate(name=name, context=context, default=default_schema()[name]["default"]))
                for name in FLAGS}
    except (ConfigurationStoreError, SchemaValidationError):
        logger.exception("feature flags unreadable: the defaults answer")
        return {name: bool(default_schema()[name]["default"]) for name in FLAGS}


def forget() -> None:
    """Tests: read the store afresh."""
    flags.cache_clear()
