"""The analytics bench's data: shops filled with set-based SQL (events, messages with their
origin and funnel moments, journey runs, orders credited to messages, list growth) and their
daily tallies derived in SQL the way ``analytics.rollups`` derives them (``bench/analytics.py``
checks that they are equal).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

API_URL = "https://shop{n}.bench.example/graphql/"
LATER = timedelta(days=10)  # how long after now runs of a current version may convert


def log(message: str) -> None:
    print(f"[analytics] {message}", flush=True)


@dataclass(frozen=True)
class Size:
    contacts: int
    messages: int
    runs: int
    events: int


# -- what the shops have -----------------------------------------------------------------------

TEMPLATES = [  # key, channel, kind
    ("welcome-1", "email", "marketing"),
    ("welcome-2", "email", "marketing"),
    ("abandoned-1", "email", "marketing"),
    ("abandoned-2", "email", "marketing"),
    ("abandoned-sms", "sms", "marketing"),
    ("abandoned-push", "push", "marketing"),
    ("winback-1", "email", "marketing"),
    ("winback-sms", "sms", "marketing"),
    ("thanks", "email", "marketing"),
    ("newsletter-a", "email", "marketing"),
    ("newsletter-b", "email", "marketing"),
    ("newsletter-push", "push", "marketing"),
    ("double-opt-in", "email", "transactional"),
]


def _send(kind: str, template: str, after: str) -> dict[str, Any]:
    return {"type": kind, "template": template, "next": after}


def _wait(days: int, after: str) -> dict[str, Any]:
    return {"type": "wait", "duration": {"days": days}, "next": after}


GOAL = {"event_type": "order.placed"}
END = {"type": "exit"}
JOURNEYS: dict[str, dict[str, Any]] = {
    "abandoned-checkout": {
        "entry": {"type": "event", "event_type": "checkout.abandoned", "entry_key": "checkout_id"},
        "goal": GOAL,
        "holdout_percent": 10,
        "start": "a1",
        "nodes": {
            "a1": _send("send_email", "abandoned-1", "w1"),
            "w1": _wait(1, "s"),
            "s": {
                "type": "split",
                "branches": [{"percent": 50, "next": "a2"}, {"percent": 50, "next": "a2-sms"}],
            },
            "a2": _send("send_email", "abandoned-2", "w2"),
            "a2-sms": _send("send_sms", "abandoned-sms", "w2"),
            "w2": _wait(2, "a3"),
            "a3": _send("send_push", "abandoned-push", "end"),
            "end": END,
        },
    },
    "welcome": {
        "entry": {"type": "event", "event_type": "customer.created"},
        "goal": GOAL,
        "holdout_percent": 10,
        "start": "w1",
        "nodes": {
            "w1": _send("send_email", "welcome-1", "pause"),
            "pause": _wait(3, "w2"),
            "w2": _send("send_email", "welcome-2", "end"),
            "end": END,
        },
    },
    "winback": {
        "entry": {"type": "segment_entered", "segment_id": 1},
        "goal": GOAL,
        "start": "wb1",
        "nodes": {
            "wb1": _send("send_email", "winback-1", "pause"),
            "pause": _wait(7, "wb2"),
            "wb2": _send("send_sms", "winback-sms", "end"),
            "end": END,
        },
    },
    "post-purchase": {
        "entry": {"type": "event", "event_type": "order.placed"},
        "start": "pp",
        "nodes": {"pp": _send("send_email", "thanks", "end"), "end": END},
    },
    "newsletter": {
        "entry": {"type": "broadcast", "segment_id": 1, "send_at": "2026-01-05T09:00:00+00:00"},
        "start": "np",
        "nodes": {
            "np": _send("send_push", "newsletter-push", "ab"),
            "ab": {
                "type": "split",
                "branches": [{"percent": 50, "next": "na"}, {"percent": 50, "next": "nb"}],
            },
            "na": _send("send_email", "newsletter-a", "end"),
            "nb": _send("send_email", "newsletter-b", "end"),
            "end": END,
        },
    },
}
# Versions: published this many days ago (the last one is current).
VERSIONS = {
    "abandoned-checkout": [400, 200, 45],
    "welcome": [400, 120],
    "winback": [400],
    "post-purchase": [400],
    "newsletter": [400, 90],
}
# What sent the messages: journey, node, template, split node and branch, share.
MESSAGE_ORIGINS = [
    ("abandoned-checkout", "a1", "abandoned-1", "", None, 0.16),
    ("abandoned-checkout", "a2", "abandoned-2", "s", 0, 0.08),
    ("abandoned-checkout", "a2-sms", "abandoned-sms", "s", 1, 0.08),
    ("abandoned-checkout", "a3", "abandoned-push", "s", 0, 0.04),
    ("abandoned-checkout", "a3", "abandoned-push", "s", 1, 0.04),
    ("welcome", "w1", "welcome-1", "", None, 0.12),
    ("welcome", "w2", "welcome-2", "", None, 0.08),
    ("winback", "wb1", "winback-1", "", None, 0.07),
    ("winback", "wb2", "winback-sms", "", None, 0.03),
    ("post-purchase", "pp", "thanks", "", None, 0.12),
    ("newsletter", "np", "newsletter-push", "", None, 0.02),
    ("newsletter", "na", "newsletter-a", "ab", 0, 0.07),
    ("newsletter", "nb", "newsletter-b", "ab", 1, 0.07),
    ("", "", "double-opt-in", "", None, 0.02),
]
# Runs: journey, share, the split a run reaches (and how often), goal rates treated/held out
# (branch 1 of a split converts a little less).
RUN_ORIGINS = [
    ("abandoned-checkout", 0.40, "s", 0.75, 0.09, 0.05),
    ("welcome", 0.22, "", 0.0, 0.04, 0.035),
    ("winback", 0.12, "", 0.0, 0.03, 0.0),
    ("post-purchase", 0.14, "", 0.0, 0.0, 0.0),
    ("newsletter", 0.12, "ab", 1.0, 0.0, 0.0),
]

# -- set-based fills ----------------------------------------------------------------------------

CONTACTS_SQL = """
INSERT INTO mautomation_contact (
    installation_id, saleor_user_id, email, first_name, last_name, language_code, country, city,
    time_zone, gender, metadata, is_customer, email_consent, created_at, updated_at,
    orders_count, lifecycle_stage, favourite_categories, prediction_basis, writeback_hash,
    preferences, segments, email_opens_30d, email_opens_90d, email_clicks_30d, email_clicks_90d,
    phone, sms_consent, push_consent, writeback_extra, writeback_refusals)
