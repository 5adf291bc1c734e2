"""Reports, read from the daily tallies only (a few hundred rows per journey and year, never
the raw events): the overview, a journey's, a template's and a broadcast's funnels, holdout
and A/B results.

A funnel's ``converted`` and ``revenue`` depend on the scope: for a journey (or a version) they
are the runs that reached the goal and the goal orders' worth; for everything else (the shop,
a template, a node, a channel) the orders attributed to its messages and their worth. Money
stays per currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from saleor_mautomation.analytics import stats
from saleor_mautomation.analytics.attribution import ATTRIBUTED
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.events.models import DailyTally
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.conversions import (
    CONVERTED,
    ENTERED,
    RECOVERED,
    SPLIT_CONVERTED,
    SPLIT_ENTERED,
)
from saleor_mautomation.journeys.models import Journey, JourneyVersion
from saleor_mautomation.messages.models import Template

MAX_DAYS = 731
DAILY_UP_TO = 92
TOP = 10
COMPLAINT_LINE = 0.003  # the spam-complaint rate Gmail and Yahoo require senders to stay under
MESSAGE_METRICS = (
    "sent",
    "delivered",
    "opened",
    "clicked",
    "unsubscribed",
    "bounced",
    "complained",
)


class RangeInvalid(PermanentError):
    code = "invalid_range"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


def period_of(start: date, end: date) -> Period:
    if end < start:
        raise RangeInvalid("The range ends before it starts")
    period = Period(start, end)
    if period.days > MAX_DAYS:
        raise RangeInvalid(f"A range is at most {MAX_DAYS} days")
    return period


@dataclass
class Funnel:
    entered: int = 0
    sent: int = 0
    delivered: int = 0
    opened: int = 0
    clicked: int = 0
    converted: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)
    unsubscribed: int = 0
    bounced: int = 0
    complained: int = 0

    def absorb(self, other: Funnel) -> None:
        """Add ``other``'s figures to these (money per currency)."""
        for name in ("entered", "converted", *MESSAGE_METRICS):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for currency, amount in other.revenue.items():
            self.revenue[currency] = self.revenue.get(currency, Decimal(0)) + amount

    def add(self, metric: str, currency: str, count: int, amount: Decimal, *, goal: bool) -> None:
        """Add one tally row; ``goal``: the scope converts by its journey goal."""
        conversion = CONVERTED if goal else ATTRIBUTED
        if metric in MESSAGE_METRICS:
            setattr(self, metric, getattr(self, metric) + count)
        elif metric == ENTERED and goal:
            self.entered += count
        elif metric == conversion:
            self.converted += count
            if currency:
                self.revenue[currency] = self.revenue.get(currency, Decimal(0)) + amount


def _rows(
    installation_id: int, period: Period | None, scope: Q, group: Iterable[str] = ()
) -> list[dict[str, Any]]:
    rows = DailyTally.objects.filter(scope, installation_id=installation_id)
    if period is not None:
        rows = rows.filter(day__gte=period.start, day__lte=period.end)
    return list(
        rows.values(*group, "metric", "currency").annotate(
            n=Sum("count"), a=Sum("amount"), sq=Sum("amount_sq")
        )
    )


def _funnels(
    rows: Iterable[Mapping[str, Any]], group: tuple[str, ...], *, goal: bool
) -> dict[Any, Funnel]:
    funnels: dict[Any, Funnel] = defaultdict(Funnel)
    for row in rows:
        key = tuple(row[g] for g in group) if len(group) != 1 else row[group[0]]
        funnels[key].add(row["metric"], row["currency"], row["n"], row["a"], goal=goal)
    return funnels


# Treated runs and every message: what a journey's funnel counts (held-out runs apart).
TREATED = Q(holdout=False)
FUNNEL_METRICS = Q(metric__in=(*MESSAGE_METRICS, ENTERED, CONVERTED, ATTRIBUTED))


