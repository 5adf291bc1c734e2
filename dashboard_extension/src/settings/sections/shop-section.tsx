/** The top of the settings: what would not work as expected (appSettings.warnings) and the
 * shop's name as Saleor gives it, read again on demand (refreshShopName). */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { StatusCard } from "../../components/status-card";
import { useNotify, useNotifyError } from "../../hooks/use-notify";
import type { AppSettings } from "../types";
import { useSettingsSaves } from "../use-settings";

export const SettingsWarnings = ({ warnings }: { warnings: string[] }) => {
  const intl = useIntl();
  if (warnings.length === 0) return null;
  return (
    <StatusCard tone="critical" testId="settings-warnings">
      <Text as="h2" size={6} fontWeight="bold" color="critical1">
        {intl.formatMessage({ id: "settings.warnings.title" })}
      </Text>
      <Box as="ul" margin={0} paddingLeft={6} display="flex" flexDirection="column" gap={1}>
        {warnings.map((warning) => (
          <li key={warning}>
            <Text size={3} lang="en">
              {warning}
            </Text>
          </li>
        ))}
      </Box>
    </StatusCard>
  );
};

export const ShopName = ({ settings }: { settings: AppSettings }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const saves = useSettingsSaves();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const [busy, setBusy] = useState(false);
  const refresh = () => {
    setBusy(true);
    saves
      .refreshShopName()
      .then(() => notify({ status: "success", title: t("settings.shop.refreshed") }))
      .catch((error: unknown) => notifyError(t("settings.shop.refreshFailed"), error))
      .finally(() => setBusy(false));
  };
  return (
    <Box display="flex" alignItems="center" gap={4} flexWrap="wrap" data-testid="settings-shop">
      <Text size={4}>
        {settings.shopName ? t("settings.shop.name", { name: settings.shopName }) : t("settings.shop.unread")}
      </Text>
      <Button variant="secondary" size="small" onClick={refresh} disabled={busy} data-testid="refresh-shop-name">
        {t("settings.shop.refresh")}
      </Button>
    </Box>
  );
};