SELECT %(installation)s, 'VXNlcjo' || g, 'c' || g || '@shop' || %(installation)s || '.example',
       'First', 'Last', 'EN', 'DE', 'Berlin', '', '', '{}', true, 'granted', %(now)s, %(now)s, 0,
       'prospect', '[]', '{}', '', '{}', '[]', 0, 0, 0, 0, '+4915100' || g,
       CASE WHEN g %% 3 = 0 THEN 'granted' ELSE 'unknown' END, 'unknown', '{}', 0
FROM generate_series(1, %(n)s) AS g
"""

# The origins and versions the message and run fills pick from (by a random number's range
# and by time).
ORIGINS_SQL = """
CREATE TEMP TABLE bench_origin (
    installation_id bigint, lo float8, hi float8, journey_id bigint, node text,
    template_id bigint, channel text, kind text, broadcast boolean, split_node text,
    split_branch smallint);
CREATE TEMP TABLE bench_run_origin (
    installation_id bigint, lo float8, hi float8, journey_id bigint, split_node text,
    split_share float8, rate_treated float8, rate_held float8, holdout_share float8);
CREATE TEMP TABLE bench_version (
    journey_id bigint, version_id bigint, valid_from timestamptz, valid_to timestamptz)
"""

MESSAGES_SQL = """
INSERT INTO mautomation_message (
    installation_id, contact_id, dedupe_key, channel, kind, template_version_id, to_address,
    subject, message_id, provider_id, status, status_reason, attempts, allow_retry_when_unknown,
    context, send_after, created_at, claimed_at, sent_at, opens, clicks, template_id,
    journey_id, journey_version_id, journey_node, broadcast, split_node, split_branch,
    delivered_at, opened_at, clicked_at, unsubscribed_at, bounced_at, complained_at)
