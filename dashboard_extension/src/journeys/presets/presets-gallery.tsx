import { Box, Button, Text } from "@saleor/macaw-ui";
import { FormattedMessage, useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { ErrorState } from "../../components/error-state";
import { LoadingState } from "../../components/loading-state";
import { StatusCard } from "../../components/status-card";
import { useNotify, useNotifyError } from "../../hooks/use-notify";
import { pathFor } from "../../lib/routes";
import { PageTitle } from "../../shell/page-layout";
import { PresetPreview } from "./preset-preview";
import { type JourneyPreset, useInstallPreset, usePresets } from "./use-presets";
import { AppLink } from "../../components/app-link";

const PresetCard = ({ preset, installing, onInstall }: { preset: JourneyPreset; installing: boolean; onInstall: () => void }) => {
  const intl = useIntl();
  const headingId = `preset-${preset.key}`;

  return (
    <Box as="section" aria-labelledby={headingId} data-testid="preset-card" data-preset-key={preset.key}>
      <StatusCard>
        <Text as="h2" size={6} fontWeight="bold" id={headingId}>
          {preset.name}
        </Text>
        <Text as="p" size={3} color="default2">
          {preset.description}
        </Text>
        <Box color="default1" borderRadius={3} backgroundColor="default2" padding={2}>
          <PresetPreview name={preset.name} definition={preset.definition} layout={preset.layout} />
        </Box>
        <Box>
          <Button
            variant="primary"
            onClick={onInstall}
            disabled={installing}
            aria-label={intl.formatMessage({ id: "presets.install.label" }, { name: preset.name })}
            data-testid="preset-install"
          >
            <FormattedMessage id="presets.install" />
          </Button>
        </Box>
      </StatusCard>
    </Box>
  );
};

export const PresetsGallery = () => {
  const intl = useIntl();
  const navigate = useNavigate();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const presets = usePresets();
  const install = useInstallPreset();

  const onInstall = (preset: JourneyPreset) =>
    install.mutate(preset.key, {
      onSuccess: (journey) => {
        notify({ status: "success", title: intl.formatMessage({ id: "presets.install.done" }, { name: preset.name }) });
        navigate(pathFor({ name: "journey", journeyId: journey.id }));
      },
      onError: (error) => notifyError(intl.formatMessage({ id: "presets.install.failed" }, { name: preset.name }), error),
    });

  return (
    <>
      <PageTitle
        actions={
          <AppLink to={pathFor({ name: "journeys" })}>
            <Text size={4} color="accent1">
              <FormattedMessage id="presets.back" />
            </Text>
          </AppLink>
        }
      >
        <FormattedMessage id="presets.title" />
      </PageTitle>
      <Text as="p" size={4}>
        <FormattedMessage id="presets.intro" />
      </Text>
      {presets.isPending && <LoadingState label={<FormattedMessage id="presets.loading" />} />}
      {presets.isError && <ErrorState error={presets.error} onRetry={() => void presets.refetch()} />}
      {presets.isSuccess && presets.data.length === 0 && (
        <Text>
          <FormattedMessage id="presets.empty" />
        </Text>
      )}
      {presets.isSuccess && (
        <Box display="grid" gap={6} __gridTemplateColumns="repeat(auto-fill, minmax(320px, 1fr))" data-testid="presets-gallery">
          {presets.data.map((preset) => (
            <PresetCard
              key={preset.key}
              preset={preset}
              installing={install.isPending && install.variables === preset.key}
              onInstall={() => onInstall(preset)}
            />
          ))}
        </Box>
      )}
    </>
  );
};
