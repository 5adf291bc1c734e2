"""The segment definition language: typed, versioned, validated.

A definition is ``{"version": 1, "root": <node>}``. A node is a group (``and``, ``or``, ``not``)
or a condition; each condition says what it reads (profile columns, custom attributes, spend
per currency, predicted value, consent, events, orders, email engagement, another segment's
membership, the birthday). ``definition_parse`` turns JSON into these models or raises
``DefinitionInvalid`` with one message per offending field, addressed by its path
(``root.conditions.1.value``), so the editor can show it beside the field. The compiler
(``compiler.py``) relies on every model here being valid: whatever passes parsing can be
evaluated.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, assert_never

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from saleor_mautomation.segments.errors import DefinitionInvalid, FieldError, field_errors

VERSION: Literal[1] = 1
MAX_NODES = 200
MAX_DEPTH = 12
MAX_DAYS = 3650
MAX_LIST = 500

Comparison = Literal["eq", "ne", "gt", "gte", "lt", "lte"]

# Contact columns a profile condition may read, by kind (the kind decides the operators).
TEXT_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "gender",
    "language_code",
    "country",
    "city",
    "time_zone",
    "lifecycle_stage",
    "preferred_channel",  # email, sms, push or "" (contacts.channel_preference)
)
NUMBER_FIELDS = (
    "orders_count",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "email_opens_30d",
    "email_opens_90d",
    "email_clicks_30d",
    "email_clicks_90d",
    "best_send_hour",
)
BOOLEAN_FIELDS = ("is_customer",)
DATE_FIELDS = (
    "birthday",
    "date_joined",
    "created_at",
    "first_order_at",
    "last_order_at",
    "last_seen_at",
    "predicted_next_order_at",
    "last_email_open_at",
    "last_email_click_at",
)
TextOp = Literal[
    "eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with", "is_set", "is_not_set"
]
NumberOp = Literal["eq", "ne", "gt", "gte", "lt", "lte", "between", "is_set", "is_not_set"]
DateOp = Literal[
    "before",
    "after",
    "between",
    "in_last_days",
    "more_than_days_ago",
    "in_next_days",
    "is_set",
    "is_not_set",
]
PROPERTY_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_\-]+)+$|^search$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Model):
    """Either the last N days up to now (slides with time) or fixed dates (both inclusive)."""

    last_days: Annotated[int, Field(ge=1, le=MAX_DAYS)] | None = None
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Window:
        if self.last_days is not None and (self.start or self.end):
            raise ValueError("give either last_days or start/end, not both")
        if self.last_days is None and not (self.start or self.end):
            raise ValueError("give last_days or start and/or end")
        if self.start and self.end and self.start > self.end:
            raise ValueError("start is after end")
        return self

    @property
    def relative(self) -> bool:
        return self.last_days is not None


class Count(_Model):
    op: Comparison = "gte"
    value: Annotated[int, Field(ge=0, le=1_000_000)] = 1


class PropertyFilter(_Model):
    """A filter on an event's properties. ``has`` matches a list property containing the value
    (e.g. an order's ``product_ids``); numeric operators read numbers or numeric strings."""

    property: str
    op: Literal["eq", "ne", "in", "has", "gt", "gte", "lt", "lte"] = "eq"
    value: str | int | float | bool | list[str]

    @field_validator("property")
    @classmethod
    def _name(cls, value: str) -> str:
        if not PROPERTY_NAME.match(value):
            raise ValueError("letters, digits and underscores only (at most 64)")
        return value

    @model_validator(mode="after")
    def _value_fits(self) -> PropertyFilter:
        if self.op == "in" and not (isinstance(self.value, list) and self.value):
            raise ValueError("'in' takes a non-empty list of values")
        if self.op != "in" and isinstance(self.value, list):
            raise ValueError(f"{self.op!r} takes one value, not a list")
        if self.op in {"gt", "gte", "lt", "lte"} and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float)
        ):
            raise ValueError(f"{self.op!r} compares numbers")
        return self