def _funnel(installation_id: int, period: Period | None, scope: Q, *, goal: bool) -> Funnel:
    return _sum(_rows(installation_id, period, scope & FUNNEL_METRICS & TREATED), goal=goal)


def _sum(rows: Iterable[Mapping[str, Any]], *, goal: bool) -> Funnel:
    funnel = Funnel()
    for row in rows:
        funnel.add(row["metric"], row["currency"], row["n"], row["a"], goal=goal)
    return funnel


def granularity(period: Period) -> str:
    """How a period's series is cut: per day up to ``DAILY_UP_TO`` days, per week beyond (a
    chart of a year is read by weeks, and 365 points cost the API a third of its time)."""
    return "day" if period.days <= DAILY_UP_TO else "week"


def _days(
    installation_id: int, period: Period, scope: Q, *, goal: bool
) -> list[tuple[date, Funnel]]:
    """The period's series, zero-filled, oldest first: per day, or per week (Monday to
    Sunday; the first and last weeks cut at the period's ends) each under its first day."""
    rows = _rows(installation_id, period, scope & FUNNEL_METRICS & TREATED, ("day",))
    by_day = _funnels(rows, ("day",), goal=goal)
    if granularity(period) == "day":
        return [(day, by_day.get(day, Funnel())) for day in period.each_day()]
    weeks: dict[date, Funnel] = {}
    for day in period.each_day():
        week = weeks.setdefault(max(period.start, day - timedelta(days=day.weekday())), Funnel())
        if day in by_day:
            week.absorb(by_day[day])
    return list(weeks.items())


# -- the overview -------------------------------------------------------------------------------


@dataclass
class OverviewFigures:
    funnel: Funnel
    recovered_checkouts: int
    recovered_revenue: dict[str, Decimal]
    subscribed: int
    unsubscribed: int

    @property
    def bounce_rate(self) -> float:
        return stats.rate(self.funnel.bounced, self.funnel.sent)

    @property
    def complaint_rate(self) -> float:
        return stats.rate(self.funnel.complained, self.funnel.sent)


@dataclass(frozen=True)
class Ranked:
    id: int
    name: str
    funnel: Funnel


@dataclass
class Overview:
    period: Period
    current: OverviewFigures
    previous_period: Period | None
    previous: OverviewFigures | None
    days: list[tuple[date, Funnel]]
    top_journeys: list[Ranked]
    top_templates: list[Ranked]
    channels: dict[str, Funnel]


def _channels(installation_id: int, period: Period) -> dict[str, Funnel]:
    rows = _rows(
        installation_id,
        period,
        ~Q(channel="") & Q(metric__in=(*MESSAGE_METRICS, ATTRIBUTED)),
        ("channel",),
    )
    return dict(sorted(_funnels(rows, ("channel",), goal=False).items()))


def _overview_figures(installation_id: int, period: Period) -> OverviewFigures:
    funnel = _sum(
        _rows(installation_id, period, Q(metric__in=(*MESSAGE_METRICS, ATTRIBUTED))),
        goal=False,
    )
    recovered = Funnel()
    subscribed = unsubscribed = 0
    for row in _rows(
        installation_id,
        period,
        Q(metric__in=(RECOVERED, "list.subscribed", "list.unsubscribed")),
    ):
        if row["metric"] == RECOVERED:
            recovered.add(CONVERTED, row["currency"], row["n"], row["a"], goal=True)
        elif row["metric"] == "list.subscribed":
            subscribed += row["n"]
        else:
            unsubscribed += row["n"]
    return OverviewFigures(funnel, recovered.converted, recovered.revenue, subscribed, unsubscribed)


def _named(
    model: type[Journey] | type[Template], installation_id: int, funnels: dict[Any, Funnel]
) -> list[Ranked]:
    """The funnels of the shop's journeys or templates with their names (one gone since is
    left out)."""
    names = dict(
        model.objects.filter(installation_id=installation_id, pk__in=funnels).values_list(
            "pk", "name"
        )
    )
    return [Ranked(pk, names[pk], f) for pk, f in funnels.items() if pk in names]


