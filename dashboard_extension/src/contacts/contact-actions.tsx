import { Box, Button, Select, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { ModalCard } from "../components/modal-card";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { pathFor } from "../lib/routes";
import { enrollableJourneys, exportFileName, exportText } from "./profile";
import { type ContactProfile, useContactExport, useEnrolContact, useEnrolJourneys, useEraseContact } from "./use-contacts";

type Download = { url: string; fileName: string };

/** The GDPR export: fetched on request, offered as a JSON file (a Blob link, nothing stored). */
const ExportAction = ({ contact }: { contact: ContactProfile }) => {
  const intl = useIntl();
  const notifyError = useNotifyError();
  const exporting = useContactExport();
  const [download, setDownload] = useState<Download | null>(null);

  useEffect(() => () => {
    if (download) URL.revokeObjectURL(download.url);
  }, [download]);

  const prepare = () =>
    exporting.mutate(contact.id, {
      onSuccess: (data) => {
        const blob = new Blob([exportText(data)], { type: "application/json" });
        setDownload({ url: URL.createObjectURL(blob), fileName: exportFileName(contact, new Date()) });
      },
      onError: (error) => notifyError(intl.formatMessage({ id: "contacts.export.failed" }), error),
    });

  return download ? (
    <a href={download.url} download={download.fileName} data-testid="export-download">
      <Text size={3} color="accent1" textDecoration="underline">
        {intl.formatMessage({ id: "contacts.export.download" }, { fileName: download.fileName })}
      </Text>
    </a>
  ) : (
    <Button variant="secondary" onClick={prepare} disabled={exporting.isPending} data-testid="export-prepare">
      {intl.formatMessage({ id: exporting.isPending ? "contacts.export.preparing" : "contacts.export.prepare" })}
    </Button>
  );
};

/** Manual entry: a picker of the active journeys entered by hand, then a confirmation. */
const EnrolDialog = ({ contact, name, onClose }: { contact: ContactProfile; name: string; onClose: () => void }) => {
  const intl = useIntl();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const journeys = useEnrolJourneys(true);
  const enrol = useEnrolContact(contact.id);
  const choices = enrollableJourneys(journeys.data ?? []);
  const [journeyId, setJourneyId] = useState("");
  const chosen = choices.find((journey) => journey.id === journeyId) ?? null;

  const submit = () => {
    if (!chosen) return;
    enrol.mutate(chosen.id, {
      onSuccess: (run) => {
        notify(
          run
            ? { status: "success", title: intl.formatMessage({ id: "contacts.enrol.done" }, { name, journey: chosen.name }) }
            : { status: "info", title: intl.formatMessage({ id: "contacts.enrol.refused" }, { name, journey: chosen.name }) },
        );
        onClose();
      },
      onError: (error) => notifyError(intl.formatMessage({ id: "contacts.enrol.failed" }), error),
    });
  };

  return (
    <ModalCard open title={intl.formatMessage({ id: "contacts.enrol.title" }, { name })} onClose={onClose} cardTestId="enrol-dialog">
      {journeys.isPending && <LoadingState label={intl.formatMessage({ id: "contacts.enrol.loading" })} />}
      {journeys.isError && <ErrorState error={journeys.error} onRetry={() => void journeys.refetch()} />}
      {journeys.isSuccess && choices.length === 0 && <Text size={3}>{intl.formatMessage({ id: "contacts.enrol.noJourneys" })}</Text>}
      {choices.length > 0 && (
        <Select
          label={intl.formatMessage({ id: "contacts.enrol.journey" })}
          options={choices.map((journey) => ({ value: journey.id, label: journey.name }))}
          value={journeyId}
          onChange={(value: string) => setJourneyId(value)}
          data-testid="enrol-journey"
        />
      )}
      {chosen && (
        <Text as="p" size={3} data-testid="enrol-confirm-text">
          {intl.formatMessage({ id: "contacts.enrol.confirmText" }, { name, journey: chosen.name })}
        </Text>
      )}
      <Box display="flex" justifyContent="flex-end" gap={3}>
        <Button variant="secondary" onClick={onClose} disabled={enrol.isPending}>
          {intl.formatMessage({ id: "shell.confirm.cancel" })}
        </Button>
        <Button variant="primary" onClick={submit} disabled={!chosen || enrol.isPending} data-testid="enrol-submit">
          {intl.formatMessage({ id: "contacts.enrol.submit" })}
        </Button>
      </Box>
    </ModalCard>
  );
};

/** Export, enrol, erase: the profile's actions. Erasing asks first, naming the person. */
export const ContactActions = ({ contact, name }: { contact: ContactProfile; name: string }) => {
  const intl = useIntl();
  const navigate = useNavigate();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const erase = useEraseContact();
  const [enrolling, setEnrolling] = useState(false);
  const [confirmingErase, setConfirmingErase] = useState(false);

  const onErase = () =>
    erase.mutate(contact.id, {
      onSuccess: () => {
        notify({ status: "success", title: intl.formatMessage({ id: "contacts.erase.done" }, { name }) });
        navigate(pathFor({ name: "contacts" }));
      },
      onError: (error) => {
        setConfirmingErase(false);
        notifyError(intl.formatMessage({ id: "contacts.erase.failed" }), error);
      },
    });

  return (
    <Box display="flex" gap={3} alignItems="center" flexWrap="wrap" data-testid="contact-actions">
      <ExportAction contact={contact} />
      <Button variant="secondary" onClick={() => setEnrolling(true)} data-testid="enrol-open">
        {intl.formatMessage({ id: "contacts.enrol.open" })}
      </Button>
      <Button variant="error" onClick={() => setConfirmingErase(true)} data-testid="erase-open">
        {intl.formatMessage({ id: "contacts.erase.open" })}
      </Button>
      {enrolling && <EnrolDialog contact={contact} name={name} onClose={() => setEnrolling(false)} />}
      <ConfirmDialog
        open={confirmingErase}
        tone="error"
        busy={erase.isPending}
        title={intl.formatMessage({ id: "contacts.erase.confirmTitle" }, { name })}
        description={intl.formatMessage({ id: "contacts.erase.confirmText" }, { name })}
        confirmLabel={intl.formatMessage({ id: "contacts.erase.confirm" }, { name })}
        onConfirm={onErase}
        onCancel={() => setConfirmingErase(false)}
      />
    </Box>
  );
};
