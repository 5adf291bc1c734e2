"""The demo: a simulated Saleor shop the app is installed into, on this machine alone.

``mautomation demo`` (``make demo``) runs, besides ``mautomation serve`` with ``DEMO_MODE=1``:

- a demo Saleor (``demo/saleor_server.py``) on ``DEMO_SALEOR_PORT``: the JWKS, a GraphQL API
  that answers the documents the app sends (app id, shop, backfill pages, metadata write-back,
  vouchers) from the generated shop, and a stand-in Dashboard page with a demo sign-in that
  frames the app's extension and plays the Dashboard's side of App Bridge;
- the generated shop (``demo/shop.py``): catalogue, customers, two years of orders, checkouts,
  deterministic from a seed, in the shapes of the app's fragments (``UserFields``,
  ``OrderFields``, ``CheckoutFields``, ``ProductFields``);
- a simulator (``demo/simulator.py``) that keeps the shop alive: signed webhook deliveries
  through the real intake (``/api/webhooks/saleor``) and storefront calls to the app's API;
- a mail catcher (``demo/mail.py``) on ``DEMO_SMTP_PORT``: the app sends over real SMTP, the
  catcher keeps each message under ``DEMO_DIR/mail/``, and the app's mail page shows them.

Nothing here is reachable unless ``DEMO_MODE`` is on.
"""
