import pytest


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_broker(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_unreachable(client, settings):
    from celery import current_app

    original = current_app.conf.broker_url
    current_app.conf["broker_url"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        current_app.conf["broker_url"] = original

    assert response.status_code == 503
    assert response.json()["broker"].startswith("unavailable")
    assert response.json()["database"] == "ok"
