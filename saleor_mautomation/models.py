"""Django discovers the app's models here; each domain keeps its own ``models.py``."""

from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.saleor.models import Installation

__all__ = ["Delivery", "Installation"]
