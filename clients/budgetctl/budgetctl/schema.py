"""The JSON Schema of each file kind of a `deployments` repository, generated from the models. The
copies in budgetctl/schema/ are published with the package (a test keeps them equal to the models) for
editors and for checks that do not run budgetctl."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from budgetctl.models import Client, Environment, SecretsFile

PUBLISHED = Path(__file__).parent / "schema"
KINDS: dict[str, type[BaseModel]] = {"client": Client, "environment": Environment, "secrets": SecretsFile}


def generate() -> dict[str, dict[str, Any]]:
    """File name → schema."""
    documents = {}
    for kind, model in KINDS.items():
        document = model.model_json_schema()
        documents[f"{kind}.schema.json"] = {"$schema": "https://json-schema.org/draft/2020-12/schema", **document}
    return documents


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in generate().items():
        (folder / name).write_text(dumps(document), encoding="utf-8")
        written.append(folder / name)
    return written
