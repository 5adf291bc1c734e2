"""Writing private metadata on many Saleor objects in one request.

One document holds one aliased ``updatePrivateMetadata`` per object (``m0``, ``m1``, ...), so
a batch of write-backs costs one round trip. The document for a batch size is built once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from saleor_mautomation.saleor.client import SaleorClient


@dataclass(frozen=True)
class MetadataWrite:
    saleor_id: str
    items: Mapping[str, str]


@dataclass(frozen=True)
class WriteResult:
    saleor_id: str
    ok: bool
    error: str = ""


@cache
def private_metadata_document(size: int) -> str:
    variables = ", ".join(f"$id{n}: ID!, $input{n}: [MetadataInput!]!" for n in range(size))
    fields = "\n".join(
        f"  m{n}: updatePrivateMetadata(id: $id{n}, input: $input{n}) "
        "{ item { __typename } errors { field message code } }"
        for n in range(size)
    )
    return f"mutation WriteBack({variables}) {{\n{fields}\n}}\n"


def private_metadata_write(
    client: SaleorClient, writes: Sequence[MetadataWrite]
) -> list[WriteResult]:
    """Write every object's items in one request; per-object errors come back per object."""
    if not writes:
        return []
    variables: dict[str, Any] = {}
    for n, write in enumerate(writes):
        variables[f"id{n}"] = write.saleor_id
        variables[f"input{n}"] = [{"key": k, "value": v} for k, v in sorted(write.items.items())]
    data = client.execute(private_metadata_document(len(writes)), variables)
    results = []
    for n, write in enumerate(writes):
        answer = data.get(f"m{n}") or {}
        errors = answer.get("errors") or []
        if errors or not answer.get("item"):
            message = "; ".join(str(e.get("message")) for e in errors) or "no such object"
            results.append(WriteResult(write.saleor_id, ok=False, error=message))
        else:
            results.append(WriteResult(write.saleor_id, ok=True))
    return results
