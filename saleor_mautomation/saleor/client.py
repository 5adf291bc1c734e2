"""GraphQL client for one Saleor installation.

Network faults, 429 and 5xx are retried with exponential backoff and jitter, then surface as
``SaleorUnavailable`` (retryable). GraphQL ``errors`` surface as typed errors: a permission
error as ``SaleorPermissionDenied``, anything else as ``SaleorGraphQLError``, both permanent.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from saleor_mautomation.core import http
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor.errors import (
    SaleorGraphQLError,
    SaleorPermissionDenied,
    SaleorUnavailable,
    TokenInvalid,
)

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff: float = 0.2
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int) -> float:
        base: float = self.backoff * (2**attempt)
        return base + random.uniform(0, base / 2)  # noqa: S311 - jitter, not security


def send(
    method: str,
    url: str,
    *,
    http_policy: http.HttpPolicy,
    retry: RetryPolicy,
    headers: dict[str, str] | None = None,
    json_body: Any = None,
) -> httpx.Response:
    """One logical request: retried on network faults, 429 and 5xx; other answers returned."""
    last_problem = ""
    for attempt in range(retry.attempts):
        try:
            response = http.request(
                method, url, policy=http_policy, headers=headers, json=json_body
            )
        except http.NetworkError as exc:
            last_problem = exc.message
            wait = retry.delay(attempt)
        else:
            if response.status_code < 500 and response.status_code != 429:
                return response
            last_problem = f"HTTP {response.status_code}"
            wait = retry.delay(attempt)
            retry_after = response.headers.get("Retry-After", "")
            if retry_after.isdigit():
                wait = min(float(retry_after), MAX_RETRY_AFTER)
        if attempt + 1 < retry.attempts:
            logger.info("Retrying %s %s in %.2fs: %s", method, url, wait, last_problem)
            retry.sleep(wait)
    raise SaleorUnavailable(
        f"{method} {url} failed after {retry.attempts} attempts: {last_problem}"
    )


def _error_codes(errors: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    codes = []
    for error in errors:
        extensions = error.get("extensions") or {}
        code = (extensions.get("exception") or {}).get("code") or extensions.get("code")
        if isinstance(code, str):
            codes.append(code)
    return tuple(codes)


@dataclass(frozen=True)
class Partial:
    """A GraphQL answer as Saleor gave it: ``data`` (``None`` when it failed as a whole) and
    the ``errors``, each a dict with ``message``, ``path`` and ``extensions``."""

    data: dict[str, Any] | None
    errors: tuple[dict[str, Any], ...] = ()


def graphql_error(errors: Sequence[Mapping[str, Any]]) -> SaleorGraphQLError:
    """The typed exception of an answer's GraphQL ``errors`` (a permission error, or other)."""
    codes = _error_codes(errors)
    message = "; ".join(str(e.get("message", "")) for e in errors)
    cls = SaleorPermissionDenied if "PermissionDenied" in codes else SaleorGraphQLError
    return cls(message, codes=codes)


def error_code(error: Mapping[str, Any]) -> str:
    """Saleor's exception code of one GraphQL error (``PermissionDenied``, ...), or ``""``."""
    codes = _error_codes([error])
    return codes[0] if codes else ""


def partial_of(response: httpx.Response) -> Partial:
    """The ``data`` and ``errors`` of Saleor's answer (``SaleorClient.post``)."""
    try:
        payload = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PermanentError(
            f"Saleor answered HTTP {response.status_code} with a body that is not JSON",
            code="saleor_bad_response",
        ) from exc
    if not isinstance(payload, dict):
        raise PermanentError(
            f"Saleor answered HTTP {response.status_code} with no GraphQL response",
            code="saleor_bad_response",
        )
    listed = payload.get("errors")
    errors = tuple(e for e in listed if isinstance(e, dict)) if isinstance(listed, list) else ()
    data = payload.get("data")
    if not errors and (response.status_code >= 400 or not isinstance(data, dict)):
        raise PermanentError(
            f"Saleor answered HTTP {response.status_code} without data",
            code="saleor_bad_response",
        )
    return Partial(data=data if isinstance(data, dict) else None, errors=errors)


@dataclass(frozen=True)
class SaleorClient:
    api_url: str
    token: str | None
    http_policy: http.HttpPolicy
    retry: RetryPolicy = RetryPolicy()

    def execute(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run a query or mutation and return its ``data``; errors raise typed exceptions."""
        result = self.execute_partial(document, variables)
        if result.errors:
            raise graphql_error(result.errors)
        if result.data is None:
            raise PermanentError("Saleor answered without data", code="saleor_bad_response")
        return result.data

    def execute_partial(self, document: str, variables: Mapping[str, Any] | None = None) -> Partial:
        """Run a query or mutation and return its ``data`` with its GraphQL ``errors``.

        For callers that can use what Saleor did answer: a field error nulls only the nearest
        nullable parent (one alias of a batched mutation, a nullable part of a node), and each
        error's ``path`` says where. Transport faults and a refused token still raise.
        """
        return partial_of(self.post(document, variables))

    def post(self, document: str, variables: Mapping[str, Any] | None = None) -> httpx.Response:
        """Send a query or mutation; Saleor's HTTP answer, its body not parsed (for a caller that
        parses it itself, ``partial_of`` otherwise). Transport faults and a refused token
        raise."""
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = send(
            "POST",
            self.api_url,
            http_policy=self.http_policy,
            retry=self.retry,
            headers=headers,
            json_body={"query": document, "variables": dict(variables or {})},
        )
        if response.status_code in (401, 403):
            raise TokenInvalid(f"Saleor refused the app token (HTTP {response.status_code})")
        return response

    def paginate(
        self,
        document: str,
        connection_path: Sequence[str],
        variables: Mapping[str, Any] | None = None,
        *,
        page_size: int = 100,
        after: str | None = None,
        on_page: Callable[[str | None], None] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield every node of a Relay connection, page by page (``first``/``after``).

        ``on_page`` receives each page's end cursor after its nodes were consumed, so a caller
        can persist it and resume after a crash by passing it back as ``after``.
        """
        cursor = after
        while True:
            data = self.execute(
                document, {**(variables or {}), "first": page_size, "after": cursor}
            )
            connection: Any = data
            for key in connection_path:
                connection = connection[key]
            for edge in connection["edges"]:
                yield edge["node"]
            page_info = connection["pageInfo"]
            cursor = page_info["endCursor"]
            if on_page is not None:
                on_page(cursor)
            if not page_info["hasNextPage"]:
                return