SELECT s.installation_id, s.contact_id, 'bench:' || s.g, s.channel, s.kind, NULL,
       'c' || s.contact_id || '@bench.example', 'Subject', '', '',
       CASE WHEN s.failed THEN 'failed' WHEN s.unknown THEN 'unknown'
            WHEN s.bounced THEN 'bounced' WHEN s.complained THEN 'complained'
            WHEN s.delivered THEN 'delivered' ELSE 'sent' END,
       '', 1, false, '{}', s.created_at, s.created_at, s.created_at,
       CASE WHEN NOT s.failed THEN s.created_at + interval '30 seconds' END,
       CASE WHEN s.opened THEN 1 ELSE 0 END, CASE WHEN s.clicked THEN 1 ELSE 0 END,
       s.template_id, s.journey_id, v.version_id, s.node, s.broadcast, s.split_node,
       s.split_branch,
       CASE WHEN s.delivered THEN s.created_at + interval '40 seconds' END,
       CASE WHEN s.opened AND s.opened_at <= %(now)s THEN s.opened_at END,
       CASE WHEN s.clicked AND s.opened_at + interval '2 minutes' <= %(now)s
            THEN s.opened_at + interval '2 minutes' END,
       CASE WHEN s.unsubscribed AND s.opened_at + interval '3 minutes' <= %(now)s
            THEN s.opened_at + interval '3 minutes' END,
       CASE WHEN s.bounced THEN s.created_at + interval '35 seconds' END,
       CASE WHEN s.complained AND s.created_at + interval '1 day' <= %(now)s
            THEN s.created_at + interval '1 day' END
FROM (
    SELECT x.*, x.r_status < 0.01 AS failed,
           x.r_status >= 0.01 AND x.r_status < 0.011 AS unknown,
           x.live AND x.r_fate < x.bounce_rate AS bounced,
           x.live AND x.r_fate >= x.bounce_rate
               AND x.r_fate < x.bounce_rate + x.deliver_rate AS delivered,
           x.live AND x.r_fate >= x.bounce_rate AND x.r_engage < x.open_rate AS opened,
           x.live AND x.r_fate >= x.bounce_rate AND x.r_engage < x.click_rate AS clicked,
           x.live AND x.r_fate >= x.bounce_rate AND x.r_other < x.unsub_rate AS unsubscribed,
           x.live AND x.r_fate >= x.bounce_rate
               AND x.r_other >= 0.5 AND x.r_other < 0.5 + x.complaint_rate AS complained
    FROM (
        SELECT r.*, r.r_status >= 0.011 AS live, o.installation_id, o.journey_id, o.node,
               o.template_id, o.channel, o.kind, o.broadcast, o.split_node, o.split_branch,
               %(first)s + (random() * (%(contacts)s - 1))::bigint AS contact_id,
               %(now)s - interval '365 days' * (1 - r.g::float8 / %(n)s)
                   - random() * interval '10 minutes' AS created_at,
               %(now)s - interval '365 days' * (1 - r.g::float8 / %(n)s)
                   + interval '1 minute' + random() * random() * interval '36 hours'
                   AS opened_at,
               CASE o.channel WHEN 'email' THEN 0.015 WHEN 'sms' THEN 0.01 ELSE 0.02 END
                   AS bounce_rate,
               CASE o.channel WHEN 'email' THEN 0.90 WHEN 'sms' THEN 0.97 ELSE 0.0 END
                   AS deliver_rate,
               CASE o.channel WHEN 'email' THEN 0.28 ELSE 0.0 END AS open_rate,
               CASE o.channel WHEN 'email' THEN 0.035 WHEN 'sms' THEN 0.05 ELSE 0.06 END
                   AS click_rate,
               CASE o.channel WHEN 'email' THEN 0.002 WHEN 'sms' THEN 0.004 ELSE 0.0 END
                   AS unsub_rate,
               CASE o.channel WHEN 'email' THEN 0.0008 ELSE 0.0 END AS complaint_rate
        FROM (SELECT g, random() AS r_origin, random() AS r_status, random() AS r_fate,
                     random() AS r_engage, random() AS r_other
              FROM generate_series(1, %(n)s) AS g) AS r
        JOIN bench_origin o ON o.installation_id = %(installation)s
             AND r.r_origin >= o.lo AND r.r_origin < o.hi
    ) AS x
) AS s
LEFT JOIN bench_version v ON v.journey_id = s.journey_id
     AND s.created_at >= v.valid_from AND s.created_at < v.valid_to
