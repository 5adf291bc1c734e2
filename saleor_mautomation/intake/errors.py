from saleor_mautomation.core.errors import PermanentError


class DeliveryRejected(PermanentError):
    """A verified delivery the app cannot use (unknown event, unparseable body): kept, 400."""

    code = "delivery_rejected"
