/** `/draws/:drawId`: a prize draw's entries, its settings until drawn, "Draw winners" with an
 * optional seed, then the winners by rank with the seed they were drawn with; its deletion
 * behind a confirmation. */
import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { ConfirmDialog } from "../components/confirm-dialog";
import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { Fact, Section } from "../components/section";
import { StatusCard } from "../components/status-card";
import { useNotify, useNotifyError } from "../hooks/use-notify";
import { formatDateTime, formatNumber } from "../lib/format";
import { GraphQLRequestError } from "../lib/graphql";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { checkDraw, type DrawForm, localInputOf, seedProblem } from "./forms";
import { DrawFields, useProgrammeForm } from "./fields";
import { type Draw, useDeleteDraw, useDraws, useRunDraw, useUpdateDraw } from "./use-programmes";

const cell = cellStyle({ align: "top" });

const formOf = (draw: Draw): DrawForm => ({
  key: draw.key,
  name: draw.name,
  prize: draw.prize,
  winners: String(draw.winnersCount),
  closesAt: localInputOf(draw.closesAt),
});

const Settings = ({ draw }: { draw: Draw }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const notify = useNotify();
  const update = useUpdateDraw();
  const { form, setForm, problems, setProblems, change, refused } = useProgrammeForm<DrawForm>(() => formOf(draw));
  const save = () => {
    const checked = checkDraw(form, { creating: false, nowMs: Date.now(), previousClosesAt: draw.closesAt });
    if (!checked.ok) return setProblems(checked.problems);
    const { name, prize, winnersCount, closesAt } = checked.input;
    update.mutate(
      { id: draw.id, input: { name, prize, winnersCount, closesAt } },
      {
        onSuccess: (saved) => {
          setForm(formOf(saved));
          notify({ status: "success", title: t("programmes.saved") });
        },
        onError: refused(t("programmes.saveFailed")),
      },
    );
  };
  return (
    <Section
      title={t("programmes.draw.settings")}
      testId="draw-settings"
      actions={
        <Button onClick={save} disabled={update.isPending} data-testid="draw-save">
          {t("programmes.save")}
        </Button>
      }
    >
      <DrawFields
        form={form}
        problems={problems}
        creating={false}
        onChange={change}
      />
    </Section>
  );
};

const RunDraw = ({ draw }: { draw: Draw }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const notify = useNotify();
  const notifyError = useNotifyError();
  const run = useRunDraw();
  const [seed, setSeed] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const ask = () => {
    const checked = seedProblem(seed);
    if (checked) return setProblem(t(checked));
    setConfirming(true);
  };
  const confirm = () =>
    run.mutate(
      { id: draw.id, seed },
      {
        onSuccess: (drawn) => {
          setConfirming(false);
          notify({ status: "success", title: t("programmes.draw.ran", { count: drawn.winners.length }) });
        },
        onError: (error) => {
          setConfirming(false);
          if (error instanceof GraphQLRequestError && error.failure.code === "INVALID") setProblem(error.failure.message);
          else notifyError(t("programmes.draw.runFailed"), error);
        },
      },
    );
  return (
    <Section title={t("programmes.draw.run")} testId="draw-run">
      <Text size={3}>{t("programmes.draw.runText", { winners: draw.winnersCount, entries: draw.entries })}</Text>
      <Box display="flex" gap={3} alignItems="flex-start" flexWrap="wrap">
        <Box __width="420px">
          <Input
            label={t("programmes.draw.seed")}
            value={seed}
            onChange={(e) => {
              setSeed(e.target.value);
              setProblem(null);
            }}
            error={Boolean(problem)}
            helperText={problem ?? t("programmes.draw.seedHelp")}
            data-testid="draw-seed"
          />
        </Box>
        <Button onClick={ask} disabled={run.isPending || draw.entries === 0} data-testid="draw-run-button">
          {t("programmes.draw.runButton")}
        </Button>
      </Box>
      {draw.entries === 0 && (
        <Text size={3} color="default2" data-testid="draw-no-entries">
          {t("programmes.draw.noEntries")}
        </Text>
      )}
      <ConfirmDialog
        open={confirming}
        busy={run.isPending}
        title={t("programmes.draw.runConfirmTitle")}
        description={t(seed.trim() ? "programmes.draw.runConfirmSeed" : "programmes.draw.runConfirmRandom", { seed: seed.trim(), winners: draw.winnersCount })}
        confirmLabel={t("programmes.draw.runButton")}
        onConfirm={confirm}
        onCancel={() => setConfirming(false)}
      />
    </Section>
  );
};