"""

RUNS_SQL = """
INSERT INTO mautomation_journeyrun (
    installation_id, journey_id, version_id, contact_id, entry_key, status, node,
    node_entered_at, wake_at, holdout, exit_reason, context, entered_at, exited_at, attempts,
    error, branches, converted_at, goal_revenue, goal_currency)
SELECT s.installation_id, s.journey_id, v.version_id, s.contact_id, 'bench:' || s.g,
       CASE WHEN s.exited_at <= %(now)s THEN 'exited' ELSE 'waiting' END,
       CASE WHEN s.exited_at <= %(now)s THEN 'end' ELSE 'pause' END,
       s.entered_at, CASE WHEN s.exited_at > %(now)s THEN s.exited_at END, s.holdout,
       CASE WHEN s.converted THEN 'goal' WHEN s.exited_at <= %(now)s THEN 'completed' ELSE '' END,
       '{}', s.entered_at, CASE WHEN s.exited_at <= %(now)s THEN s.exited_at END, 0, '',
       CASE WHEN s.split THEN jsonb_build_object(s.split_node, s.branch) ELSE '{}'::jsonb END,
       CASE WHEN s.converted THEN s.converted_at END,
       CASE WHEN s.converted THEN round((20 + s.r_amount * 180)::numeric, 2) END,
       CASE WHEN NOT s.converted THEN '' WHEN s.r_currency < 0.6 THEN 'EUR' ELSE 'USD' END
FROM (
    SELECT y.*,
           CASE WHEN y.converted THEN y.converted_at
                ELSE y.entered_at + interval '5 days' END AS exited_at
    FROM (
        SELECT x.*,
               x.converted_at <= %(now)s AND x.r_goal < CASE
                   WHEN x.holdout THEN x.rate_held
                   WHEN x.split AND x.branch = 1 THEN x.rate_treated * 0.8
                   ELSE x.rate_treated END AS converted
        FROM (
            SELECT r.g, o.installation_id, o.journey_id, o.split_node, o.rate_treated,
                   o.rate_held, r.r_goal, r.r_amount, r.r_currency,
                   o.split_node <> '' AND r.r_split < o.split_share AS split,
                   r.r_hold < o.holdout_share AS holdout,
                   CASE WHEN r.r_branch < 0.5 THEN 0 ELSE 1 END AS branch,
                   %(first)s + (random() * (%(contacts)s - 1))::bigint AS contact_id,
                   %(now)s - interval '365 days' * (1 - r.g::float8 / %(n)s) AS entered_at,
                   %(now)s - interval '365 days' * (1 - r.g::float8 / %(n)s)
                       + r.r_when * interval '3 days' AS converted_at
            FROM (SELECT g, random() AS r_origin, random() AS r_split, random() AS r_goal,
                         random() AS r_amount, random() AS r_currency, random() AS r_hold,
                         random() AS r_branch, random() AS r_when
                  FROM generate_series(1, %(n)s) AS g) AS r
            JOIN bench_run_origin o ON o.installation_id = %(installation)s
                 AND r.r_origin >= o.lo AND r.r_origin < o.hi
        ) AS x
    ) AS y
) AS s
JOIN bench_version v ON v.journey_id = s.journey_id
     AND s.entered_at >= v.valid_from AND s.entered_at < v.valid_to
"""

EVENTS_SQL = """
INSERT INTO mautomation_event (
    installation_id, contact_id, type, occurred_at, recorded_at, source, properties, dedupe_key)
SELECT %(installation)s, %(first)s + (random() * (%(contacts)s - 1))::bigint,
       CASE WHEN r < 0.42 THEN 'product.viewed' WHEN r < 0.50 THEN 'category.viewed'
            WHEN r < 0.57 THEN 'cart.added' WHEN r < 0.65 THEN 'checkout.updated'
            WHEN r < 0.67 THEN 'checkout.abandoned' WHEN r < 0.83 THEN 'email.opened'
            WHEN r < 0.87 THEN 'email.clicked' WHEN r < 0.875 THEN 'push.clicked'
            WHEN r < 0.895 THEN 'order.placed' WHEN r < 0.95 THEN 'customer.updated'
            ELSE 'page.viewed' END,
       %(now)s - interval '365 days' * (1 - (g + %(offset)s)::float8 / %(total)s)
             - random() * interval '10 minutes', %(now)s, 'bench',
       CASE WHEN r >= 0.67 AND r < 0.875
            THEN jsonb_build_object('message_id', (random() * 1000000)::int,
                                    'machine', random() < 0.3)
            ELSE jsonb_build_object('product_id', 'UHJvZHVjdDo' || (random() * 1000)::int) END,
       'bench:' || (g + %(offset)s)
