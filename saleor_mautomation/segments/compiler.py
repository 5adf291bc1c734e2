"""A segment definition compiled into one SQL condition on contacts (through the ORM, so the
same compiler serves PostgreSQL and SQLite).

Two shapes of the same meaning:

- ``bulk`` (counting, sweeping, exporting a whole segment): "did N times" becomes
  ``id IN (SELECT contact_id ... GROUP BY contact_id HAVING count(*) >= N)``, one pass over the
  window's events instead of one lookup per contact;
- ``single`` (one contact after an event): correlated subqueries on that contact's own rows
  (the ``(contact, time)`` indexes), cheap for one row, which the grouped form is not.

Every leaf is two-valued (true or false, never NULL), so ``not`` groups mean exactly the
complement: a contact without a birthday is "not aged 30-50", one without RFM scores is "not a
champion". Tests check that both shapes select the same contacts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import partial, reduce
from typing import Any, Literal, assert_never

from django.db.models import (
    Count,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IContains,
    In,
    IStartsWith,
    LessThan,
    LessThanOrEqual,
)

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts.models import ContactSpend
from saleor_mautomation.events.models import Event
from saleor_mautomation.predictions.models import ContactPrediction, ContactValuePrediction
from saleor_mautomation.segments import definition as d
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.sql import (
    CaseFolded,
    JSONLinesMatch,
    JSONListHas,
    JSONNumber,
    MonthDay,
)

Mode = Literal["bulk", "single"]
Driver = d.EventCondition | d.EmailCondition | d.OrderCondition
TRUE = Q(pk__isnull=False)
NOT_COUNTED = ("CANCELED", "DRAFT", "EXPIRED", "UNCONFIRMED")
EMAIL_MACHINE_FLAGGED = {"opened", "clicked"}
COMPARISONS = {
    "gt": GreaterThan,
    "gte": GreaterThanOrEqual,
    "lt": LessThan,
    "lte": LessThanOrEqual,
    "eq": Exact,
}


@dataclass(frozen=True)
class Facts:
    """What can change a contact's membership: ``profile`` (its row or figures), an event
    type (``event:product.viewed``), another segment (``segment:7``); and time alone."""

    facts: frozenset[str]
    time_dependent: bool


def facts_of(definition: d.Definition) -> Facts:
    found: set[str] = set()
    timed = False
    for node in d.nodes(definition):
        match node:
            case d.AllOf() | d.AnyOf() | d.Not():
                continue
            case d.EventCondition():
                found.add(f"event:{node.event_type}")
                timed |= bool(node.window and node.window.relative)
            case d.EmailCondition():
                found.add(f"event:email.{node.action}")
                timed |= bool(node.window and node.window.relative)
            case d.OrderCondition():
                # Every order delivery refreshes its contact's figures, noted as ``profile``.
                found.add("profile")
                timed |= bool(node.window and node.window.relative)
            case d.SegmentCondition():
                found.add(f"segment:{node.segment_id}")
            case d.ProfileCondition():
                found.add("profile")
                timed |= node.op in {"in_last_days", "more_than_days_ago", "in_next_days"}
            case d.AgeCondition() | d.BirthdayCondition():
                found.add("profile")
                timed = True
            case d.AttributeCondition() | d.SpendCondition() | d.ConsentCondition():
                found.add("profile")  # the row, its metadata, or its figures
            case d.PredictionCondition():
                timed = True  # the nightly predictions change them, and now moves on
            case _:
                assert_never(node)
    return Facts(frozenset(found), timed)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


class Moments:
    """The values a definition derives from "now" (windows, ages, birthdays)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def at(self, delta: timedelta) -> datetime:
        return self.now + delta

    def day(self, delta: timedelta) -> date:
        return self.now.date() + delta

    def years_before(self, years: int) -> date:
        return _years_before(self.now.date(), years)

    def birthday_keys(self, within_days: int) -> list[str]:
        return birthday_keys(self.now.date(), within_days)


