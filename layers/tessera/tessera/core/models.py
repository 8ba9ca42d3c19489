"""The base of every pydantic model in tessera."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Validation and serialization schemas are built on a model's first use, not at import: a function
    serving twenty routes pays at cold start only for the models its request touches."""

    model_config = ConfigDict(defer_build=True)
