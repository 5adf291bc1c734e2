"""Who may call which root field of the app's API.

The storefront's fields answer anyone (a shop's visitors, with the shop named by
``Saleor-Api-Url``; some need a customer's token or a signed link, checked by each resolver);
every other root field needs a Saleor Dashboard token. The tests check each side holds, and the
GraphQL reference is split along it.
"""

from __future__ import annotations

STOREFRONT_FIELDS = frozenset(
    {
        "trackEvents",
        "subscribe",
        "updateProfile",
        "identify",
        "confirmSubscription",
        "preferences",
        "updatePreferences",
        "unsubscribe",
        "registerPushSubscription",
        "unregisterPushSubscription",
        "setPhone",
        "pushPublicKey",
        "consentText",
        "recommendations",
        "personalisation",
        "setPostalConsent",
    }
)