class SymbolicMoments(Moments):
    """Recognisable stand-ins for every now-derived value, each with the function that gives
    its real value at any other now: SQL compiled once (the ORM's compilation costs far more
    than running the query for one contact) then runs at every moment."""

    BASE = datetime(9000, 1, 1, tzinfo=UTC)

    def __init__(self) -> None:
        super().__init__(self.BASE)
        self.resolvers: dict[Any, Callable[[datetime], Any]] = {}

    def _stand_in(self, kind: str, resolve: Callable[[datetime], Any]) -> Any:
        n = len(self.resolvers) + 1
        value: Any = {
            "datetime": self.BASE + timedelta(seconds=n),
            "date": self.BASE.date() + timedelta(days=n),
            "text": f"~moment-{n}~",
        }[kind]
        self.resolvers[value] = resolve
        return value

    def at(self, delta: timedelta) -> datetime:
        return self._stand_in("datetime", partial(_plus, delta=delta))

    def day(self, delta: timedelta) -> date:
        return self._stand_in("date", partial(_day_plus, delta=delta))

    def years_before(self, years: int) -> date:
        return self._stand_in("date", lambda now: _years_before(now.date(), years))

    def birthday_keys(self, within_days: int) -> list[str]:
        return [
            self._stand_in("text", partial(_birthday_key, within_days=within_days, index=i))
            for i in range(within_days + 2)
        ]


def _plus(now: datetime, delta: timedelta) -> datetime:
    return now + delta


def _day_plus(now: datetime, delta: timedelta) -> date:
    return now.date() + delta


def _birthday_key(now: datetime, within_days: int, index: int) -> str:
    return birthday_keys(now.date(), within_days)[index]


def birthday_keys(today: date, within_days: int) -> list[str]:
    """``MM-DD`` of today and the next days (always ``within_days + 2`` of them: the last is
    29 February when a 28 February of a common year is in range, else a repeat), so that
    someone born on 29 February is celebrated on the 28th in years without it."""
    days = [today + timedelta(days=n) for n in range(within_days + 1)]
    keys = [f"{day:%m-%d}" for day in days]
    leap = any(day.month == 2 and day.day == 28 and not _leap(day.year) for day in days)
    return [*keys, "02-29" if leap else keys[0]]