def _top_journeys(installation_id: int, period: Period) -> list[Ranked]:
    rows = _rows(
        installation_id,
        period,
        ~Q(journey_id=0) & FUNNEL_METRICS & TREATED,
        ("journey_id",),
    )
    funnels = _funnels(rows, ("journey_id",), goal=True)
    ranked = _named(Journey, installation_id, funnels)
    return sorted(ranked, key=lambda r: (-r.funnel.converted, -r.funnel.sent, r.name))[:TOP]


def _top_templates(installation_id: int, period: Period) -> list[Ranked]:
    rows = _rows(
        installation_id,
        period,
        ~Q(template_id=0) & Q(metric__in=(*MESSAGE_METRICS, ATTRIBUTED)),
        ("template_id",),
    )
    funnels = _funnels(rows, ("template_id",), goal=False)
    ranked = _named(Template, installation_id, funnels)
    return sorted(ranked, key=lambda r: (-r.funnel.clicked, -r.funnel.sent, r.name))[:TOP]


def analytics_overview(*, installation_id: int, period: Period, compare: bool) -> Overview:
    previous_period = period.previous() if compare else None
    return Overview(
        period=period,
        current=_overview_figures(installation_id, period),
        previous_period=previous_period,
        previous=_overview_figures(installation_id, previous_period) if previous_period else None,
        days=_days(installation_id, period, Q(), goal=False),
        top_journeys=_top_journeys(installation_id, period),
        top_templates=_top_templates(installation_id, period),
        channels=_channels(installation_id, period),
    )


# -- holdouts and A/B tests ---------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    recipients: int
    converted: int
    revenue: dict[str, Decimal]
    revenue_sq: dict[str, Decimal]

    @property
    def rate(self) -> float:
        return stats.rate(self.converted, self.recipients)


@dataclass(frozen=True)
class CurrencyInterval:
    currency: str
    result: stats.MeanDifference


@dataclass(frozen=True)
class Holdout:
    percent: int
    treated: Group
    holdout: Group
    verdict: stats.Verdict
    lift: stats.Difference | None
    revenue: list[CurrencyInterval]


def _groups(rows: Iterable[Mapping[str, Any]]) -> dict[bool, Group]:
    parts: dict[bool, dict[str, Any]] = {
        held: {"n": 0, "c": 0, "rev": {}, "sq": {}} for held in (False, True)
    }
    for row in rows:
        part = parts[row["holdout"]]
        if row["metric"] == ENTERED:
            part["n"] += row["n"]
        else:
            part["c"] += row["n"]
            if row["currency"]:
                part["rev"][row["currency"]] = part["rev"].get(row["currency"], 0) + row["a"]
                part["sq"][row["currency"]] = part["sq"].get(row["currency"], 0) + row["sq"]
    return {
        held: Group(part["n"], part["c"], part["rev"], part["sq"]) for held, part in parts.items()
    }


def holdout_result(
    *, installation_id: int, scope: Q, period: Period | None, percent: int
) -> Holdout:
    rows = _rows(installation_id, period, scope & Q(metric__in=(ENTERED, CONVERTED)), ("holdout",))
    groups = _groups(rows)
    treated, held = groups[False], groups[True]
    verdict, lift = stats.holdout_verdict(
        treated.converted, treated.recipients, held.converted, held.recipients
    )
    revenue = []
    for currency in sorted(set(treated.revenue) | set(held.revenue)):
        result = stats.means_compare(
            Decimal(treated.revenue.get(currency, 0)),
            Decimal(treated.revenue_sq.get(currency, 0)),
            treated.recipients,
            Decimal(held.revenue.get(currency, 0)),
            Decimal(held.revenue_sq.get(currency, 0)),
            held.recipients,
        )
        if result is not None:
            revenue.append(CurrencyInterval(currency, result))
    return Holdout(percent, treated, held, verdict, lift, revenue)


