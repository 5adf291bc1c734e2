import { Box, Button, Checkbox, Input, Text } from "@saleor/macaw-ui";
import { type ReactNode, useRef, useState } from "react";
import { useIntl } from "react-intl";

import { ModalCard } from "../../components/modal-card";
import { useGraphQLClient } from "../../providers/data-provider";
import { type ContactOption, useContactSearch } from "./api";
import { ENROL_MUTATION, TEST_QUERY, TRIGGER_SECRET_MUTATION, UPDATED_AT_QUERY } from "./editor.documents";
import type { TraceStep } from "./trace";
import type { Definition } from "./types";

/** A macaw modal card (the Dashboard's sandbox has no window.confirm). */
export const Dialog = ({ open, title, onClose, children, testId }: { open: boolean; title: ReactNode; onClose: () => void; children: ReactNode; testId: string }) => (
  <ModalCard open={open} title={title} onClose={onClose} cardTestId={testId}>
    {children}
  </ModalCard>
);

const contactName = (c: ContactOption) => [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || c.id;

const ContactPicker = ({ value, onChange }: { value: ContactOption | null; onChange: (c: ContactOption) => void }) => {
  const intl = useIntl();
  const [search, setSearch] = useState("");
  const { data, isFetching } = useContactSearch(search);
  const contacts = data?.contacts.edges.map((e) => e.node) ?? [];
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <Input
        label={intl.formatMessage({ id: "editor.contact.search" })}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        data-testid="contact-search"
      />
      <Box as="ul" role="listbox" aria-label={intl.formatMessage({ id: "editor.contact.results" })} margin={0} padding={0} display="flex" flexDirection="column" gap={1}>
        {contacts.map((c) => (
          <Box as="li" key={c.id} listStyleType="none" role="none">
            <Button
              variant={value?.id === c.id ? "primary" : "tertiary"}
              size="small"
              role="option"
              aria-selected={value?.id === c.id}
              onClick={() => onChange(c)}
              data-testid="contact-option"
            >
              {contactName(c)}
              {c.email ? ` <${c.email}>` : ""}
            </Button>
          </Box>
        ))}
        {!isFetching && contacts.length === 0 && <Text size={2}>{intl.formatMessage({ id: "editor.contact.none" })}</Text>}
      </Box>
    </Box>
  );
};

export const TestRunDialog = ({
  open,
  onClose,
  journeyId,
  definition,
  onTrace,
}: {
  open: boolean;
  onClose: () => void;
  journeyId: string;
  definition: Definition;
  onTrace: (steps: TraceStep[]) => void;
}) => {
  const intl = useIntl();
  const client = useGraphQLClient();
  const [contact, setContact] = useState<ContactOption | null>(null);
  const [eventsHappen, setEventsHappen] = useState(false);
  const [steps, setSteps] = useState<TraceStep[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!contact) return;
    setBusy(true);
    setError(null);
    const result = await client.execute(TEST_QUERY, { journeyId, contactId: contact.id, definition, eventsHappen });
    setBusy(false);
    if (result.ok) {
      const trace = (result.data as { journeyTest: TraceStep[] }).journeyTest;
      setSteps(trace);
      onTrace(trace);
    } else {
      setError(result.message);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} title={intl.formatMessage({ id: "editor.test.title" })} testId="test-run-dialog">
      <Text size={3}>{intl.formatMessage({ id: "editor.test.description" })}</Text>
      <ContactPicker value={contact} onChange={setContact} />
      <Checkbox checked={eventsHappen} onCheckedChange={(c) => setEventsHappen(c === true)}>
        <Text size={3}>{intl.formatMessage({ id: "editor.test.eventsHappen" })}</Text>
      </Checkbox>
      {error && (
        <Text size={2} color="critical1" role="alert">
          {error}
        </Text>
      )}
      {steps && (
        <Box as="ol" margin={0} paddingLeft={4} data-testid="test-run-steps" aria-label={intl.formatMessage({ id: "editor.test.steps" })}>
          {steps.map((step, i) => (
            <Box as="li" key={i}>
              <Text size={2}>
                {intl.formatMessage({ id: "editor.test.step" }, { node: step.node, kind: step.kind, at: step.at })}
              </Text>
            </Box>
          ))}
        </Box>
      )}
      <Box display="flex" justifyContent="flex-end" gap={3}>
        <Button variant="secondary" onClick={onClose}>
          {intl.formatMessage({ id: "editor.close" })}
        </Button>
        <Button variant="primary" disabled={!contact || busy} onClick={run} data-testid="test-run-start">
          {intl.formatMessage({ id: "editor.test.run" })}
        </Button>
      </Box>
    </Dialog>
  );
};

