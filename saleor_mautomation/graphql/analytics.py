"""Dashboard GraphQL of analytics: the overview, one journey's, template's and broadcast's
figures, and A/B results; all read from the daily tallies (``analytics.selectors``).

Dates are UTC days, both ends included; ``compare`` adds the period of the same length just
before. Money is a list of amounts per currency, never a sum across currencies.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import graphene

from saleor_mautomation.analytics import selectors as s
from saleor_mautomation.analytics import stats
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.messages.models import Template


class CurrencyAmount(graphene.ObjectType):
    currency = graphene.String(required=True)
    amount = graphene.Decimal(required=True)


def _money(amounts: dict[str, Decimal]) -> list[CurrencyAmount]:
    return [CurrencyAmount(currency=c, amount=amounts[c]) for c in sorted(amounts)]


class Funnel(graphene.ObjectType):
    """What happened to the messages and runs of one scope in one period."""

    entered = graphene.Int(required=True, description="Runs that entered (journeys only).")
    sent = graphene.Int(required=True, description="Messages handed to the provider.")
    delivered = graphene.Int(
        required=True, description="Delivery reports (ESPs, SMS); SMTP gives none."
    )
    opened = graphene.Int(
        required=True,
        description="Recipients with a person's open (privacy proxies and scanners left out).",
    )
    clicked = graphene.Int(required=True, description="Recipients with a person's click.")
    converted = graphene.Int(
        required=True,
        description="A journey's: runs that reached its goal; elsewhere: attributed orders.",
    )
    revenue = graphene.List(
        graphene.NonNull(CurrencyAmount),
        required=True,
        description="A journey's: its goal orders' worth; elsewhere: attributed revenue.",
    )
    unsubscribed = graphene.Int(required=True)
    bounced = graphene.Int(required=True)
    complained = graphene.Int(required=True)

    @staticmethod
    def of(funnel: s.Funnel) -> Funnel:
        return Funnel(
            entered=funnel.entered,
            sent=funnel.sent,
            delivered=funnel.delivered,
            opened=funnel.opened,
            clicked=funnel.clicked,
            converted=funnel.converted,
            revenue=_money(funnel.revenue),
            unsubscribed=funnel.unsubscribed,
            bounced=funnel.bounced,
            complained=funnel.complained,
        )


class FunnelDay(graphene.ObjectType):
    day = graphene.Date(required=True)
    funnel = graphene.Field(Funnel, required=True)


def _days(days: list[tuple[date, s.Funnel]]) -> list[FunnelDay]:
    return [FunnelDay(day=day, funnel=Funnel.of(f)) for day, f in days]


class AnalyticsPeriod(graphene.ObjectType):
    from_ = graphene.Date(required=True, name="from")
    to = graphene.Date(required=True)

    @staticmethod
    def of(period: s.Period | None) -> AnalyticsPeriod | None:
        return None if period is None else AnalyticsPeriod(from_=period.start, to=period.end)


class AnalyticsOverviewFigures(graphene.ObjectType):
    funnel = graphene.Field(
        Funnel, required=True, description="Every message; converted: attributed orders."
    )
    recovered_checkouts = graphene.Int(
        required=True, description="Conversions of abandoned-checkout journeys (not held out)."
    )
    recovered_revenue = graphene.List(graphene.NonNull(CurrencyAmount), required=True)
    subscribed = graphene.Int(required=True, description="Email consents granted.")
    unsubscribed = graphene.Int(required=True, description="Email consents withdrawn.")
    bounce_rate = graphene.Float(required=True, description="Bounced / sent.")
    complaint_rate = graphene.Float(required=True, description="Complained / sent.")

    @staticmethod
    def of(figures: s.OverviewFigures | None) -> AnalyticsOverviewFigures | None:
        if figures is None:
            return None
        return AnalyticsOverviewFigures(
            funnel=Funnel.of(figures.funnel),
            recovered_checkouts=figures.recovered_checkouts,
            recovered_revenue=_money(figures.recovered_revenue),
            subscribed=figures.subscribed,
            unsubscribed=figures.unsubscribed,
            bounce_rate=figures.bounce_rate,
            complaint_rate=figures.complaint_rate,
        )


class AnalyticsRow(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    funnel = graphene.Field(Funnel, required=True)


def _ranked(kind: str, rows: list[s.Ranked]) -> list[AnalyticsRow]:
    return [
        AnalyticsRow(id=to_global_id(kind, r.id), name=r.name, funnel=Funnel.of(r.funnel))
        for r in rows
    ]


class AnalyticsOverview(graphene.ObjectType):
    granularity = graphene.String(
        required=True,
        description="How days is cut: day (up to 92 days), week (longer: each point is a week, "
        "Monday to Sunday, under its first day in the period).",
    )
    period = graphene.Field(AnalyticsPeriod, required=True)
    previous_period = graphene.Field(AnalyticsPeriod)
    current = graphene.Field(AnalyticsOverviewFigures, required=True)
    previous = graphene.Field(AnalyticsOverviewFigures)
    days = graphene.List(
        graphene.NonNull(FunnelDay),
        required=True,
        description="The series, zero-filled, oldest first: per day or per week (granularity).",
    )
    top_journeys = graphene.List(
        graphene.NonNull(AnalyticsRow), required=True, description="By conversions, then sent."
    )
    top_templates = graphene.List(
        graphene.NonNull(AnalyticsRow), required=True, description="By clicks, then sent."
    )
    channels = graphene.List(
        graphene.NonNull(lambda: ChannelFunnel),
        required=True,
        description="Per channel (email, sms, push); converted: attributed orders.",
    )
    complaint_line = graphene.Float(
        required=True,
        description="The spam-complaint rate Gmail and Yahoo require bulk senders to stay "
        "under (0.3%).",
    )


class CurrencyInterval(graphene.ObjectType):
    currency = graphene.String(required=True)
    treated = graphene.Decimal(required=True, description="Revenue per treated recipient.")
    holdout = graphene.Decimal(required=True, description="Revenue per held-out recipient.")
    difference = graphene.Decimal(required=True)
    low = graphene.Decimal(description="95% interval of the difference (Welch).")
    high = graphene.Decimal()


class HoldoutGroup(graphene.ObjectType):
    recipients = graphene.Int(required=True)
    converted = graphene.Int(required=True)
    rate = graphene.Float(required=True)
    revenue = graphene.List(graphene.NonNull(CurrencyAmount), required=True)

    @staticmethod
    def of(group: s.Group) -> HoldoutGroup:
        return HoldoutGroup(
            recipients=group.recipients,
            converted=group.converted,
            rate=group.rate,
            revenue=_money(group.revenue),
        )


def _points(value: float) -> str:
    return f"{value * 100:.1f}"


def holdout_message(result: s.Holdout) -> str:
    treated, held, lift = result.treated, result.holdout, result.lift
    match result.verdict:
        case "no_holdout":
            return "This journey has no holdout: there is nothing to compare its recipients with."
        case "too_few":
            return (
                f"Too few runs to compare yet ({treated.recipients} treated, {held.recipients} "
                f"held out, {treated.converted + held.converted} conversions): wait for at "
                f"least {stats.MIN_GROUP} in each group and {stats.MIN_SUCCESSES} conversions."
            )
        case "better":
            assert lift is not None
            return (
                f"The journey works: its recipients converted {_points(lift.difference)} points "
                f"more than the holdout ({_points(treated.rate)}% against "
                f"{_points(held.rate)}%; 95% interval {_points(lift.low)} to "
                f"{_points(lift.high)} points)."
            )
        case "worse":
            assert lift is not None
            return (
                f"The journey does harm: its recipients converted "
                f"{_points(-lift.difference)} points less than the holdout "
                f"({_points(treated.rate)}% against {_points(held.rate)}%)."
            )
        case "no_evidence":
            assert lift is not None
            return (
                f"No evidence yet that the journey makes a difference: {_points(treated.rate)}% "
                f"against {_points(held.rate)}% for the holdout; the 95% interval of the lift "
                f"({_points(lift.low)} to {_points(lift.high)} points) includes zero."
            )


class HoldoutResult(graphene.ObjectType):
    holdout_percent = graphene.Int(required=True)
    treated = graphene.Field(HoldoutGroup, required=True)
    holdout = graphene.Field(HoldoutGroup, required=True)
    lift = graphene.Float(description="Treated rate - holdout rate (0.041: 4.1 points).")
    lift_low = graphene.Float(description="95% interval of the lift.")
    lift_high = graphene.Float()
    revenue_per_recipient = graphene.List(graphene.NonNull(CurrencyInterval), required=True)
    verdict = graphene.String(
        required=True, description="no_holdout, too_few, no_evidence, better or worse"
    )
    message = graphene.String(required=True)

    @staticmethod
    def of(result: s.Holdout) -> HoldoutResult:
        lift = result.lift
        return HoldoutResult(
            holdout_percent=result.percent,
            treated=HoldoutGroup.of(result.treated),
            holdout=HoldoutGroup.of(result.holdout),
            lift=lift.difference if lift else None,
            lift_low=lift.low if lift else None,
            lift_high=lift.high if lift else None,
            revenue_per_recipient=[
                CurrencyInterval(
                    currency=r.currency,
                    treated=r.result.treated,
                    holdout=r.result.control,
                    difference=r.result.difference,
                    low=r.result.low,
                    high=r.result.high,
                )
                for r in result.revenue
            ],
            verdict=result.verdict,
            message=holdout_message(result),
        )


class AbVariant(graphene.ObjectType):
    branch = graphene.Int(required=True, description="0-based; 0 is the control.")
    label = graphene.String(required=True)
    recipients = graphene.Int(required=True)
    conversions = graphene.Int(required=True)
    conversion_rate = graphene.Float(required=True)
    clicks = graphene.Int(required=True, description="Recipients who clicked.")
    click_rate = graphene.Float(required=True)
    uplift = graphene.Float(description="Rate - the control's (null for the control).")
    p_value = graphene.Float(description="Two-sided, against the control.")
    low = graphene.Float(description="Interval of the uplift (Bonferroni-corrected level).")
    high = graphene.Float()


def ab_message(result: s.AbTest) -> str:
    what = "conversion" if result.metric == "conversion" else "click"
    match result.verdict:
        case "too_few":
            return (
                f"Too few recipients to compare yet: each variant needs {stats.MIN_GROUP} and "
                f"all together {stats.MIN_SUCCESSES} {what}s."
            )
        case "winner":
            assert result.winner is not None
            winner = result.variants[result.winner]
            return (
                f"{winner.label} wins on {what} rate "
                f"({_points(winner.conversion_rate if what == 'conversion' else winner.click_rate)}"
                "%), significant at 95%."
            )
        case "no_winner_yet":
            return f"No winner yet: no variant's {what} rate differs significantly from another's."


class AbTestResult(graphene.ObjectType):
    node = graphene.String(required=True)
    kind = graphene.String(required=True, description="split or subject")
    metric = graphene.String(required=True, description="What decides: conversion or click.")
    variants = graphene.List(graphene.NonNull(AbVariant), required=True)
    winner = graphene.Int()
    verdict = graphene.String(required=True, description="winner, no_winner_yet or too_few")
    message = graphene.String(required=True)

    @staticmethod
    def of(result: s.AbTest) -> AbTestResult:
        return AbTestResult(
            node=result.node,
            kind=result.kind,
            metric=result.metric,
            variants=[
                AbVariant(
                    branch=v.branch,
                    label=v.label,
                    recipients=v.recipients,
                    conversions=v.conversions,
                    conversion_rate=v.conversion_rate,
                    clicks=v.clicks,
                    click_rate=v.click_rate,
                    uplift=v.compared.difference if v.compared else None,
                    p_value=v.compared.p_value if v.compared else None,
                    low=v.compared.low if v.compared else None,
                    high=v.compared.high if v.compared else None,
                )
                for v in result.variants
            ],
            winner=result.winner,
            verdict=result.verdict,
            message=ab_message(result),
        )


class NodeAnalytics(graphene.ObjectType):
    node = graphene.String(required=True)
    funnel = graphene.Field(Funnel, required=True)


class VersionFunnel(graphene.ObjectType):
    number = graphene.Int(required=True)
    funnel = graphene.Field(Funnel, required=True)


class ChannelFunnel(graphene.ObjectType):
    channel = graphene.String(required=True)
    funnel = graphene.Field(Funnel, required=True)


class JourneyAnalytics(graphene.ObjectType):
    granularity = graphene.String(
        required=True,
        description="How days is cut: day (up to 92 days), week (longer: each point is a week, "
        "Monday to Sunday, under its first day in the period).",
    )
    period = graphene.Field(AnalyticsPeriod, required=True)
    version = graphene.Int(description="Null: every version.")
    funnel = graphene.Field(Funnel, required=True)
    previous = graphene.Field(Funnel)
    days = graphene.List(graphene.NonNull(FunnelDay), required=True)
    nodes = graphene.List(
        graphene.NonNull(NodeAnalytics),
        required=True,
        description="Per sending node; converted and revenue: attributed to its messages.",
    )
    versions = graphene.List(
        graphene.NonNull(VersionFunnel), required=True, description="Newest first."
    )
    channels = graphene.List(graphene.NonNull(ChannelFunnel), required=True)
    holdout = graphene.Field(HoldoutResult, required=True)
    ab_tests = graphene.List(graphene.NonNull(AbTestResult), required=True)


class TemplateAnalytics(graphene.ObjectType):
    granularity = graphene.String(
        required=True,
        description="How days is cut: day (up to 92 days), week (longer: each point is a week, "
        "Monday to Sunday, under its first day in the period).",
    )
    period = graphene.Field(AnalyticsPeriod, required=True)
    funnel = graphene.Field(Funnel, required=True)
    previous = graphene.Field(Funnel)
    days = graphene.List(graphene.NonNull(FunnelDay), required=True)
    journeys = graphene.List(
        graphene.NonNull(AnalyticsRow), required=True, description="Journeys that sent it."
    )


class BroadcastTest(graphene.ObjectType):
    share_percent = graphene.Int(required=True)
    wait_hours = graphene.Int(required=True)
    metric = graphene.String(required=True, description="What decides: click or conversion.")
    decided_at = graphene.DateTime(description="Null until the winner is chosen.")
    winner = graphene.Int(description="The branch sent to the rest; null until chosen.")
    significant = graphene.Boolean(
        description="Won significantly (else: the best rate seen); null until chosen."
    )
    result = graphene.Field(
        AbTestResult, description="The test share's figures per branch (the rest not counted)."
    )

    @staticmethod
    def of(installation_id: int, journey: Journey) -> BroadcastTest | None:
        """The test of the journey's current version's broadcast, None without one."""
        version = journey.current_version
        if version is None:
            return None
        definition = d.JourneyDefinition.model_validate(version.definition)
        entry = definition.entry
        if not isinstance(entry, d.BroadcastEntry) or entry.test is None:
            return None
        test = entry.test
        result = s.ab_result(
            installation_id=installation_id,
            journey=journey,
            node_id=test.split,
            definition=definition,
            metric=test.metric,
            version_id=version.pk,
        )
        decided = version.test_decided_at is not None
        return BroadcastTest(
            share_percent=test.share_percent,
            wait_hours=test.wait_hours,
            metric=test.metric,
            decided_at=version.test_decided_at,
            winner=version.test_winner if decided else None,
            significant=version.test_significant if decided else None,
            result=AbTestResult.of(result) if result is not None else None,
        )


class BroadcastAnalytics(graphene.ObjectType):
    funnel = graphene.Field(Funnel, required=True, description="Everything since it started.")
    days = graphene.List(graphene.NonNull(FunnelDay), required=True)
    test = graphene.Field(BroadcastTest, description="Null: the broadcast has no test share.")


def _period(start: date, end: date) -> s.Period:
    with domain_errors():
        return s.period_of(start, end)


def _journey(info: Any, journey_id: str) -> tuple[int, Journey | None]:
    installation_id = dashboard_installation_id(info)
    pk = from_global_id("Journey", journey_id)
    journey = (
        Journey.objects.filter(installation_id=installation_id, pk=pk)
        .select_related("current_version")
        .first()
    )
    return installation_id, journey


class AnalyticsQuery(graphene.ObjectType):
    analytics_overview = graphene.Field(
        AnalyticsOverview,
        required=True,
        from_=graphene.Date(required=True, name="from"),
        to=graphene.Date(required=True),
        compare=graphene.Boolean(default_value=False),
    )
    journey_analytics = graphene.Field(
        JourneyAnalytics,
        journey_id=graphene.ID(required=True),
        from_=graphene.Date(required=True, name="from"),
        to=graphene.Date(required=True),
        compare=graphene.Boolean(default_value=False),
        version=graphene.Int(),
    )
    template_analytics = graphene.Field(
        TemplateAnalytics,
        template_id=graphene.ID(required=True),
        from_=graphene.Date(required=True, name="from"),
        to=graphene.Date(required=True),
        compare=graphene.Boolean(default_value=False),
    )
    broadcast_analytics = graphene.Field(BroadcastAnalytics, journey_id=graphene.ID(required=True))
    ab_test_results = graphene.Field(
        AbTestResult, journey_id=graphene.ID(required=True), node_id=graphene.String(required=True)
    )

    @staticmethod
    def resolve_analytics_overview(
        root: Any, info: graphene.ResolveInfo, from_: date, to: date, compare: bool
    ) -> AnalyticsOverview:
        installation_id = dashboard_installation_id(info)
        overview = s.analytics_overview(
            installation_id=installation_id, period=_period(from_, to), compare=compare
        )
        return AnalyticsOverview(
            period=AnalyticsPeriod.of(overview.period),
            previous_period=AnalyticsPeriod.of(overview.previous_period),
            current=AnalyticsOverviewFigures.of(overview.current),
            previous=AnalyticsOverviewFigures.of(overview.previous),
            days=_days(overview.days),
            granularity=s.granularity(overview.period),
            top_journeys=_ranked("Journey", overview.top_journeys),
            top_templates=_ranked("Template", overview.top_templates),
            complaint_line=s.COMPLAINT_LINE,
            channels=[
                ChannelFunnel(channel=c, funnel=Funnel.of(f)) for c, f in overview.channels.items()
            ],
        )

    @staticmethod
    def resolve_journey_analytics(
        root: Any,
        info: graphene.ResolveInfo,
        journey_id: str,
        from_: date,
        to: date,
        compare: bool,
        version: int | None = None,
    ) -> JourneyAnalytics | None:
        period = _period(from_, to)
        installation_id, journey = _journey(info, journey_id)
        if journey is None:
            return None
        report = s.journey_report(
            installation_id=installation_id,
            journey=journey,
            period=period,
            compare=compare,
            version=version,
        )
        return JourneyAnalytics(
            period=AnalyticsPeriod.of(report.period),
            granularity=s.granularity(report.period),
            version=report.version,
            funnel=Funnel.of(report.funnel),
            previous=Funnel.of(report.previous) if report.previous else None,
            days=_days(report.days),
            nodes=[
                NodeAnalytics(node=node, funnel=Funnel.of(f))
                for node, f in sorted(report.nodes.items())
            ],
            versions=[VersionFunnel(number=n, funnel=Funnel.of(f)) for n, f in report.versions],
            channels=[
                ChannelFunnel(channel=c, funnel=Funnel.of(f))
                for c, f in sorted(report.channels.items())
            ],
            holdout=HoldoutResult.of(report.holdout),
            ab_tests=[AbTestResult.of(t) for t in report.ab_tests],
        )

    @staticmethod
    def resolve_template_analytics(
        root: Any,
        info: graphene.ResolveInfo,
        template_id: str,
        from_: date,
        to: date,
        compare: bool,
    ) -> TemplateAnalytics | None:
        period = _period(from_, to)
        installation_id = dashboard_installation_id(info)
        template = Template.objects.filter(
            installation_id=installation_id, pk=from_global_id("Template", template_id)
        ).first()
        if template is None:
            return None
        report = s.template_report(
            installation_id=installation_id, template=template, period=period, compare=compare
        )
        return TemplateAnalytics(
            period=AnalyticsPeriod.of(report.period),
            granularity=s.granularity(report.period),
            funnel=Funnel.of(report.funnel),
            previous=Funnel.of(report.previous) if report.previous else None,
            days=_days(report.days),
            journeys=_ranked("Journey", report.journeys),
        )

    @staticmethod
    def resolve_broadcast_analytics(
        root: Any, info: graphene.ResolveInfo, journey_id: str
    ) -> BroadcastAnalytics | None:
        installation_id, journey = _journey(info, journey_id)
        if journey is None:
            return None
        report = s.broadcast_report(installation_id=installation_id, journey=journey)
        return BroadcastAnalytics(
            funnel=Funnel.of(report.funnel),
            days=_days(report.days),
            test=BroadcastTest.of(installation_id, journey),
        )

    @staticmethod
    def resolve_ab_test_results(
        root: Any, info: graphene.ResolveInfo, journey_id: str, node_id: str
    ) -> AbTestResult | None:
        installation_id, journey = _journey(info, journey_id)
        if journey is None or journey.current_version is None:
            return None
        definition = d.JourneyDefinition.model_validate(journey.current_version.definition)
        result = s.ab_result(
            installation_id=installation_id,
            journey=journey,
            node_id=node_id,
            definition=definition,
        )
        return AbTestResult.of(result) if result is not None else None