class ProfileCondition(_Model):
    type: Literal["profile"]
    field: str
    op: str
    value: Any = None


class AttributeCondition(_Model):
    """A custom attribute: a key of the contact's metadata (Saleor metadata values are text)."""

    type: Literal["attribute"]
    key: str
    op: TextOp
    value: Any = None

    @field_validator("key")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z0-9_.\-]{1,100}$", value):
            raise ValueError("letters, digits, '_', '.', '-' only (at most 100)")
        return value


class AgeCondition(_Model):
    """Age in whole years from the birthday (contacts without one never match)."""

    type: Literal["age"]
    op: Literal["eq", "gt", "gte", "lt", "lte", "between"]
    value: Annotated[int, Field(ge=0, le=150)] | list[Annotated[int, Field(ge=0, le=150)]]


class BirthdayCondition(_Model):
    """The birthday falls within the next ``within_days`` days (0: today), in UTC dates."""

    type: Literal["birthday"]
    within_days: Annotated[int, Field(ge=0, le=365)] = 0


class SpendCondition(_Model):
    """Spend in one currency (money is never added across currencies). A contact without
    orders in that currency has spent 0 in it."""

    type: Literal["spend"]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    metric: Literal["total", "orders", "average_order_value"] = "total"
    op: Comparison
    value: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]


class PredictionCondition(_Model):
    """A value the nightly models predict (``predictions/``): ``probability_active`` (0 to 1),
    ``expected_orders`` and ``clv`` (orders and spend in ``currency`` expected over the next 12
    months), ``next_order_days`` (days from now to the expected next order, negative once it is
    overdue). A contact without that prediction (no order yet, not enough data in the shop, a
    single order in the currency, no next order expected) never matches, so ``not`` is its
    exact complement."""

    type: Literal["prediction"]
    metric: Literal["probability_active", "expected_orders", "clv", "next_order_days"]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    op: Comparison
    value: Annotated[Decimal, Field(ge=-MAX_DAYS, le=10**9, max_digits=14, decimal_places=4)]


class ConsentCondition(_Model):
    type: Literal["consent"]
    channel: Literal["email"] = "email"
    status: list[Literal["unknown", "pending", "granted", "withdrawn"]] = Field(min_length=1)


class EventCondition(_Model):
    """Did (or did not) do ``event_type``, how often, when, with which properties."""

    type: Literal["event"]
    event_type: str
    count: Count = Count()
    window: Window | None = None
    where: list[PropertyFilter] = Field(default_factory=list, max_length=10)

    @field_validator("event_type")
    @classmethod
    def _event_type(cls, value: str) -> str:
        if len(value) > 64 or not EVENT_TYPE.match(value):
            raise ValueError("an event type such as 'product.viewed' or 'custom.quiz_done'")
        if value.startswith("segment."):
            raise ValueError("use a segment condition for segment membership")
        return value


class OrderCondition(_Model):
    """Orders (cancelled, draft and expired ones excepted) in a window, optionally only those
    containing one of the products, variants or categories, or in one channel."""

    type: Literal["order"]
    count: Count = Count()
    window: Window | None = None
    product_ids: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    variant_ids: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    category_ids: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    channel: str | None = None


class EmailCondition(_Model):
    """Email engagement. Opens by privacy proxies and clicks by link scanners (events flagged
    ``machine``) do not count."""

    type: Literal["email"]
    action: Literal["opened", "clicked", "delivered", "bounced", "complained", "unsubscribed"]
    count: Count = Count()
    window: Window | None = None


class SegmentCondition(_Model):
    type: Literal["segment"]
    segment_id: Annotated[int, Field(ge=1)]
    member: bool = True


class AllOf(_Model):
    type: Literal["and"]
    conditions: list[Node] = Field(min_length=1)


class AnyOf(_Model):
    type: Literal["or"]
    conditions: list[Node] = Field(min_length=1)


class Not(_Model):
    type: Literal["not"]
    condition: Node


