"""Personalised renders per second on one core, for a realistic template.

Takes the default abandoned-checkout template (English; header, two cart lines, voucher,
recommendations, footer links), compiles it once with mjml-python, then renders it for
``BENCH_RENDERS`` recipients with different names and carts through the sandboxed Jinja2
path the sender uses (HTML, subject, preheader and the plain-text part). Prints progress,
then one JSON line of renders/s on one core:

- ``renders_per_s_compiled_once``: MJML compiled once per version (the design), no tracking;
- ``renders_per_s_with_tracking``: the same, then the per-recipient tracking stage the sender
  runs (``tracked_html``: signed click links, UTM parameters on shop links, the open pixel).
  Target: >= 5,000/s per core;
- ``renders_per_s_compiling_each``: MJML compiled for every recipient, tracking included (for
  scale: the design never does that).

Figures are wall-clock; on a machine shared with other work, ``renders_per_cpu_s_with_tracking``
(the tracked figure per CPU second of this process) shows what waiting for the CPU took away.
``tracked_links`` is how many links of one recipient's HTML the tracking stage rewrote (a check
that the stage did its work).
"""

from __future__ import annotations

import copy
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
RENDERS = max(200, int(int(os.environ.get("BENCH_RENDERS", "20000")) * SCALE))
KEY = os.environ.get("BENCH_TEMPLATE", "abandoned-checkout-1")
APP_URL = "https://app.example"


def log(message: str) -> None:
    print(f"[render] {message}", flush=True)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_mautomation.project.settings")
    import django

    django.setup()
    from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT, default_templates
    from saleor_mautomation.messages.rendering import compile_version, render
    from saleor_mautomation.messages.tracking import tracked_html

    template = next(t for t in default_templates() if t.key == KEY and t.language == "en")
    contexts = []
    for n in range(100):
        context = copy.deepcopy(EXAMPLE_CONTEXT)
        context["contact"]["first_name"] = f"Person {n}"
        if context.get("checkout"):
            for line in context["checkout"]["lines"]:
                line["quantity"] = 1 + n % 3
        contexts.append(context)

    started = time.perf_counter()
    compiled = compile_version(
        mjml_source=template.mjml, subject=template.subject, preheader=template.preheader
    )
    compile_ms = (time.perf_counter() - started) * 1000
    log(f"{KEY}: {len(template.mjml.splitlines())} MJML lines, compiled in {compile_ms:.2f} ms")

    render(compiled, contexts[0])  # warm the template cache
    log(f"rendering {RENDERS} recipients (MJML compiled once) ...")
    size = 0
    started = time.perf_counter()
    for n in range(RENDERS):
        size = len(render(compiled, contexts[n % 100]).html)
    once = RENDERS / (time.perf_counter() - started)

    def track(html: str, message_id: int) -> str:
        return tracked_html(
            html,
            message_id=message_id,
            app_url=APP_URL,
            shop_origin=contexts[0]["shop"]["url"],
            utm={"utm_source": "mautomation", "utm_medium": "email", "utm_campaign": KEY},
            skip_prefixes=(f"{APP_URL}/u/", f"{APP_URL}/p/"),
        )

    log(f"rendering {RENDERS} recipients with tracking links and the open pixel ...")
    tracked_page = ""
    started, started_cpu = time.perf_counter(), time.process_time()
    for n in range(RENDERS):
        tracked_page = track(render(compiled, contexts[n % 100]).html, n + 1)
    tracked = RENDERS / (time.perf_counter() - started)
    tracked_cpu = RENDERS / (time.process_time() - started_cpu)
    tracked_links = tracked_page.count(f"{APP_URL}/t/c/")

    per_recipient_n = max(100, RENDERS // 20)
    log(f"rendering {per_recipient_n} recipients compiling MJML each time (tracked) ...")
    started = time.perf_counter()
    for n in range(per_recipient_n):
        fresh = compile_version(
            mjml_source=template.mjml, subject=template.subject, preheader=template.preheader
        )
        track(render(fresh, contexts[n % 100]).html, n + 1)
    each = per_recipient_n / (time.perf_counter() - started)

    figures = {
        "benchmark": "render",
        "template": KEY,
        "html_bytes": size,
        "compile_ms": round(compile_ms, 2),
        "renders_per_s_compiled_once": round(once),
        "renders_per_s_with_tracking": round(tracked),
        "renders_per_s_compiling_each": round(each),
        "renders_per_cpu_s_with_tracking": round(tracked_cpu),
        "tracked_links": tracked_links,
        "cores": 1,
    }
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