const Winners = ({ draw }: { draw: Draw }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const locale = useAppLocale();
  return (
    <Section title={t("programmes.draw.winners")} testId="draw-winners">
      <Box display="flex" gap={8} flexWrap="wrap">
        <Fact label={t("programmes.draw.seed")} testId="draw-fact-seed">
          <Text size={4} fontWeight="medium" __wordBreak="break-all" data-testid="draw-seed-value">
            {draw.seed}
          </Text>
        </Fact>
        {draw.drawnAt && (
          <Fact label={t("programmes.draw.drawnAt")} testId="draw-fact-drawn-at">
            <Text size={4}>{formatDateTime(draw.drawnAt, locale)}</Text>
          </Fact>
        )}
      </Box>
      <Text size={3} color="default2" data-testid="draw-seed-explained">
        {t("programmes.draw.seedExplained")}
      </Text>
      {draw.winners.length === 0 ? (
        <Text size={3}>{t("programmes.draw.noWinners")}</Text>
      ) : (
        <DataTable
          testId="draw-winners-table"
          columns={["rank", "email", "contact"].map((key) => ({ key, label: t(`programmes.draw.column.${key}`) }))}
          align="top"
        >
          {draw.winners.map((winner) => (
            <tr key={winner.contactId} data-testid="draw-winner">
              <Box as="td" {...cell} data-testid="draw-winner-rank">
                <Text size={3}>{winner.rank}</Text>
              </Box>
              <Box as="td" {...cell} data-testid="draw-winner-email">
                <Text size={3}>{winner.email ?? "–"}</Text>
              </Box>
              <Box as="td" {...cell}>
                <AppLink to={pathFor({ name: "contact", contactId: winner.contactId })}>{t("programmes.results.profile")}</AppLink>
              </Box>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
};

export const DrawView = ({ drawId }: { drawId: string }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const locale = useAppLocale();
  const navigate = useNavigate();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const draws = useDraws();
  const remove = useDeleteDraw();
  const [confirming, setConfirming] = useState(false);
  const back = <AppLink to={pathFor({ name: "programmes" })}>{t("programmes.back")}</AppLink>;

  if (draws.isPending) return <LoadingState label={t("programmes.loading")} />;
  if (draws.isError) return <ErrorState error={draws.error} onRetry={() => void draws.refetch()} />;
  const draw = draws.data.find((candidate) => candidate.id === drawId);
  if (!draw) {
    return (
      <StatusCard testId="draw-missing">
        <Text size={4}>{t("programmes.draw.missing")}</Text>
        {back}
      </StatusCard>
    );
  }
  const confirmDelete = () =>
    remove.mutate(draw.id, {
      onSuccess: () => {
        notify({ status: "success", title: t("programmes.draw.deleted", { name: draw.name }) });
        navigate(pathFor({ name: "programmes" }));
      },
      onError: (error) => {
        setConfirming(false);
        notifyError(t("programmes.deleteFailed"), error);
      },
    });
  return (
    <>
      {back}
      <PageTitle
        actions={
          <Button variant="error" onClick={() => setConfirming(true)} data-testid="draw-delete">
            {t("programmes.delete")}
          </Button>
        }
      >
        {draw.name}
      </PageTitle>
      <Box display="flex" gap={8} flexWrap="wrap">
        <Fact label={t("programmes.draw.field.key")} testId="draw-fact-key">
          <Text size={4}>{draw.key}</Text>
        </Fact>
        <Fact label={t("programmes.draw.field.prize")} testId="draw-fact-prize">
          <Text size={4}>{draw.prize || "–"}</Text>
        </Fact>
        <Fact label={t("programmes.draws.column.entries")} testId="draw-fact-entries">
          <Text size={4}>{formatNumber(draw.entries, locale)}</Text>
        </Fact>
        <Fact label={t("programmes.draws.column.closes")} testId="draw-fact-closes">
          <Text size={4}>{draw.closesAt ? formatDateTime(draw.closesAt, locale) : t("programmes.draw.untilDrawn")}</Text>
        </Fact>
      </Box>
      <Text size={2} color="default2">
        {t("programmes.draw.linkHelp", { key: draw.key })}
      </Text>
      {draw.drawn ? <Winners draw={draw} /> : <RunDraw draw={draw} />}
      {!draw.drawn && <Settings key={draw.id} draw={draw} />}
      <ConfirmDialog
        open={confirming}
        tone="error"
        busy={remove.isPending}
        title={t("programmes.draw.deleteTitle", { name: draw.name })}
        description={t("programmes.draw.deleteText")}
        confirmLabel={t("programmes.delete")}
        onConfirm={confirmDelete}
        onCancel={() => setConfirming(false)}
      />
    </>
  );
};