AnyNode = (
    AllOf
    | AnyOf
    | Not
    | ProfileCondition
    | AttributeCondition
    | AgeCondition
    | BirthdayCondition
    | SpendCondition
    | PredictionCondition
    | ConsentCondition
    | EventCondition
    | OrderCondition
    | EmailCondition
    | SegmentCondition
)
Node = Annotated[AnyNode, Field(discriminator="type")]


class Definition(_Model):
    version: Literal[1] = VERSION
    root: Node


for _rebuilt in (AllOf, AnyOf, Not, Definition):
    _rebuilt.model_rebuild()


class _Invalid(ValueError):
    """A semantic problem with one part (``field``, ``op`` or ``value``) of a condition."""

    def __init__(self, part: str, message: str) -> None:
        super().__init__(message)
        self.part = part
        self.message = message


def _check_between(op: str, value: Any) -> None:
    if op == "between":
        if not (isinstance(value, list) and len(value) == 2 and value[0] <= value[1]):
            raise _Invalid("value", "'between' takes [low, high] with low <= high")
    elif isinstance(value, list):
        raise _Invalid("value", f"{op!r} takes one value, not a list")


def _check_text(op: str, value: Any) -> None:
    if op in {"is_set", "is_not_set"}:
        if value is not None:
            raise _Invalid("value", f"{op!r} takes no value")
    elif op in {"in", "not_in"}:
        if not (
            isinstance(value, list)
            and 0 < len(value) <= MAX_LIST
            and all(isinstance(v, str) for v in value)
        ):
            raise _Invalid("value", f"{op!r} takes a non-empty list of texts (at most {MAX_LIST})")
    elif not (isinstance(value, str) and value and len(value) <= 256):
        raise _Invalid("value", f"{op!r} takes a text of 1 to 256 characters")


def _check_number(field: str, op: str, value: Any) -> None:
    if op in {"is_set", "is_not_set"}:
        if value is not None:
            raise _Invalid("value", f"{op!r} takes no value")
        return
    numbers = value if isinstance(value, list) else [value]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        raise _Invalid("value", f"{field!r} compares numbers")
    _check_between(op, value)


def _check_date(field: str, op: str, value: Any) -> None:
    if op not in DateOp.__args__:  # type: ignore[attr-defined]
        raise _Invalid("op", f"{op!r} does not apply to the date field {field!r}")
    if op in {"is_set", "is_not_set"}:
        if value is not None:
            raise _Invalid("value", f"{op!r} takes no value")
    elif op in {"in_last_days", "more_than_days_ago", "in_next_days"}:
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS):
            raise _Invalid("value", f"{op!r} takes a number of days from 0 to {MAX_DAYS}")
    else:
        dates = value if isinstance(value, list) else [value]
        try:
            parsed = [date.fromisoformat(v) for v in dates]
        except (TypeError, ValueError):
            raise _Invalid("value", f"{op!r} takes dates as YYYY-MM-DD") from None
        _check_between(op, parsed if op == "between" else parsed[0])


def _check_profile(field: str, op: str, value: Any) -> None:
    """The operators and values each kind of profile field accepts."""
    if field in TEXT_FIELDS:
        if op not in TextOp.__args__:  # type: ignore[attr-defined]
            raise _Invalid("op", f"{op!r} does not apply to the text field {field!r}")
        _check_text(op, value)
    elif field in NUMBER_FIELDS:
        if op not in NumberOp.__args__:  # type: ignore[attr-defined]
            raise _Invalid("op", f"{op!r} does not apply to the number field {field!r}")
        _check_number(field, op, value)
    elif field in BOOLEAN_FIELDS:
        if op != "eq":
            raise _Invalid("op", f"{field!r} takes op 'eq'")
        if not isinstance(value, bool):
            raise _Invalid("value", f"{field!r} takes true or false")
    elif field in DATE_FIELDS:
        _check_date(field, op, value)
    else:
        known = ", ".join((*TEXT_FIELDS, *NUMBER_FIELDS, *BOOLEAN_FIELDS, *DATE_FIELDS))
        raise _Invalid("field", f"unknown profile field {field!r}; known: {known}")