FROM (SELECT g, random() AS r FROM generate_series(1, %(n)s) AS g) AS s
"""

EVENT_INDEXES = [
    "ALTER TABLE mautomation_event "
    "ADD CONSTRAINT event_dedupe UNIQUE (installation_id, dedupe_key)",
    "CREATE INDEX event_contact_time ON mautomation_event (contact_id, occurred_at)",
    "CREATE INDEX event_type_time ON mautomation_event (installation_id, type, occurred_at) "
    "INCLUDE (contact_id)",
]

# The orders of the shop's order.placed events (credited to nothing), in EUR or USD.
EVENT_ORDERS_SQL = """
INSERT INTO mautomation_orderrecord (
    installation_id, saleor_id, number, contact_id, email, saleor_user_id, status, is_paid,
    channel_slug, currency, total_gross, total_net, total_refunded, lines, checkout_saleor_id,
    voucher_code, placed_at, source_updated_at)
SELECT e.installation_id, 'T3JkZXI6' || e.id, e.id::text, e.contact_id, '', '', 'FULFILLED',
       true, CASE WHEN e.id % 5 < 3 THEN 'channel-eur' ELSE 'channel-usd' END,
       CASE WHEN e.id % 5 < 3 THEN 'EUR' ELSE 'USD' END, 60, 50, 0, '[]', '', '',
       e.occurred_at, e.occurred_at
FROM mautomation_event e WHERE e.type = 'order.placed'
"""

# Orders that followed a message: a fifth of the clicks within four days, 3% of the opens
# without a click within 20 hours; a twentieth partly refunded.
CREDITED_ORDERS_SQL = """
INSERT INTO mautomation_orderrecord (
    installation_id, saleor_id, number, contact_id, email, saleor_user_id, status, is_paid,
    channel_slug, currency, total_gross, total_net, total_refunded, lines, checkout_saleor_id,
    voucher_code, placed_at, source_updated_at)
SELECT s.installation_id, 'T3JkZXI6bWVzc2FnZS' || s.id, 'm' || s.id, s.contact_id, '', '',
       'FULFILLED', true, CASE WHEN s.r_cur < 0.6 THEN 'channel-eur' ELSE 'channel-usd' END,
       CASE WHEN s.r_cur < 0.6 THEN 'EUR' ELSE 'USD' END, s.total, s.total,
       CASE WHEN s.r_refund < 0.05 THEN round(s.total / 4, 2) ELSE 0 END, '[]', '', '',
       s.placed_at, s.placed_at
FROM (
    SELECT m.id, m.installation_id, m.contact_id, random() AS r_cur, random() AS r_refund,
           round((15 + random() * 235)::numeric, 2) AS total, m.clicked_at IS NOT NULL AS click,
           CASE WHEN m.clicked_at IS NOT NULL
                THEN m.clicked_at + random() * interval '4 days'
                ELSE m.opened_at + random() * interval '20 hours' END AS placed_at,
           random() AS r
    FROM mautomation_message m
    WHERE m.clicked_at IS NOT NULL OR m.opened_at IS NOT NULL
) AS s
WHERE s.placed_at <= %(now)s AND s.r < CASE WHEN s.click THEN 0.2 ELSE 0.03 END
"""

ATTRIBUTIONS_SQL = """
INSERT INTO mautomation_orderattribution (
    installation_id, order_id, message_id, via, touched_at, placed_at, currency, revenue)
SELECT o.installation_id, o.id, m.id,
       CASE WHEN m.clicked_at IS NOT NULL THEN 'click' ELSE 'open' END,
       COALESCE(m.clicked_at, m.opened_at), o.placed_at, o.currency,
       o.total_gross - o.total_refunded
FROM mautomation_orderrecord o
JOIN mautomation_message m ON o.saleor_id = 'T3JkZXI6bWVzc2FnZS' || m.id
"""

LIST_GROWTH_SQL = """
INSERT INTO mautomation_dailytally (
    installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, channel,
    split_node, split_branch, holdout, currency, count, amount, amount_sq)
