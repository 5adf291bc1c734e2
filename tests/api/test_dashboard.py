def test_the_app_page_serves_the_built_extension_framable_by_the_dashboard(
    client, settings, tmp_path
):
    # given
    (tmp_path / "index.html").write_text('<div id="root"></div>')
    settings.DASHBOARD_DIST = tmp_path

    # when
    response = client.get("/dashboard/?saleorApiUrl=http%3A%2F%2Fshop%2Fgraphql%2F&theme=light")

    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b'<div id="root"></div>'
    assert "X-Frame-Options" not in response
    assert response["Cache-Control"] == "no-cache"


def test_client_side_routes_get_the_same_page(client, settings, tmp_path):
    (tmp_path / "index.html").write_text("app")
    settings.DASHBOARD_DIST = tmp_path

    response = client.get("/dashboard/contacts/42")

    assert response.status_code == 200


def test_an_unbuilt_extension_says_how_to_build_it(client, settings, tmp_path):
    settings.DASHBOARD_DIST = tmp_path

    response = client.get("/dashboard/")

    assert response.status_code == 503
    assert b"make install" in response.content


def test_other_pages_are_not_framable(client):
    response = client.get("/healthz")

    assert response["X-Frame-Options"] == "DENY"
