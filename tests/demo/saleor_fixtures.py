"""Fixtures: the demo Saleor on a free loopback port, over a small generated shop (a test
module names this module in ``pytest_plugins``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from saleor_mautomation.demo.saleor_server import make_server
from saleor_mautomation.demo.shop import Shop, generate_shop
from tests.support.demo_saleor import ANCHOR, APP_URL, CUSTOMERS, DemoSaleorClient


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.DEMO_DIR = tmp_path / "demo"
    settings.APP_URL = APP_URL
    return settings


@pytest.fixture
def shop() -> Shop:
    return generate_shop(seed=7, customers=CUSTOMERS, anchor=ANCHOR, origin="http://localhost")


@pytest.fixture
def demo_saleor(demo_settings, shop) -> Iterator[DemoSaleorClient]:
    server = make_server(host="127.0.0.1", port=0, shop=shop, app_url=APP_URL)
    port = int(server.server_address[1])
    demo_settings.DEMO_SALEOR_PORT = port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Host": f"localhost:{port}"},
        timeout=10,
        follow_redirects=False,
    )
    try:
        yield DemoSaleorClient(port=port, shop=shop, http=client)
    finally:
        client.close()
        server.shutdown()
        server.server_close()