SELECT %(installation)s, d::date, m.metric, 0, 0, '', 0, false, '', '', -1, false, '',
       1 + (random() * m.per_day)::bigint, 0, 0
FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') AS d
CROSS JOIN (VALUES ('list.subscribed', %(subscribed)s::float8),
                   ('list.unsubscribed', %(unsubscribed)s::float8)) AS m(metric, per_day)
"""

# -- the tallies as the app derives them (analytics.rollups), set-based --------------------------

TALLIES_SQL = {
    # Each funnel moment of a message once; an `unknown` message was not counted as sent.
    "messages": """
INSERT INTO mautomation_dailytally (
    installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, channel,
    split_node, split_branch, holdout, currency, count, amount, amount_sq)
SELECT m.installation_id, (v.at AT TIME ZONE 'UTC')::date, v.metric,
       COALESCE(m.journey_id, 0), COALESCE(m.journey_version_id, 0), m.journey_node,
       COALESCE(m.template_id, 0), m.broadcast, m.channel, m.split_node,
       COALESCE(m.split_branch, -1), false, '', count(*), 0, 0
FROM mautomation_message m
CROSS JOIN LATERAL (VALUES
    ('sent', CASE WHEN m.status <> 'unknown' THEN m.sent_at END),
    ('delivered', m.delivered_at), ('opened', m.opened_at), ('clicked', m.clicked_at),
    ('unsubscribed', m.unsubscribed_at), ('bounced', m.bounced_at),
    ('complained', m.complained_at)) AS v(metric, at)
WHERE v.at IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
""",
    "entered": """
INSERT INTO mautomation_dailytally (
    installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, channel,
    split_node, split_branch, holdout, currency, count, amount, amount_sq)
SELECT r.installation_id, (r.entered_at AT TIME ZONE 'UTC')::date, 'entered', r.journey_id,
       r.version_id, '', 0, false, '', '', -1, r.holdout, '', count(*), 0, 0
FROM mautomation_journeyrun r
GROUP BY 1, 2, 4, 5, 12
""",
    "split.entered": """
INSERT INTO mautomation_dailytally (
    installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, channel,
    split_node, split_branch, holdout, currency, count, amount, amount_sq)
SELECT r.installation_id, (r.entered_at AT TIME ZONE 'UTC')::date, 'split.entered', r.journey_id,
       r.version_id, '', 0, false, '', b.key, b.value::int, r.holdout, '', count(*), 0, 0
FROM mautomation_journeyrun r CROSS JOIN LATERAL jsonb_each_text(r.branches) AS b
GROUP BY 1, 2, 4, 5, 10, 11, 12
""",
    "converted": """
INSERT INTO mautomation_dailytally (
    installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, channel,
    split_node, split_branch, holdout, currency, count, amount, amount_sq)
SELECT r.installation_id, (r.converted_at AT TIME ZONE 'UTC')::date, 'converted', r.journey_id,
       r.version_id, '', 0, false, '', '', -1, r.holdout, r.goal_currency, count(*),
       sum(COALESCE(r.goal_revenue, 0)), sum(COALESCE(r.goal_revenue, 0) ^ 2)
FROM mautomation_journeyrun r WHERE r.converted_at IS NOT NULL
GROUP BY 1, 2, 4, 5, 12, 13
""",
    "split.converted": """
INSERT INTO mautomation_dailytally (
    installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, channel,
    split_node, split_branch, holdout, currency, count, amount, amount_sq)
SELECT r.installation_id, (r.converted_at AT TIME ZONE 'UTC')::date, 'split.converted',
       r.journey_id, r.version_id, '', 0, false, '', b.key, b.value::int, r.holdout,
       r.goal_currency, count(*), sum(COALESCE(r.goal_revenue, 0)),
       sum(COALESCE(r.goal_revenue, 0) ^ 2)
FROM mautomation_journeyrun r CROSS JOIN LATERAL jsonb_each_text(r.branches) AS b
WHERE r.converted_at IS NOT NULL
GROUP BY 1, 2, 4, 5, 10, 11, 12, 13
""",
    # A treated run's goal in a journey entered by an abandoned checkout.
    "recovered": """