@dataclass(frozen=True)
class Variant:
    branch: int
    label: str
    recipients: int
    conversions: int
    clicks: int
    compared: stats.Difference | None

    @property
    def conversion_rate(self) -> float:
        return stats.rate(self.conversions, self.recipients)

    @property
    def click_rate(self) -> float:
        return stats.rate(self.clicks, self.recipients)


@dataclass(frozen=True)
class AbTest:
    node: str
    kind: str  # split | subject
    metric: str  # conversion | click
    variants: list[Variant]
    verdict: stats.AbVerdict
    winner: int | None


def _labels(definition: d.JourneyDefinition | None, node_id: str) -> tuple[str, list[str]] | None:
    """The kind of test a node is and its variants' labels; None for a node that is none."""
    node = definition.nodes.get(node_id) if definition else None
    if isinstance(node, d.Split):
        return "split", [
            getattr(branch, "label", "") or f"Branch {chr(65 + i)}"
            for i, branch in enumerate(node.branches)
        ]
    subjects = getattr(node, "subject_variants", None)
    if subjects:
        return "subject", list(subjects)
    return None


def ab_result(
    *,
    installation_id: int,
    journey: Journey,
    node_id: str,
    definition: d.JourneyDefinition | None,
    metric: str = "",
    version_id: int | None = None,
) -> AbTest | None:
    """Per variant of the split (or subject test) ``node_id``: recipients, conversions,
    recipients who clicked; the winner by ``metric`` (conversions when the journey has a
    goal, else clicks, unless given). Held-out runs are left out (they received nothing).
    Every version's, or ``version_id``'s only (a broadcast's test share)."""
    labels = _labels(definition, node_id)
    if labels is None:
        return None
    kind, names = labels
    scope = Q(journey_id=journey.pk, split_node=node_id, holdout=False)
    if version_id is not None:
        scope &= Q(version_id=version_id)
    rows = _rows(
        installation_id,
        None,
        scope & Q(metric__in=(SPLIT_ENTERED, SPLIT_CONVERTED, "clicked")),
        ("split_branch",),
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row["split_branch"]][row["metric"]] += row["n"]
    metric = metric or ("conversion" if definition and definition.goal else "click")
    success = SPLIT_CONVERTED if metric == "conversion" else "clicked"
    arms = [stats.Arm(counts[i][success], counts[i][SPLIT_ENTERED]) for i in range(len(names))]
    verdict, winner, compared = stats.ab_decide(arms)
    variants = [
        Variant(
            branch=i,
            label=names[i],
            recipients=counts[i][SPLIT_ENTERED],
            conversions=counts[i][SPLIT_CONVERTED],
            clicks=counts[i]["clicked"],
            compared=compared[i],
        )
        for i in range(len(names))
    ]
    return AbTest(node_id, kind, metric, variants, verdict, winner)


def ab_results(*, installation_id: int, journey: Journey) -> list[AbTest]:
    """Every test of the journey's current version."""
    version = journey.current_version
    if version is None:
        return []
    definition = d.JourneyDefinition.model_validate(version.definition)
    results = []
    for node_id in definition.nodes:
        result = ab_result(
            installation_id=installation_id,
            journey=journey,
            node_id=node_id,
            definition=definition,
        )
        if result is not None:
            results.append(result)
    return results


# -- one journey, one template --------------------------------------------------------------------


@dataclass
class JourneyReport:
    period: Period
    version: int | None
    funnel: Funnel
    previous: Funnel | None
    days: list[tuple[date, Funnel]]
    nodes: dict[str, Funnel]
    versions: list[tuple[int, Funnel]]
    channels: dict[str, Funnel]
    holdout: Holdout
    ab_tests: list[AbTest]