def _check_prediction(node: PredictionCondition) -> None:
    if (node.metric == "clv") != (node.currency is not None):
        raise _Invalid("currency", "'clv' takes a currency, the other metrics none")
    if node.metric == "probability_active" and not 0 <= node.value <= 1:
        raise _Invalid("value", "a probability is from 0 to 1")
    if node.metric in {"expected_orders", "clv"} and node.value < 0:
        raise _Invalid("value", f"{node.metric!r} is never negative")
    if node.metric == "next_order_days" and node.op in {"eq", "ne"}:
        raise _Invalid("op", "'next_order_days' compares with lt, lte, gt or gte")


def _check_node(node: AnyNode) -> None:
    match node:
        case PredictionCondition():
            _check_prediction(node)
        case ProfileCondition():
            _check_profile(node.field, node.op, node.value)
        case AttributeCondition():
            _check_text(node.op, node.value)
        case AgeCondition():
            _check_between(node.op, node.value)
        case (
            AllOf()
            | AnyOf()
            | Not()
            | BirthdayCondition()
            | SpendCondition()
            | ConsentCondition()
            | EventCondition()
            | OrderCondition()
            | EmailCondition()
            | SegmentCondition()
        ):
            pass  # their fields' own types say all there is to check
        case _:
            assert_never(node)


def _semantic_errors(node: Any, path: str) -> list[FieldError]:
    """Checks that depend on several fields of a condition, each error at its exact field."""
    errors: list[FieldError] = []
    if isinstance(node, AllOf | AnyOf):
        for index, child in enumerate(node.conditions):
            errors.extend(_semantic_errors(child, f"{path}.conditions.{index}"))
    elif isinstance(node, Not):
        errors.extend(_semantic_errors(node.condition, f"{path}.condition"))
    else:
        try:
            _check_node(node)
        except _Invalid as exc:
            errors.append(FieldError(f"{path}.{exc.part}", exc.message))
    return errors


# The union tags pydantic puts in error locations (left out of the paths reported).
TAGS = {
    "and",
    "or",
    "not",
    "profile",
    "attribute",
    "age",
    "birthday",
    "spend",
    "prediction",
    "consent",
    "event",
    "order",
    "email",
    "segment",
}


def _walk(node: AnyNode) -> list[AnyNode]:
    """Every node of a parsed tree, depth first."""
    found = [node]
    if isinstance(node, AllOf | AnyOf):
        for child in node.conditions:
            found.extend(_walk(child))
    elif isinstance(node, Not):
        found.extend(_walk(node.condition))
    return found


def _depth(node: Any) -> int:
    if isinstance(node, AllOf | AnyOf):
        return 1 + max(_depth(child) for child in node.conditions)
    if isinstance(node, Not):
        return 1 + _depth(node.condition)
    return 1


def definition_parse(raw: Any) -> Definition:
    """Parse and validate JSON (a dict or a JSON string); ``DefinitionInvalid`` lists what is
    wrong, field by field."""
    try:
        definition = (
            Definition.model_validate_json(raw)
            if isinstance(raw, str | bytes)
            else Definition.model_validate(raw)
        )
    except pydantic.ValidationError as exc:
        errors = field_errors(exc, TAGS)
        raise DefinitionInvalid(errors) from None
    semantic = _semantic_errors(definition.root, "root")
    if semantic:
        raise DefinitionInvalid(semantic)
    nodes = _walk(definition.root)
    if len(nodes) > MAX_NODES:
        raise DefinitionInvalid([FieldError("root", f"at most {MAX_NODES} conditions and groups")])
    if _depth(definition.root) > MAX_DEPTH:
        raise DefinitionInvalid([FieldError("root", f"groups nest at most {MAX_DEPTH} deep")])
    return definition


def nodes(definition: Definition) -> list[AnyNode]:
    return _walk(definition.root)


def referenced_segments(definition: Definition) -> set[int]:
    return {node.segment_id for node in nodes(definition) if isinstance(node, SegmentCondition)}
