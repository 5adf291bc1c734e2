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
    # Refused for want of a permission the app holds to write any customer (MANAGE_USERS):
    # the app's access, not this object, is the problem (a revoked token reads as anonymous).
    access_denied: bool = False


# The permission a customer's private metadata needs (private_user_permissions in
# saleor/graphql/meta/permissions.py); a staff account needs MANAGE_STAFF, which the app does
# not ask for, so that refusal is the object's.
APP_PERMISSION = "MANAGE_USERS"


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
    aliases = {f"m{n}" for n in range(len(writes))}
    by_alias: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for error in answer.errors:
        path = error.get("path")
        alias = path[0] if isinstance(path, list) and path else None
        if alias not in aliases:
            break
        by_alias[alias].append(error)
    else:
        if answer.data is not None:
            return [_result(n, write, answer.data, by_alias) for n, write in enumerate(writes)]
    # An error at no alias (or no data): Saleor refused the request as a whole.
    raise graphql_error(answer.errors)


def _result(
    n: int, write: MetadataWrite, data: Mapping[str, Any], by_alias: Mapping[str, Any]
) -> WriteResult:
    payload = data.get(f"m{n}") or {}
    raised = by_alias.get(f"m{n}", [])
    access_denied = any(
        error_code(e) == "PermissionDenied" and APP_PERMISSION in str(e.get("message"))
        for e in raised
    )
    errors = [str(e.get("message")) for e in payload.get("errors") or []] + [
        f"{e.get('message')} ({error_code(e) or 'error'})" for e in raised
    ]
    if errors or not payload.get("item"):
        message = "; ".join(errors) or "no such object"
        return WriteResult(write.saleor_id, ok=False, error=message, access_denied=access_denied)
    return WriteResult(write.saleor_id, ok=True)