INSERT INTO mautomation_dailytally (
    installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, channel,
    split_node, split_branch, holdout, currency, count, amount, amount_sq)
SELECT r.installation_id, (r.converted_at AT TIME ZONE 'UTC')::date, 'recovered', r.journey_id,
       0, '', 0, false, '', '', -1, false, r.goal_currency, count(*),
       sum(COALESCE(r.goal_revenue, 0)), sum(COALESCE(r.goal_revenue, 0) ^ 2)
FROM mautomation_journeyrun r
JOIN mautomation_journeyversion v ON v.id = r.version_id
WHERE r.converted_at IS NOT NULL AND NOT r.holdout
  AND v.definition -> 'entry' ->> 'type' = 'event'
  AND v.definition -> 'entry' ->> 'event_type' = 'checkout.abandoned'
GROUP BY 1, 2, 4, 13
""",
    "attributed": """
INSERT INTO mautomation_dailytally (
    installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, channel,
    split_node, split_branch, holdout, currency, count, amount, amount_sq)
SELECT a.installation_id, (a.placed_at AT TIME ZONE 'UTC')::date, 'attributed',
       COALESCE(m.journey_id, 0), COALESCE(m.journey_version_id, 0), m.journey_node,
       COALESCE(m.template_id, 0), m.broadcast, m.channel, m.split_node,
       COALESCE(m.split_branch, -1), false, a.currency, count(*), sum(a.revenue),
       sum(a.revenue ^ 2)
FROM mautomation_orderattribution a JOIN mautomation_message m ON m.id = a.message_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13
""",
}


# -- the fill -----------------------------------------------------------------------------------


def _setup_shop(n: int, now: datetime) -> dict[str, Any]:
    """The shop's installation, templates and journeys with their versions (ORM: few rows)."""
    from saleor_mautomation.journeys import definition as d
    from saleor_mautomation.journeys.models import Journey, JourneyVersion
    from saleor_mautomation.messages.models import Template, TemplateVersion
    from saleor_mautomation.saleor.models import Installation
    from tests.support.keys import signing_key

    installation = Installation.objects.create(
        saleor_api_url=API_URL.format(n=n),
        app_id="QXBwOjE=",
        auth_token="bench",
        installed_at=now,
        jwks={"keys": [signing_key(0).public_jwk]},
        jwks_fetched_at=now,
    )
    templates = {}
    for key, channel, kind in TEMPLATES:
        template = Template.objects.create(
            installation=installation,
            key=key,
            name=key.replace("-", " ").capitalize(),
            channel=channel,
            kind=kind,
        )
        TemplateVersion.objects.create(
            template=template,
            language="en",
            number=1,
            subject=f"{key} subject",
            mjml="<mjml></mjml>",
            html="<html></html>",
            created_at=now - timedelta(days=400),
        )
        templates[key] = template
    journeys = {}
    versions: list[tuple[int, int, datetime, datetime]] = []
    for key, draft in JOURNEYS.items():
        definition = d.JourneyDefinition.model_validate(draft).model_dump(mode="json")
        journey = Journey.objects.create(
            installation=installation,
            key=key,
            name=key.replace("-", " ").capitalize(),
            status=Journey.Status.ACTIVE,
            draft=definition,
        )
        ages = VERSIONS[key]
        for number, age in enumerate(ages, start=1):
            version = JourneyVersion.objects.create(
                journey=journey,
                number=number,
                definition=definition,
                published_at=now - timedelta(days=age),
            )
            # The last version's runs may convert after now.
            until = now - timedelta(days=ages[number]) if number < len(ages) else now + LATER
            versions.append((journey.pk, version.pk, now - timedelta(days=age), until))
            journey.current_version = version
        journey.save(update_fields=["current_version"])
        journeys[key] = journey
    return {
        "installation": installation,
        "templates": templates,
        "journeys": journeys,
        "versions": versions,
    }


