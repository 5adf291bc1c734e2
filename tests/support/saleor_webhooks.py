"""Saleor 3.23's webhooks as the tests' stand-in answers them: the apps' webhooks, read and
changed the way Saleor reads and changes them, refused the way Saleor refuses.

The schema lets through much that Saleor's mutations refuse (a subscription that does not
validate or names no event, a target URL that is not one, another app's webhook), so each rule
here names the place in Saleor's source (tag 3.23.28) it is modelled on; the error shapes are
``WebhookError``'s (``field``, ``message``, ``code``) with Saleor's camel-cased field names
(``validation_error_to_error_type``, ``saleor/graphql/core/mutations.py``).

Documents are executed with graphql-core against Saleor's schema (``standin_errors.execute``),
so variables are coerced and selections checked as Saleor does; the caller is the app whose
token the request carries (``tokens``; a valid token not listed is the stand-in's own app).
Not modelled: custom headers, identifiers and filterable channel subscriptions (the app sends
none of them), staff callers.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from ipaddress import IPv6Address, ip_address
from typing import Any
from urllib.parse import urlsplit

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)

from tests.support.standin import Answer, Recorded
from tests.support.standin_errors import DocumentStandIn, PermissionDenied, execute, saleor_schema

MUTATIONS = frozenset({"webhookCreate", "webhookUpdate", "webhookDelete"})


@cache
def _enum(name: str) -> frozenset[str]:
    enum = saleor_schema().get_type(name)
    assert isinstance(enum, GraphQLEnumType)
    return frozenset(enum.values)


def sync_events() -> frozenset[str]:
    return _enum("WebhookEventTypeSyncEnum")


def async_events() -> frozenset[str]:
    return _enum("WebhookEventTypeAsyncEnum")


def global_id(type_name: str, pk: int | str) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


class Refused(Exception):
    """A ``ValidationError`` leaving the mutation: its errors become the payload's ``errors``."""

    def __init__(self, *errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = list(errors)


def error(field: str | None, message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


@dataclass
class Webhook:
    pk: int
    app_id: str
    name: str | None
    target_url: str
    is_active: bool = True
    query: str | None = None
    events: list[str] = field(default_factory=list)  # WebhookEventTypeEnum names

    @property
    def id(self) -> str:
        return global_id("Webhook", self.pk)

    def node(self) -> dict[str, Any]:
        def listed(kinds: frozenset[str]) -> list[dict[str, str]]:
            return [
                {"eventType": e, "name": e.replace("_", " ").capitalize()}
                for e in sorted(self.events)
                if e in kinds
            ]

        return {
            "id": self.id,
            "name": self.name,
            "isActive": self.is_active,
            "targetUrl": self.target_url,
            "asyncEvents": listed(async_events()),
            "syncEvents": listed(sync_events()),
            "subscriptionQuery": self.query,
            "identifier": None,
            "customHeaders": None,
        }


@dataclass
class SaleorApp:
    id: str
    is_active: bool = True


# -- the subscription query (saleor/graphql/webhook/subscription_query.py) ----------------------


def _snake_upper(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def _fragment_types(node: Any, fragments: Mapping[str, FragmentDefinitionNode] | None) -> list[str]:
    """The event types a selection names: inline fragments' types, and for a spread the
    fragment's own type (unless on ``Event``: then the inline fragments inside it), one level
    down only, as ``SubscriptionQuery._get_events_from_field`` and its unpacking do."""
    names: list[str] = []
    for selection in node.selection_set.selections if node.selection_set else ():
        if isinstance(selection, InlineFragmentNode) and selection.type_condition:
            names.append(selection.type_condition.name.value)
        elif isinstance(selection, FragmentSpreadNode) and fragments is not None:
            fragment = fragments[selection.name.value]
            if fragment.type_condition.name.value != "Event":
                names.append(fragment.type_condition.name.value)
            else:
                names.extend(_fragment_types(fragment, None))
    return names


def subscription_events(query: str) -> list[str]:
    """``SubscriptionQuery``: the events of a subscription, or ``Refused`` with its code."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        raise Refused(error("query", exc.message, "SYNTAX")) from exc
    problems = validate(saleor_schema(), document)
    if problems:
        message = ";".join(sorted({problem.message for problem in problems}))
        raise Refused(error("query", message, "GRAPHQL_ERROR"))
    subscription = next(
        (
            d
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode) and d.operation == OperationType.SUBSCRIPTION
        ),
        None,
    )
    if subscription is None:
        raise Refused(
            error("query", "Subscription operation can't be found.", "MISSING_SUBSCRIPTION")
        )
    tops = [s for s in subscription.selection_set.selections if isinstance(s, FieldNode)]
    names = [s.name.value for s in tops]
    if len(names) > 1 and set(names) != {"event"}:
        raise Refused(error("query", "Subscription must select only one top field.", "INVALID"))
    if names[0] != "event":  # a filterable subscription: the field is the event
        return [_snake_upper(name[0].upper() + name[1:]) for name in names]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    events = sorted({_snake_upper(t) for top in tops for t in _fragment_types(top, fragments)})
    if not events:
        raise Refused(error("query", "Can't find a single event.", "MISSING_EVENT"))
    return events


# -- the target URL (saleor/webhook/models.py WebhookURLField, saleor/app/validators.py) ---------

URL_SCHEMES = ("http", "https", "awssqs", "gcpubsub")
_LABEL = re.compile(r"^(?!-)[a-z0-9\u00a1-\uffff-]{1,63}(?<!-)$", re.IGNORECASE)
URL_INVALID = "Enter a valid URL."


def _host_valid(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        try:
            return isinstance(ip_address(host[1:-1]), IPv6Address)
        except ValueError:
            return False
    if re.fullmatch(r"[0-9.]+", host):
        try:
            ip_address(host)
        except ValueError:
            return False
        return True
    return all(_LABEL.match(label) for label in host.rstrip(".").split("."))


def url_valid(value: str) -> bool:
    """``AppURLValidator``: Django's URL rules with a host that needs no dot (``localhost``,
    a service name) and the webhook schemes; at most 2048 characters."""
    if len(value) > 2048 or any(c.isspace() for c in value):
        return False
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in URL_SCHEMES or not rest:
        return False
    parts = urlsplit(value)
    netloc = parts.netloc.rpartition("@")[2]
    host, _, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if not host:
        host, port = netloc, ""
    if port and not re.fullmatch(r"\d{2,5}", port):
        return False
    return bool(host) and _host_valid(host)


# -- the mutations --------------------------------------------------------------------------------


@dataclass
class SaleorWebhooks:
    """The apps' webhooks and the mutations on them, as Saleor 3.23.28 answers an app token."""

    apps: dict[str, SaleorApp] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # app token -> app id
    webhooks: dict[int, Webhook] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: list[str] = field(default_factory=list)  # the root fields asked, in order

    def app(self, app_id: str) -> SaleorApp:
        return self.apps.setdefault(app_id, SaleorApp(app_id))

    def add(self, app_id: str, **fields: Any) -> Webhook:
        """A webhook as an install (or a staff user) made it."""
        self.app(app_id)
        pk = max(self.webhooks, default=0) + 1
        webhook = Webhook(pk=pk, app_id=app_id, **fields)
        self.webhooks[pk] = webhook
        return webhook

    def of(self, app_id: str) -> list[Webhook]:
        return [w for w in self.webhooks.values() if w.app_id == app_id]

    # -- reading ------------------------------------------------------------------------------

    def _app_node(self, caller: SaleorApp) -> dict[str, Any]:
        """``Query.app`` without an id: the calling app; its ``webhooks`` need MANAGE_APPS or
        to be the owner (``has_required_permission``), which the caller is."""
        return {
            "id": caller.id,
            "name": "Marketing Automation",
            "identifier": "app.saleor-mautomation",
            "isActive": caller.is_active,
            "webhooks": [w.node() for w in self.of(caller.id)],
        }

    # -- webhookCreate and webhookUpdate (webhook_create.py, webhook_update.py) ------------------

    def _clean(self, caller: SaleorApp, data: dict[str, Any], webhook: Webhook) -> list[str]:
        """``WebhookCreate.clean_input``: the app active, the query valid, the events (given,
        else the query's), NOTIFY_USER alone; then the instance's ``full_clean``. Returns the
        events to save (empty: on an update, keep the webhook's)."""
        if not caller.is_active:
            raise Refused(error(None, "App doesn't exist or is disabled", "NOT_FOUND"))
        query = data.get("query")
        query_events: list[str] = []
        if query:
            query_events = subscription_events(query)
            webhook.query = query
        events = [*(data.get("asyncEvents") or []), *(data.get("syncEvents") or [])]
        if not events and query:
            events = query_events
        if "NOTIFY_USER" in events and len(events) > 1:
            raise Refused(
                error(
                    "asyncEvents",
                    "The NOTIFY_USER webhook cannot be combined with other events.",
                    "INVALID_NOTIFY_WITH_SUBSCRIPTION",
                )
            )
        # construct_instance: a field given (null too) is set; null on a non-null column
        # takes the column's default (is_active: True; target_url: "").
        if "name" in data:
            webhook.name = data["name"]
        if "targetUrl" in data:
            webhook.target_url = data["targetUrl"] or ""
        if "isActive" in data:
            webhook.is_active = True if data["isActive"] is None else data["isActive"]
        self._full_clean(webhook)
        return events

    @staticmethod
    def _full_clean(webhook: Webhook) -> None:
        """``Model.full_clean``: every field's errors, in the model's field order."""
        errors = []
        if webhook.name is not None and len(webhook.name) > 255:
            errors.append(
                error(
                    "name",
                    f"Ensure this value has at most 255 characters (it has {len(webhook.name)}).",
                    "INVALID",
                )
            )
        if not webhook.target_url:
            errors.append(error("targetUrl", "This field cannot be blank.", "REQUIRED"))
        else:
            if len(webhook.target_url) > 255:
                length = len(webhook.target_url)
                message = f"Ensure this value has at most 255 characters (it has {length})."
                errors.append(error("targetUrl", message, "INVALID"))
            if not url_valid(webhook.target_url):
                errors.append(error("targetUrl", URL_INVALID, "INVALID"))
        if errors:
            raise Refused(*errors)

    def _create(self, caller: SaleorApp, data: dict[str, Any]) -> dict[str, Any]:
        draft = Webhook(pk=0, app_id=caller.id, name=None, target_url="")
        events = self._clean(caller, data, draft)
        draft.pk = max(self.webhooks, default=0) + 1
        draft.events = sorted(set(events))
        self.webhooks[draft.pk] = draft
        return draft.node()

    def _found(self, node_id: str, *, among: list[Webhook]) -> Webhook:
        """``get_node_or_error(only_type=Webhook, qs=...)``: the id's type, then the node."""
        try:
            type_name, _, pk = base64.b64decode(node_id, validate=True).decode().partition(":")
            int(pk)
        except (ValueError, UnicodeDecodeError) as exc:
            message = f"Invalid ID: {node_id}. Expected: Webhook."
            raise Refused(error("id", message, "GRAPHQL_ERROR")) from exc
        if type_name != "Webhook":
            message = f"Invalid ID: {node_id}. Expected: Webhook, received: {type_name}."
            raise Refused(error("id", message, "GRAPHQL_ERROR"))
        found = next((w for w in among if w.pk == int(pk)), None)
        if found is None:
            raise Refused(error("id", f"Couldn't resolve to a node: {node_id}", "NOT_FOUND"))
        return found

    def _update(self, caller: SaleorApp, node_id: str | None, data: dict[str, Any]) -> Any:
        """``WebhookUpdate.get_instance`` looks among the calling app's webhooks only; the
        given events replace all the webhook's (``save``), none keep them."""
        if not node_id:
            raise Refused(
                error(
                    None,
                    "At least one of arguments is required: 'id', 'identifier'.",
                    "GRAPHQL_ERROR",
                )
            )
        webhook = self._found(node_id, among=self.of(caller.id))
        draft = Webhook(**{**webhook.__dict__, "events": list(webhook.events)})
        events = self._clean(caller, data, draft)
        if events:
            draft.events = sorted(set(events))
        self.webhooks[webhook.pk] = draft
        return draft.node()

    def _delete(self, caller: SaleorApp, node_id: str | None) -> Any:
        """``WebhookDelete.perform_mutation``: the app active, the webhook found among every
        app's, then refused unless it is the caller's, as if it did not exist."""
        if not caller.is_active:
            raise Refused(error(None, "App needs to be active to delete webhook", "INVALID"))
        if not node_id:
            raise Refused(
                error(
                    None,
                    "At least one of arguments is required: 'id', 'identifier'.",
                    "GRAPHQL_ERROR",
                )
            )
        webhook = self._found(node_id, among=list(self.webhooks.values()))
        if webhook.app_id != caller.id:
            message = f"Couldn't resolve to a node: {node_id}"
            raise Refused(error(None, message, "GRAPHQL_ERROR"))
        del self.webhooks[webhook.pk]
        return {**webhook.node(), "id": webhook.id}

    def _payload(self, run: Any) -> dict[str, Any]:
        """The mutation's payload: the webhook, or ``errors`` (and the deprecated copy)."""
        with self.lock:
            try:
                node = run()
            except Refused as refused:
                return {"webhook": None, "errors": refused.errors, "webhookErrors": refused.errors}
        return {"webhook": node, "errors": [], "webhookErrors": []}

    def answer(self, document: DocumentNode, variables: dict[str, Any], *, app_id: str) -> Answer:
        caller = self.app(app_id)

        def app(_info: Any, id: str | None = None) -> Any:
            self.calls.append("app")
            return self._app_node(caller) if id in (None, caller.id) else None

        def create(_info: Any, input: dict[str, Any]) -> Any:
            self.calls.append("webhookCreate")
            return self._payload(lambda: self._create(caller, input))

        def update(
            _info: Any, input: dict[str, Any], id: str | None = None, identifier: str | None = None
        ) -> Any:
            self.calls.append("webhookUpdate")
            return self._payload(lambda: self._update(caller, id, input))

        def delete(_info: Any, id: str | None = None, identifier: str | None = None) -> Any:
            self.calls.append("webhookDelete")
            return self._payload(lambda: self._delete(caller, id))

        root = {
            "app": app,
            "webhookCreate": create,
            "webhookUpdate": update,
            "webhookDelete": delete,
        }
        return execute(document, variables, root)


def _root_fields(document: DocumentNode) -> tuple[str, set[str]]:
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    names = {s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)}
    nested = {
        inner.name.value
        for s in operation.selection_set.selections
        if isinstance(s, FieldNode) and s.selection_set
        for inner in s.selection_set.selections
        if isinstance(inner, FieldNode)
    }
    return ",".join(sorted(names)), nested


@dataclass
class WebhooksStandIn(DocumentStandIn):
    """The stand-in with Saleor's webhooks: the webhook mutations, and ``app`` queries that ask
    for ``webhooks``, are answered by ``saleor_webhooks`` for the app of the request's token;
    ``permission_denied``: Saleor refuses the caller every webhook mutation (a token of a staff
    user without MANAGE_APPS, say)."""

    saleor_webhooks: SaleorWebhooks = field(default_factory=SaleorWebhooks)
    permission_denied: bool = False

    def _graphql(self, request: Recorded) -> Answer:
        payload = request.json()
        document = parse(payload["query"])
        roots, nested = _root_fields(document)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        handled = set(roots.split(",")) <= MUTATIONS or (roots == "app" and "webhooks" in nested)
        if not handled or token not in self.valid_tokens:
            return super()._graphql(request)
        if self.permission_denied and roots != "app":
            denied = PermissionDenied(["MANAGE_APPS", "AUTHENTICATED_APP"])
            body = {
                "data": {roots: None},
                "errors": [
                    {
                        "message": str(denied),
                        "path": [roots],
                        "extensions": {"exception": {"code": "PermissionDenied"}},
                    }
                ],
            }
            return 200, body
        app_id = self.saleor_webhooks.tokens.get(token, self.app_id)
        return self.saleor_webhooks.answer(document, payload.get("variables") or {}, app_id=app_id)
