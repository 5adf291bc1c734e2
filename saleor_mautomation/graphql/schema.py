"""The app's GraphQL schema, composed of one Query (and Mutation) mixin per domain module."""

from __future__ import annotations

import graphene

from saleor_mautomation.graphql.analytics import AnalyticsQuery
from saleor_mautomation.graphql.api_keys import ApiKeysMutation, ApiKeysQuery
from saleor_mautomation.graphql.backfill import BackfillMutation, BackfillQuery
from saleor_mautomation.graphql.broadcast_cancel import BroadcastCancelMutation
from saleor_mautomation.graphql.broadcast_pause import BroadcastPauseMutation
from saleor_mautomation.graphql.broadcast_resume import BroadcastResumeMutation
from saleor_mautomation.graphql.broadcasts import BroadcastsQuery
from saleor_mautomation.graphql.catalogue import CatalogueQuery
from saleor_mautomation.graphql.catalogue_settings_update import CatalogueSettingsMutation
from saleor_mautomation.graphql.catalogue_sync_restart import CatalogueSyncMutation
from saleor_mautomation.graphql.channel_template_preview import ChannelTemplatePreviewQuery
from saleor_mautomation.graphql.channels import ChannelsMutation, ChannelsQuery
from saleor_mautomation.graphql.consent_texts import ConsentTextsMutation, ConsentTextsQuery
from saleor_mautomation.graphql.contact_postal import ContactPostalMutation
from saleor_mautomation.graphql.contacts import ContactsQuery
from saleor_mautomation.graphql.discard_failure import DiscardFailureMutation
from saleor_mautomation.graphql.draw_run import DrawRunMutation
from saleor_mautomation.graphql.draws import DrawsMutation, DrawsQuery
from saleor_mautomation.graphql.email_provider import EmailProviderMutation, EmailProviderQuery
from saleor_mautomation.graphql.erase_contact import EraseContactMutation
from saleor_mautomation.graphql.failures import FailuresQuery
from saleor_mautomation.graphql.imports import ImportsQuery
from saleor_mautomation.graphql.installation import InstallationMutation, InstallationQuery
from saleor_mautomation.graphql.journey_presets import JourneyPresetsMutation, JourneyPresetsQuery
from saleor_mautomation.graphql.journeys import JourneysMutation, JourneysQuery
from saleor_mautomation.graphql.offers import OffersMutation, OffersQuery
from saleor_mautomation.graphql.personalisation import PersonalisationQuery
from saleor_mautomation.graphql.pickers import PickersQuery
from saleor_mautomation.graphql.postal import PostalMutation, PostalQuery
from saleor_mautomation.graphql.postal_consent import PostalConsentMutation
from saleor_mautomation.graphql.prediction_fits import PredictionFitsQuery
from saleor_mautomation.graphql.recommendations import RecommendationsQuery
from saleor_mautomation.graphql.retry_failure import RetryFailureMutation
from saleor_mautomation.graphql.segment_storefront import SegmentStorefrontMutation
from saleor_mautomation.graphql.segments import SegmentsMutation, SegmentsQuery
from saleor_mautomation.graphql.sender_domain import SenderDomainQuery
from saleor_mautomation.graphql.settings import SettingsMutation, SettingsQuery
from saleor_mautomation.graphql.storefront import StorefrontMutation, StorefrontQuery
from saleor_mautomation.graphql.surveys import SurveysMutation, SurveysQuery
from saleor_mautomation.graphql.template_copy import TemplateCopyMutation
from saleor_mautomation.graphql.template_create import TemplateCreateMutation, TemplateCreateQuery
from saleor_mautomation.graphql.template_rename import TemplateRenameMutation
from saleor_mautomation.graphql.templates import TemplatesMutation, TemplatesQuery
from saleor_mautomation.graphql.webhooks_sync import WebhooksSyncMutation


class Query(
    InstallationQuery,
    AnalyticsQuery,
    ApiKeysQuery,
    ContactsQuery,
    ConsentTextsQuery,
    BackfillQuery,
    CatalogueQuery,
    BroadcastsQuery,
    ChannelsQuery,
    EmailProviderQuery,
    FailuresQuery,
    ImportsQuery,
    JourneysQuery,
    JourneyPresetsQuery,
    OffersQuery,
    PersonalisationQuery,
    PickersQuery,
    PostalQuery,
    PredictionFitsQuery,
    RecommendationsQuery,
    SegmentsQuery,
    SenderDomainQuery,
    SettingsQuery,
    StorefrontQuery,
    SurveysQuery,
    DrawsQuery,
    TemplatesQuery,
    TemplateCreateQuery,
    ChannelTemplatePreviewQuery,
    graphene.ObjectType,
):
    pass


class Mutation(
    InstallationMutation,
    ApiKeysMutation,
    BackfillMutation,
    CatalogueSyncMutation,
    CatalogueSettingsMutation,
    WebhooksSyncMutation,
    ConsentTextsMutation,
    ContactPostalMutation,
    BroadcastCancelMutation,
    BroadcastPauseMutation,
    BroadcastResumeMutation,
    ChannelsMutation,
    EmailProviderMutation,
    DiscardFailureMutation,
    EraseContactMutation,
    JourneysMutation,
    JourneyPresetsMutation,
    OffersMutation,
    PostalMutation,
    PostalConsentMutation,
    RetryFailureMutation,
    SegmentsMutation,
    SegmentStorefrontMutation,
    SettingsMutation,
    StorefrontMutation,
    SurveysMutation,
    DrawsMutation,
    DrawRunMutation,
    TemplatesMutation,
    TemplateCreateMutation,
    TemplateCopyMutation,
    TemplateRenameMutation,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
