import pytest

from saleor_mautomation.contacts.timezones import country_time_zone


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("DE", "Europe/Berlin"),
        ("pl", "Europe/Warsaw"),
        ("US", "America/New_York"),
        ("AU", "Australia/Sydney"),
        ("JP", "Asia/Tokyo"),
        ("XX", ""),
        ("", ""),
    ],
)
def test_country_main_time_zone(country, zone):
    assert country_time_zone(country) == zone