def _origin_rows(shop: dict[str, Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    installation_id = shop["installation"].pk
    templates, journeys = shop["templates"], shop["journeys"]
    kinds = {key: (channel, kind) for key, channel, kind in TEMPLATES}
    messages, low = [], 0.0
    for journey, node, template, split_node, branch, share in MESSAGE_ORIGINS:
        channel, kind = kinds[template]
        high = 1.0 if template == MESSAGE_ORIGINS[-1][2] else low + share
        messages.append(
            (
                installation_id,
                low,
                high,
                journeys[journey].pk if journey else None,
                node,
                templates[template].pk,
                channel,
                kind,
                journey == "newsletter",
                split_node,
                branch,
            )
        )
        low = high
    runs, low = [], 0.0
    for journey, share, split_node, split_share, treated, held in RUN_ORIGINS:
        high = 1.0 if journey == RUN_ORIGINS[-1][0] else low + share
        percent = JOURNEYS[journey].get("holdout_percent", 0)
        runs.append(
            (
                installation_id,
                low,
                high,
                journeys[journey].pk,
                split_node,
                split_share,
                treated,
                held,
                percent / 100,
            )
        )
        low = high
    return messages, runs


def fill(sizes: list[Size], now: datetime) -> list[dict[str, Any]]:
    from django.db import connection

    shops = [_setup_shop(n, now) for n in range(len(sizes))]
    with connection.cursor() as cursor:
        cursor.execute(ORIGINS_SQL)
        for shop in shops:
            message_origins, run_origins = _origin_rows(shop)
            cursor.executemany(
                "INSERT INTO bench_origin VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                message_origins,
            )
            cursor.executemany(
                "INSERT INTO bench_run_origin VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                run_origins,
            )
            cursor.executemany(
                "INSERT INTO bench_version VALUES (%s, %s, %s, %s)", shop["versions"]
            )
        # Bulk load: event indexes built once afterwards, foreign keys trusted (ids in range).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("ALTER TABLE mautomation_event DROP CONSTRAINT event_dedupe")
        cursor.execute("DROP INDEX event_contact_time, event_type_time")
        for shop, size in zip(shops, sizes, strict=True):
            installation_id = shop["installation"].pk
            contacts, messages, runs, events = (
                size.contacts,
                size.messages,
                size.runs,
                size.events,
            )
            cursor.execute(
                CONTACTS_SQL, {"installation": installation_id, "n": contacts, "now": now}
            )
            cursor.execute(
                "SELECT min(id) FROM mautomation_contact WHERE installation_id = %s",
                [installation_id],
            )
            (first,) = cursor.fetchone()
            common = {
                "installation": installation_id,
                "first": first,
                "contacts": contacts,
                "now": now,
            }
            began = time.perf_counter()
            cursor.execute(MESSAGES_SQL, {**common, "n": messages})
            cursor.execute(RUNS_SQL, {**common, "n": runs})
            step = 1_000_000
            for offset in range(0, events, step):
                cursor.execute(
                    EVENTS_SQL,
                    {**common, "n": min(step, events - offset), "offset": offset, "total": events},
                )
            cursor.execute(
                LIST_GROWTH_SQL,
                {
                    "installation": installation_id,
                    "start": (now - timedelta(days=365)).date(),
                    "end": now.date(),
                    "subscribed": contacts / 365 * 2,
                    "unsubscribed": contacts / 365 / 3,
                },
            )
            shop.update(contacts=contacts, messages=messages, runs=runs, events=events)
            log(
                f"shop {installation_id}: {contacts:,} contacts, {messages:,} messages, "
                f"{runs:,} runs, {events:,} events in {time.perf_counter() - began:.0f}s"
            )
        cursor.execute(EVENT_ORDERS_SQL)
        cursor.execute(CREDITED_ORDERS_SQL, {"now": now})
        cursor.execute(ATTRIBUTIONS_SQL)
        log(f"{cursor.rowcount:,} orders credited to messages")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        began = time.perf_counter()
        for statement in EVENT_INDEXES:
            cursor.execute(statement)
        log(f"event indexes built in {time.perf_counter() - began:.0f}s")
        cursor.execute("SET session_replication_role = DEFAULT")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return shops


def tallies_fill() -> dict[str, Any]:
    from django.db import connection

    rows: dict[str, int] = {}
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for name, statement in TALLIES_SQL.items():
            cursor.execute(statement)
            rows[name] = cursor.rowcount
        cursor.execute("VACUUM ANALYZE mautomation_dailytally")
    seconds = time.perf_counter() - began
    log(f"tallies derived with SQL in {seconds:.1f}s: {rows}")
    return {"seconds": round(seconds, 1), "rows": rows}
