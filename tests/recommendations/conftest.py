from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _cache_cleared():
    """Best-seller lists are cached by installation and version: on SQLite a rolled-back
    test's installation id comes again, so each test starts with an empty cache."""
    cache.clear()
