import { Box } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { ApiKeysSection } from "../settings/sections/api-keys-section";
import { BackfillSection } from "../settings/sections/backfill-section";
import { CatalogueSection } from "../settings/sections/catalogue-section";
import { ConsentTextsSection } from "../settings/sections/consent-texts-section";
import { OffersSection } from "../settings/sections/offers-section";
import { PushSection, SenderEmailSection, SmsSection } from "../settings/sections/provider-sections";
import { AttributionSection, LifecycleSection, RulesSection, StorefrontSection } from "../settings/sections/rule-sections";
import { SettingsWarnings, ShopName } from "../settings/sections/shop-section";
import { useSettingsScreen } from "../settings/use-settings";
import { PageTitle } from "../shell/page-layout";

/** `/settings`: the installation's settings, one form a section, each saved on its own. A
 * section is keyed by the API's values, so a save (or a reload) starts it from what is stored. */
export const SettingsPage = () => {
  const intl = useIntl();
  const screen = useSettingsScreen();
  const data = screen.data;
  const key = (value: unknown) => JSON.stringify(value);
  return (
    <>
      <PageTitle>{intl.formatMessage({ id: "settings.title" })}</PageTitle>
      {screen.isPending && <LoadingState label={intl.formatMessage({ id: "settings.loading" })} />}
      {screen.isError && <ErrorState error={screen.error} onRetry={() => void screen.refetch()} />}
      {data && (
        <Box display="flex" flexDirection="column" gap={8} data-testid="settings">
          <SettingsWarnings warnings={data.appSettings.warnings} />
          <ShopName settings={data.appSettings} />
          <SenderEmailSection key={key([data.appSettings.senderName, data.appSettings.fromEmail, data.appSettings.replyTo, data.emailProvider])} settings={data.appSettings} provider={data.emailProvider} />
          <SmsSection key={key(data.smsProvider)} provider={data.smsProvider} />
          <PushSection key={key(data.pushSettings)} push={data.pushSettings} />
          <RulesSection key={key([data.appSettings.capCount, data.appSettings.capHours, data.appSettings.channelCaps, data.appSettings.quietStartHour, data.appSettings.quietEndHour, data.appSettings.quietAction])} settings={data.appSettings} />
          <LifecycleSection key={key([data.appSettings.lapsingAfterDays, data.appSettings.lapsedAfterDays, data.appSettings.vipMinOrders, data.appSettings.spendThresholds, data.appSettings.checkoutAbandonedAfterMinutes, data.appSettings.browseAbandonedAfterMinutes, data.appSettings.browseWindowHours])} settings={data.appSettings} />
          <StorefrontSection key={key([data.appSettings.storefrontOrigins, data.appSettings.storefrontUrls, data.appSettings.dashboardOrigins, data.appSettings.metadataKeys])} settings={data.appSettings} />
          <AttributionSection key={key(data.appSettings.attribution)} settings={data.appSettings} />
          <ConsentTextsSection />
          <OffersSection />
          <BackfillSection />
          <CatalogueSection />
          <ApiKeysSection />
        </Box>
      )}
    </>
  );
};

export default SettingsPage;
