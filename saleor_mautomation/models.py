"""Django discovers the app's models here; each domain keeps its own ``models.py``."""

from saleor_mautomation.analytics.models import AttributionSettings, OrderAttribution
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.catalogue.models import (
    CatalogueEvent,
    CatalogueSettings,
    CatalogueSync,
    Category,
    Collection,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.models import (
    ConsentRecord,
    ConsentText,
    Contact,
    ContactAlias,
    ContactsConfig,
    ContactSpend,
    ErasedIdentity,
    ErasureRequest,
    PushSubscription,
)
from saleor_mautomation.events.models import DailyTally, Event
from saleor_mautomation.imports.models import ImportJob, ImportRowError
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.journeys.models import (
    BroadcastRest,
    Journey,
    JourneyRun,
    JourneyVersion,
    JourneyVoucher,
    RunStep,
)
from saleor_mautomation.messages.models import (
    EmailProvider,
    Message,
    MessageAttempt,
    Offer,
    PushKeys,
    SendingRules,
    SmsProvider,
    Suppression,
    Template,
    TemplateVersion,
)
from saleor_mautomation.predictions.models import (
    ContactPrediction,
    ContactValuePrediction,
    PredictionFit,
)
from saleor_mautomation.programmes.models import Draw, DrawEntry, Survey, SurveyAnswer
from saleor_mautomation.recommendations.models import (
    ContactProduct,
    OrderProduct,
    ProductBuyers,
    ProductPair,
    RecommendationState,
)
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.models import (
    Membership,
    Segment,
    SegmentRevision,
    StaticList,
    StaticListMember,
)

__all__ = [
    "AttributionSettings",
    "BackfillRun",
    "BroadcastRest",
    "CatalogueEvent",
    "CatalogueSettings",
    "CatalogueSync",
    "Category",
    "CheckoutRecord",
    "Collection",
    "ConsentRecord",
    "ConsentText",
    "Contact",
    "ContactAlias",
    "ContactPrediction",
    "ContactProduct",
    "ContactSpend",
    "ContactValuePrediction",
    "ContactsConfig",
    "DailyTally",
    "Delivery",
    "Draw",
    "DrawEntry",
    "EmailProvider",
    "ErasedIdentity",
    "ErasureRequest",
    "Event",
    "ImportJob",
    "ImportRowError",
    "Installation",
    "Journey",
    "JourneyRun",
    "JourneyVersion",
    "JourneyVoucher",
    "Membership",
    "Message",
    "MessageAttempt",
    "Offer",
    "OrderAttribution",
    "OrderProduct",
    "OrderRecord",
    "PredictionFit",
    "Product",
    "ProductBuyers",
    "ProductChannelListing",
    "ProductPair",
    "PushKeys",
    "PushSubscription",
    "RecommendationState",
    "RunStep",
    "Segment",
    "SegmentRevision",
    "SendingRules",
    "SmsProvider",
    "StaticList",
    "StaticListMember",
    "Suppression",
    "Survey",
    "SurveyAnswer",
    "Template",
    "TemplateVersion",
    "Variant",
    "VariantChannelListing",
]
