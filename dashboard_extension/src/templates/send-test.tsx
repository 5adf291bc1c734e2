import { Box, Button, Input } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { useNotify, useNotifyError } from "../hooks/use-notify";
import { testAddressProblem } from "./detail";
import { type Content, useSendTest } from "./use-templates";

/** "Send a test": the saved version in a language, or `content` (unsaved), to an address the admin types. */
export const SendTestForm = ({ templateId, language, content }: { templateId: string; language: string; content: Content | null }) => {
  const intl = useIntl();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const send = useSendTest();
  const [to, setTo] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const checked = testAddressProblem(to);
    if (checked) {
      setProblem(checked);
      return;
    }
    send.mutate(
      { templateId, language, to: to.trim(), ...(content ?? {}) },
      {
        onSuccess: () => notify({ status: "success", title: intl.formatMessage({ id: "templates.test.sent" }, { to: to.trim() }) }),
        onError: (error) => notifyError(intl.formatMessage({ id: "templates.test.failed" }), error),
      },
    );
  };

  return (
    <Box as="form" display="flex" gap={3} alignItems="flex-start" flexWrap="wrap" onSubmit={submit} noValidate data-testid="send-test">
      <Box __width="320px">
        <Input
          type="email"
          label={intl.formatMessage({ id: "templates.test.to" })}
          value={to}
          onChange={(event) => {
            setTo(event.target.value);
            setProblem(null);
          }}
          error={Boolean(problem)}
          helperText={problem ? intl.formatMessage({ id: problem }) : intl.formatMessage({ id: content ? "templates.test.helpUnsaved" : "templates.test.help" })}
          data-testid="send-test-to"
        />
      </Box>
      <Button type="submit" variant="secondary" disabled={send.isPending} data-testid="send-test-submit">
        {intl.formatMessage({ id: send.isPending ? "templates.test.sending" : "templates.test.send" })}
      </Button>
    </Box>
  );
};