export const EnrolDialog = ({ open, onClose, journeyId, onEnrolled }: { open: boolean; onClose: () => void; journeyId: string; onEnrolled: (enrolled: boolean) => void }) => {
  const intl = useIntl();
  const client = useGraphQLClient();
  const [contact, setContact] = useState<ContactOption | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const enrol = async () => {
    if (!contact) return;
    setBusy(true);
    setError(null);
    const result = await client.execute(ENROL_MUTATION, { journeyId, contactId: contact.id });
    setBusy(false);
    if (result.ok) {
      onEnrolled((result.data as { enrolContact: { run: unknown } }).enrolContact.run !== null);
      onClose();
    } else {
      setError(result.message);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} title={intl.formatMessage({ id: "editor.enrol.title" })} testId="enrol-dialog">
      <Text size={3}>{intl.formatMessage({ id: "editor.enrol.description" })}</Text>
      <ContactPicker value={contact} onChange={setContact} />
      {error && (
        <Text size={2} color="critical1" role="alert">
          {error}
        </Text>
      )}
      <Box display="flex" justifyContent="flex-end" gap={3}>
        <Button variant="secondary" onClick={onClose}>
          {intl.formatMessage({ id: "editor.close" })}
        </Button>
        <Button variant="primary" disabled={!contact || busy} onClick={enrol} data-testid="enrol-confirm">
          {intl.formatMessage({ id: "editor.enrol.confirm" })}
        </Button>
      </Box>
    </Dialog>
  );
};

/**
 * The external trigger's secret: a new one is shown once, with a copy button, and selected
 * entirely on focus for a manual copy where the clipboard is not allowed (the iframe's policy).
 */
export const TriggerSecret = ({ journeyId, onChanged }: { journeyId: string; onChanged: (updatedAt: string) => void }) => {
  const intl = useIntl();
  const client = useGraphQLClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const generate = async () => {
    const result = await client.execute(TRIGGER_SECRET_MUTATION, { id: journeyId });
    if (result.ok) {
      setSecret((result.data as { newTriggerSecret: { secret: string } }).newTriggerSecret.secret);
      setCopied(null);
      // The secret is saved on the journey, which moves its updatedAt: the draft's saves go on from there.
      const fresh = await client.execute(UPDATED_AT_QUERY, { id: journeyId });
      if (fresh.ok) onChanged((fresh.data as { journey: { updatedAt: string } }).journey.updatedAt);
    } else {
      setError(result.message);
    }
  };
  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      input.current?.focus();
      input.current?.select();
      setCopied("no");
    }
  };
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="trigger-secret">
      <Text as="h3" size={4} fontWeight="bold">
        {intl.formatMessage({ id: "editor.secret.title" })}
      </Text>
      <Text size={2} color="default2">
        {intl.formatMessage({ id: "editor.secret.description" })}
      </Text>
      {secret && (
        <>
          <Input
            ref={input}
            readOnly
            label={intl.formatMessage({ id: "editor.secret.value" })}
            value={secret}
            onFocus={(e) => e.target.select()}
            data-testid="trigger-secret-value"
          />
          <Box display="flex" gap={2} alignItems="center">
            <Button variant="secondary" size="small" onClick={copy} data-testid="trigger-secret-copy">
              {intl.formatMessage({ id: "editor.secret.copy" })}
            </Button>
            <Text size={2} role="status">
              {copied === "yes" ? intl.formatMessage({ id: "editor.secret.copied" }) : copied === "no" ? intl.formatMessage({ id: "editor.secret.selectAll" }) : ""}
            </Text>
          </Box>
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "editor.secret.once" })}
          </Text>
        </>
      )}
      {error && (
        <Text size={2} color="critical1">
          {error}
        </Text>
      )}
      <Box>
        <Button variant="secondary" size="small" onClick={generate} data-testid="trigger-secret-new">
          {intl.formatMessage({ id: secret ? "editor.secret.again" : "editor.secret.new" })}
        </Button>
      </Box>
    </Box>
  );
};
