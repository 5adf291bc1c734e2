from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class DashboardWhiteNoise(WhiteNoiseMiddleware):
    """WhiteNoise that also serves the built dashboard extension's hashed assets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assets = settings.DASHBOARD_DIST / "assets"
        if assets.is_dir():
            self.add_files(str(assets), prefix="dashboard/assets/")

    def immutable_file_test(self, path: str, url: str) -> bool:
        return url.startswith("/dashboard/assets/") or super().immutable_file_test(path, url)
