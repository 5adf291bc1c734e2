"""The reference data captured from a real Saleor (``tests/saleor_reference/``)."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

SALEOR_DIR = Path(
    os.environ.get("SALEOR_REFERENCE_DIR", Path(__file__).resolve().parents[1] / "saleor_reference")
)
SAMPLE_API_URL = "http://127.0.0.1:8000/graphql/"


@cache
def _load(path: Path) -> Any:
    return json.loads(path.read_text())


def webhook_sample(name: str) -> dict[str, Any]:
    return _load(SALEOR_DIR / "webhook-samples" / f"{name}.json")


def webhook_sample_names() -> list[str]:
    return sorted(
        p.stem for p in (SALEOR_DIR / "webhook-samples").glob("*.json") if p.stem != "APP_REGISTER"
    )


def graphql_response(name: str) -> dict[str, Any]:
    return _load(SALEOR_DIR / "graphql-responses" / f"{name}.json")


def jwks_sample() -> dict[str, Any]:
    return _load(SALEOR_DIR / "jwks-sample.json")


def schema_sdl() -> str:
    return (SALEOR_DIR / "schema.graphql").read_text()


def token_sample(name: str) -> dict[str, Any]:
    return _load(SALEOR_DIR / f"{name}-token-sample.json")
