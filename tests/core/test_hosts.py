from saleor_mautomation.core.hosts import allowed_hosts


def test_an_app_on_loopback_answers_to_every_loopback_name():
    for url in ("http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"):
        assert allowed_hosts(url, []) == ["localhost", "127.0.0.1", "[::1]"]


def test_a_public_app_answers_to_its_own_host_only():
    assert allowed_hosts("https://mautomation.shop.example", []) == ["mautomation.shop.example"]


def test_hosts_set_win():
    assert allowed_hosts("http://localhost:8080", ["app.example"]) == ["app.example"]