def journey_report(
    *,
    installation_id: int,
    journey: Journey,
    period: Period,
    compare: bool,
    version: int | None = None,
) -> JourneyReport:
    scope = Q(journey_id=journey.pk)
    if version is not None:
        version_id = (
            JourneyVersion.objects.filter(journey=journey, number=version)
            .values_list("pk", flat=True)
            .first()
        )
        scope &= Q(version_id=version_id or -1)
    messages = Q(metric__in=(*MESSAGE_METRICS, ATTRIBUTED))
    node_rows = _rows(installation_id, period, scope & messages & ~Q(node=""), ("node",))
    channel_rows = _rows(installation_id, period, scope & messages, ("channel",))
    version_rows = _rows(
        installation_id,
        period,
        Q(journey_id=journey.pk) & FUNNEL_METRICS & TREATED,
        ("version_id",),
    )
    numbers = dict(JourneyVersion.objects.filter(journey=journey).values_list("pk", "number"))
    by_version = _funnels(version_rows, ("version_id",), goal=True)
    current = journey.current_version
    percent = 0
    if current is not None:
        percent = d.JourneyDefinition.model_validate(current.definition).holdout_percent
    return JourneyReport(
        period=period,
        version=version,
        funnel=_funnel(installation_id, period, scope, goal=True),
        previous=_funnel(installation_id, period.previous(), scope, goal=True) if compare else None,
        days=_days(installation_id, period, scope, goal=True),
        nodes=dict(_funnels(node_rows, ("node",), goal=False)),
        versions=sorted(
            ((numbers[pk], f) for pk, f in by_version.items() if pk in numbers),
            key=lambda item: -item[0],
        ),
        channels={
            channel: f
            for channel, f in _funnels(channel_rows, ("channel",), goal=False).items()
            if channel
        },
        holdout=holdout_result(
            installation_id=installation_id, scope=scope, period=period, percent=percent
        ),
        ab_tests=ab_results(installation_id=installation_id, journey=journey),
    )


@dataclass
class TemplateReport:
    period: Period
    funnel: Funnel
    previous: Funnel | None
    days: list[tuple[date, Funnel]]
    journeys: list[Ranked]


def template_report(
    *, installation_id: int, template: Template, period: Period, compare: bool
) -> TemplateReport:
    scope = Q(template_id=template.pk)
    journey_rows = _rows(
        installation_id,
        period,
        scope & ~Q(journey_id=0) & Q(metric__in=(*MESSAGE_METRICS, ATTRIBUTED)),
        ("journey_id",),
    )
    funnels = _funnels(journey_rows, ("journey_id",), goal=False)
    return TemplateReport(
        period=period,
        funnel=_funnel(installation_id, period, scope, goal=False),
        previous=_funnel(installation_id, period.previous(), scope, goal=False)
        if compare
        else None,
        days=_days(installation_id, period, scope, goal=False),
        journeys=sorted(
            _named(Journey, installation_id, funnels), key=lambda r: (-r.funnel.sent, r.name)
        ),
    )


@dataclass
class BroadcastReport:
    funnel: Funnel
    days: list[tuple[date, Funnel]]


BROADCAST_DAYS = 90


def broadcast_report(*, installation_id: int, journey: Journey) -> BroadcastReport:
    """A broadcast's figures since it started: its conversions are the orders attributed to
    its messages (within the attribution windows), not a journey goal; the days from its
    first tally on (at most ``BROADCAST_DAYS``)."""
    scope = Q(journey_id=journey.pk)
    days = DailyTally.objects.filter(scope, installation_id=installation_id).values_list(
        "day", flat=True
    )
    first = days.order_by("day").first()
    funnel = _funnel(installation_id, None, scope, goal=False)
    if first is None:
        return BroadcastReport(funnel, [])
    last = days.order_by("-day").first() or first
    period = Period(first, min(last, first + timedelta(days=BROADCAST_DAYS - 1)))
    return BroadcastReport(funnel, _days(installation_id, period, scope, goal=False))
