"""A text's short links in the send path: what preparing a chunk of texts costs with them.

``BENCH_SCALE`` x 20,000 queued texts of one campaign, each with two links (one of them
personalised), are prepared as the bulk sender prepares a chunk (``SEND_BULK_CHUNK``, 50):
rendered, their links' codes written in one INSERT (``sms.sms_texts_prepared``). The same
texts rendered alone (``sms.sms_text``) are the baseline. Prints one JSON line with the medians
of ``BENCH_RUNS`` runs (default 3) on a throwaway PostgreSQL: texts per second each way, the
extra time per text and per link, the INSERTs per chunk, the body's length, and the load
average.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime

from _support import bench_database, django_ready, loadavg, median

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
TEXTS = max(200, int(20_000 * SCALE))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CHUNK = 50
APP = "https://marketing.example"
TEXT = (
    "Hi {{ contact.first_name }}, your cart is waiting: https://shop.example/cart/{{ cart }} "
    "New in: https://shop.example/new?utm_source=sms Reply STOP to opt out."
)


def main() -> None:
    with bench_database("short_links") as (url, var, _given):
        django_ready(url, var)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from saleor_mautomation.messages.models import Message, ShortLink
        from saleor_mautomation.messages.services import (
            template_create,
            template_text_version_create,
        )
        from saleor_mautomation.messages.sms import sms_text, sms_texts_prepared
        from saleor_mautomation.saleor.models import Installation

        now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
        shortened, rendered, inserts, length = [], [], [], 0
        for run in range(RUNS):
            shop = Installation.objects.create(
                saleor_api_url=f"https://short-{run}.example/graphql/",
                app_id="QXBwOjE=",
                auth_token="token",
                installed_at=now,
                shop_name="Linden",
            )
            template = template_create(
                installation_id=shop.pk,
                key="cart-sms",
                name="cart",
                channel="sms",
                kind="marketing",
            )
            version = template_text_version_create(
                template=template, language="en", subject="", text=TEXT, push_url="", now=now
            )
            messages = Message.objects.bulk_create(
                Message(
                    installation=shop,
                    dedupe_key=f"b:{n}",
                    channel="sms",
                    kind="marketing",
                    template_version=version,
                    to_address=f"+49151{n:08d}",
                    send_after=now,
                    created_at=now,
                    broadcast=True,
                )
                for n in range(TEXTS)
            )
            for message in messages:
                message.template_version = version  # as the sender's batch read shares it
            items = [
                (m, {"contact": {"first_name": f"Person{n}"}, "cart": f"c{n:06d}"})
                for n, m in enumerate(messages)
            ]
            started = time.perf_counter()
            for first in range(0, TEXTS, CHUNK):
                for _message, context in items[first : first + CHUNK]:
                    sms_text(TEXT, context)
            rendered.append(time.perf_counter() - started)
            started = time.perf_counter()
            bodies: dict[int, object] = {}
            with CaptureQueriesContext(connection) as queries:
                for first in range(0, TEXTS, CHUNK):
                    bodies.update(
                        sms_texts_prepared(items[first : first + CHUNK], app_url=APP, now=now)
                    )
            shortened.append(time.perf_counter() - started)
            chunks = -(-TEXTS // CHUNK)
            inserts.append(
                sum(q["sql"].startswith('INSERT INTO "mautomation_shortlink"') for q in queries)
                / chunks
            )
            length = len(str(next(iter(bodies.values()))))
            assert ShortLink.objects.filter(installation=shop).count() == 2 * TEXTS
        extra = median(shortened) - median(rendered)
        print(
            json.dumps(
                {
                    "texts": TEXTS,
                    "chunk": CHUNK,
                    "rendered_per_s": round(TEXTS / median(rendered)),
                    "prepared_with_short_links_per_s": round(TEXTS / median(shortened)),
                    "extra_us_per_text": round(extra / TEXTS * 1e6, 1),
                    "extra_us_per_link": round(extra / (2 * TEXTS) * 1e6, 1),
                    "inserts_per_chunk": median(inserts),
                    "body_chars": length,
                    "runs": RUNS,
                    "loadavg": loadavg(),
                }
            )
        )


if __name__ == "__main__":
    main()
