"""Writing private metadata on many Saleor objects in one request.

One document holds one aliased ``updatePrivateMetadata`` per object (``m0``, ``m1``, ...), so
a batch of write-backs costs one round trip. The document for a batch size is built once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from saleor_mautomation.saleor.client import SaleorClient, error_code, graphql_error


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
    """Write every object's items in one request; per-object errors come back per object.

    Saleor answers an object it refuses in one of two ways: the mutation's own ``errors``
    (an id it cannot resolve, invalid keys), or, for an exception raised in the mutation, a
    top-level error at the alias's path with that alias ``null`` (``PermissionDenied`` from
    ``private_user_permissions`` when the user row is gone, saleor/graphql/meta/permissions.py).
    Either fails that object only. A request Saleor refuses as a whole raises.
    """
    if not writes:
        return []
    variables: dict[str, Any] = {}
    for n, write in enumerate(writes):
        variables[f"id{n}"] = write.saleor_id
        variables[f"input{n}"] = [{"key": k, "value": v} for k, v in sorted(write.items.items())]
    answer = client.execute_partial(private_metadata_document(len(writes)), variables)
    if answer.data is None:
        raise graphql_error(answer.errors)
    by_alias: dict[str, list[str]] = defaultdict(list)
    for error in answer.errors:
        path = error.get("path")
        alias = path[0] if isinstance(path, list) and path else ""
        by_alias[str(alias)].append(f"{error.get('message')} ({error_code(error) or 'error'})")
    results = []
    for n, write in enumerate(writes):
        alias = f"m{n}"
        payload = answer.data.get(alias) or {}
        errors = [str(e.get("message")) for e in payload.get("errors") or []] + by_alias[alias]
        if errors or not payload.get("item"):
            message = "; ".join(errors) or "no such object"
            results.append(WriteResult(write.saleor_id, ok=False, error=message))
        else:
            results.append(WriteResult(write.saleor_id, ok=True))
    return results