@dataclass
class Compiler:
    installation_id: int
    moments: Moments
    mode: Mode
    # The column holding the contact's id in the rows the condition filters: the contacts'
    # own ``pk``, or ``contact_id`` when a condition's own rows drive the query (``driven``).
    subject: str = "pk"

    def compile(self, definition: d.Definition) -> Q:
        return self.node(definition.root)

    def node(self, node: Any) -> Q:
        match node:
            case d.AllOf():
                return reduce(lambda a, b: a & b, (self.node(c) for c in node.conditions))
            case d.AnyOf():
                return reduce(lambda a, b: a | b, (self.node(c) for c in node.conditions))
            case d.Not():
                return ~self.node(node.condition)
            case d.ProfileCondition():
                return self.profile(node)
            case d.AttributeCondition():
                return self.attribute(node)
            case d.AgeCondition():
                return self.age(node)
            case d.BirthdayCondition():
                return self.birthday(node)
            case d.SpendCondition():
                return self.spend(node)
            case d.PredictionCondition():
                return self.prediction(node)
            case d.ConsentCondition():
                return Q(email_consent__in=node.status)
            case d.EventCondition():
                return self.events(node)
            case d.EmailCondition():
                return self.email(node)
            case d.OrderCondition():
                return self.orders(node)
            case d.SegmentCondition():
                member = Exists(
                    Membership.objects.filter(
                        segment_id=node.segment_id,
                        contact_id=OuterRef(self.subject),
                        exited_at__isnull=True,
                    )
                )
                return Q(member) if node.member else ~Q(member)
        raise AssertionError(f"Unhandled node {node!r}")  # the definition's union is closed

    # -- profile ------------------------------------------------------------------------

    def text(self, expression: Any, op: str, value: Any) -> Q:
        """Text comparisons ignore case; an unknown (NULL) text is the empty text."""
        lowered = CaseFolded(expression)
        match op:
            case "eq":
                return Q(Exact(lowered, value.lower()))
            case "ne":
                return ~Q(Exact(lowered, value.lower()))
            case "in":
                return Q(In(lowered, [v.lower() for v in value]))
            case "not_in":
                return ~Q(In(lowered, [v.lower() for v in value]))
            case "contains":
                return Q(IContains(lowered, value))
            case "not_contains":
                return ~Q(IContains(lowered, value))
            case "starts_with":
                return Q(IStartsWith(lowered, value))
            case "is_set":
                return ~Q(Exact(lowered, ""))
            case "is_not_set":
                return Q(Exact(lowered, ""))
            case _:
                raise AssertionError(f"A text operator the definition does not allow: {op!r}")

    def profile(self, node: d.ProfileCondition) -> Q:
        field, op, value = node.field, node.op, node.value
        if field in d.TEXT_FIELDS:
            return self.text(F(field), op, value)
        if field in d.BOOLEAN_FIELDS:
            return Q(**{field: value})
        if field in d.NUMBER_FIELDS:
            match op:
                case "is_set":
                    return Q(**{f"{field}__isnull": False})
                case "is_not_set":
                    return Q(**{f"{field}__isnull": True})
                case "between":
                    return Q(**{f"{field}__range": tuple(value)})
                case "ne":
                    return ~Q(**{field: value})
                case "eq" | "gt" | "gte" | "lt" | "lte":
                    return Q(**{f"{field}__{'exact' if op == 'eq' else op}": value})
                case _:
                    raise AssertionError(f"A number operator the definition does not allow: {op!r}")
        return self.date_field(field, op, value)

    def date_field(self, field: str, op: str, value: Any) -> Q:
        is_date = field == "birthday"

        def at(day: date) -> date | datetime:
            return day if is_date else _start_of(day)

        def moment(delta: timedelta) -> date | datetime:
            return self.moments.day(delta) if is_date else self.moments.at(delta)

        match op:
            case "is_set":
                return Q(**{f"{field}__isnull": False})
            case "is_not_set":
                return Q(**{f"{field}__isnull": True})
            case "before":
                return Q(**{f"{field}__lt": at(date.fromisoformat(value))})
            case "after":
                return Q(**{f"{field}__gte": at(date.fromisoformat(value) + timedelta(days=1))})
            case "between":
                low, high = (date.fromisoformat(v) for v in value)
                return Q(**{f"{field}__gte": at(low), f"{field}__lt": at(high + timedelta(1))})
            case "in_last_days":
                return Q(
                    **{
                        f"{field}__gte": moment(-timedelta(days=value)),
                        f"{field}__lte": moment(timedelta()),
                    }
                )
            case "more_than_days_ago":
                return Q(**{f"{field}__lt": moment(-timedelta(days=value))})
            case "in_next_days":
                return Q(
                    **{
                        f"{field}__gte": moment(timedelta()),
                        f"{field}__lte": moment(timedelta(days=value)),
                    }
                )
            case _:
                raise AssertionError(f"A date operator the definition does not allow: {op!r}")

    def attribute(self, node: d.AttributeCondition) -> Q:
        if node.op == "is_set":
            return Q(metadata__has_key=node.key)
        if node.op == "is_not_set":
            return ~Q(metadata__has_key=node.key)
        return self.text(KeyTextTransform(node.key, "metadata"), node.op, node.value)

    def age(self, node: d.AgeCondition) -> Q:
        """Age in whole years: ``age >= A`` is ``birthday <= today - A years``."""
        value = node.value
        low: int | None
        high: int | None
        if isinstance(value, list):
            low, high = value
        else:
            low, high = {
                "eq": (value, value),
                "gt": (value + 1, None),
                "gte": (value, None),
                "lt": (None, value - 1),
                "lte": (None, value),
            }[node.op]
        condition = Q(birthday__isnull=False)
        if low is not None:
            condition &= Q(birthday__lte=self.moments.years_before(int(low)))
        if high is not None:
            if int(high) < 0:
                return Q(pk__isnull=True)
            condition &= Q(birthday__gt=self.moments.years_before(int(high) + 1))
        return condition

    def birthday(self, node: d.BirthdayCondition) -> Q:
        keys = self.moments.birthday_keys(node.within_days)
        return Q(birthday__isnull=False) & Q(In(MonthDay("birthday"), keys))

    def spend(self, node: d.SpendCondition) -> Q:
        column = {
            "total": "total",
            "orders": "orders",
            "average_order_value": "average_order_value",
        }[node.metric]
        rows = ContactSpend.objects.filter(
            currency=node.currency, contact_id=OuterRef(self.subject)
        )
        equal = {column: node.value}
        if node.op == "ne":
            matching, failing = rows.exclude(**equal), rows.filter(**equal)
        else:
            lookup = {f"{column}__{'exact' if node.op == 'eq' else node.op}": node.value}
            matching, failing = rows.filter(**lookup), rows.exclude(**lookup)
        # A contact with no orders in the currency has spent 0 there.
        if _compare(node.op)(0, node.value):
            return ~Q(Exists(failing))
        return Q(Exists(matching))

    def prediction(self, node: d.PredictionCondition) -> Q:
        """The contact's prediction row holds a value meeting the comparison (no row, or an
        empty value: never)."""
        rows: Any
        value: Decimal | datetime
        match node.metric:
            case "probability_active" | "expected_orders":
                column = (
                    "probability_active"
                    if node.metric == "probability_active"
                    else "expected_orders_12m"
                )
                rows, value = ContactPrediction.objects.all(), node.value
            case "clv":
                column = "clv_12m"
                rows = ContactValuePrediction.objects.filter(currency=node.currency)
                rows, value = rows.filter(clv_12m__isnull=False), node.value
            case "next_order_days":
                column = "expected_next_order_at"
                rows = ContactPrediction.objects.filter(expected_next_order_at__isnull=False)
                value = self.moments.at(timedelta(days=float(node.value)))
            case _:
                assert_never(node.metric)
        rows = rows.filter(contact_id=OuterRef(self.subject))
        if node.op == "ne":
            return Q(Exists(rows.exclude(**{column: value})))
        lookup = "exact" if node.op == "eq" else node.op
        return Q(Exists(rows.filter(**{f"{column}__{lookup}": value})))

    # -- events and orders ------------------------------------------------------------------

    def window(self, window: d.Window | None, column: str) -> Q:
        if window is None:
            return Q()
        if window.last_days is not None:
            return Q(**{f"{column}__gte": self.moments.at(-timedelta(days=window.last_days))})
        condition = Q()
        if window.start:
            condition &= Q(**{f"{column}__gte": _start_of(window.start)})
        if window.end:
            condition &= Q(**{f"{column}__lt": _start_of(window.end + timedelta(days=1))})
        return condition

    def where(self, filters: list[d.PropertyFilter]) -> Q:
        condition = Q()
        for item in filters:
            json_value = KeyTransform(item.property, "properties")
            match item.op:
                case "eq":
                    condition &= Q(_json_exact(json_value, item.value))
                case "ne":
                    condition &= Q(properties__has_key=item.property) & ~Q(
                        _json_exact(json_value, item.value)
                    )
                case "in":
                    values: list[Any] = item.value  # type: ignore[assignment]
                    condition &= reduce(
                        lambda a, b: a | b, (Q(_json_exact(json_value, v)) for v in values)
                    )
                case "has":
                    condition &= Q(JSONListHas("properties", item.property, str(item.value)))
                case op:
                    number = JSONNumber("properties", item.property)
                    condition &= Q(COMPARISONS[op](number, item.value))
        return condition

    def counted(self, rows: Any, count: d.Count, owner: str = "contact_id") -> Q:
        """``count`` compared with N, from "contact has at least n rows" (``at_least``)."""

        def at_least(n: int) -> Q:
            if n <= 0:
                return TRUE
            if n == 1:
                return Q(Exists(rows.filter(**{owner: OuterRef(self.subject)})))
            if self.mode == "bulk":
                grouped = (
                    rows.filter(**{f"{owner}__isnull": False})
                    .order_by()
                    .values(owner)
                    .annotate(n=Count("*"))
                    .filter(n__gte=n)
                    .values(owner)
                )
                return Q(**{f"{self.subject}__in": grouped})
            counting = (
                rows.filter(**{owner: OuterRef(self.subject)})
                .order_by()
                .values(owner)
                .annotate(n=Count("*"))
                .values("n")[:1]
            )
            return Q(GreaterThanOrEqual(Coalesce(Subquery(counting), 0), n))

        n = count.value
        match count.op:
            case "gte":
                return at_least(n)
            case "gt":
                return at_least(n + 1)
            case "lt":
                return ~at_least(n)
            case "lte":
                return ~at_least(n + 1)
            case "eq":
                return at_least(n) & ~at_least(n + 1)
            case "ne":
                return ~(at_least(n) & ~at_least(n + 1))
            case _:
                assert_never(count.op)

    def events(self, node: d.EventCondition) -> Q:
        return self.counted(self.rows(node), node.count)

    def email(self, node: d.EmailCondition) -> Q:
        return self.counted(self.rows(node), node.count)

    def orders(self, node: d.OrderCondition) -> Q:
        return self.counted(self.rows(node), node.count)

    def rows(self, node: Driver) -> Any:
        """The event or order rows a condition counts (of every contact)."""
        match node:
            case d.EventCondition():
                return Event.objects.filter(
                    Q(installation_id=self.installation_id, type=node.event_type)
                    & self.window(node.window, "occurred_at")
                    & self.where(node.where)
                )
            case d.EmailCondition():
                rows = Event.objects.filter(
                    Q(installation_id=self.installation_id, type=f"email.{node.action}")
                    & self.window(node.window, "occurred_at")
                )
                if node.action in EMAIL_MACHINE_FLAGGED:
                    rows = rows.exclude(_machine_flagged())
                return rows
            case d.OrderCondition():
                return self.order_rows(node)
            case _:
                assert_never(node)

    def order_rows(self, node: d.OrderCondition) -> Any:
        condition = Q(installation_id=self.installation_id) & self.window(node.window, "placed_at")
        if node.channel:
            condition &= Q(channel_slug=node.channel)
        matches = [
            Q(JSONLinesMatch("lines", key, values))
            for key, values in (
                ("product_id", node.product_ids),
                ("variant_id", node.variant_ids),
                ("category_id", node.category_ids),
            )
            if values
        ]
        if matches:
            condition &= reduce(lambda a, b: a | b, matches)
        return OrderRecord.objects.filter(condition).exclude(status__in=NOT_COUNTED)


def _machine_flagged() -> Q:
    """``properties.machine`` is true: an open by a privacy proxy, a click by a scanner.
    (``has_key`` first: without the key the comparison is NULL, and excluding NULL would
    drop every unflagged event.)"""
    return Q(properties__has_key="machine") & Q(
        _json_exact(KeyTransform("machine", "properties"), True)
    )


def _json_exact(json_value: KeyTransform, value: Any) -> Any:
    lookup = json_value.get_lookup("exact")
    assert lookup is not None
    return lookup(json_value, Value(value, output_field=JSONField()))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _compare(op: str) -> Any:
    return {
        "eq": lambda a, b: a == b,
        "ne": lambda a, b: a != b,
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }[op]


def compile_definition(
    definition: d.Definition, *, installation_id: int, now: datetime, mode: Mode = "bulk"
) -> Q:
    """The condition on ``Contact`` rows of ``installation_id`` (the caller adds the
    installation filter itself, so the condition also annotates a single contact)."""
    return Compiler(installation_id=installation_id, moments=Moments(now), mode=mode).compile(
        definition
    )
