/** `/programmes`: the shop's surveys (with their results in figures) and prize draws, each
 * created in a dialog and opened on its own page. */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { ModalCard } from "../components/modal-card";
import { Section } from "../components/section";
import { useNotify } from "../hooks/use-notify";
import { formatDateTime, formatNumber } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { checkDraw, checkSurveyCreate, type DrawForm, EMPTY_DRAW, EMPTY_SURVEY, scaleOf, type SurveyForm } from "./forms";
import { DrawFields, SurveyFields, useProgrammeForm } from "./fields";
import { decimal } from "./results";
import { type Draw, type Survey, useCreateDraw, useCreateSurvey, useDraws, useSurveys } from "./use-programmes";

const cell = cellStyle({ align: "top" });
const SURVEY_COLUMNS = ["name", "scale", "answers", "average", "nps", "status"] as const;
const DRAW_COLUMNS = ["name", "prize", "winners", "closes", "entries", "status"] as const;

const SurveyRow = ({ survey }: { survey: Survey }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  return (
    <tr data-testid="survey-row">
      <Box as="th" scope="row" textAlign="left" {...cell}>
        <AppLink to={pathFor({ name: "survey", surveyId: survey.id })}>
          <Text size={4} fontWeight="medium">
            {survey.name}
          </Text>
        </AppLink>
        <Text as="p" size={2} color="default2">
          {survey.key}
        </Text>
      </Box>
      <Box as="td" {...cell} data-testid="survey-scale-cell">
        <Text size={3}>{intl.formatMessage({ id: `programmes.scale.${scaleOf(survey.scaleMin, survey.scaleMax)}` })}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="survey-answers">
        <Text size={3}>{formatNumber(survey.results.answers, locale)}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="survey-average">
        <Text size={3}>{decimal(survey.results.average, 2, locale)}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="survey-nps">
        <Text size={3}>{decimal(survey.results.nps, 1, locale)}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="survey-status">
        <Text size={3}>{intl.formatMessage({ id: survey.open ? "programmes.survey.open" : "programmes.survey.closed" })}</Text>
      </Box>
    </tr>
  );
};

const DrawRow = ({ draw }: { draw: Draw }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  return (
    <tr data-testid="draw-row">
      <Box as="th" scope="row" textAlign="left" {...cell}>
        <AppLink to={pathFor({ name: "draw", drawId: draw.id })}>
          <Text size={4} fontWeight="medium">
            {draw.name}
          </Text>
        </AppLink>
        <Text as="p" size={2} color="default2">
          {draw.key}
        </Text>
      </Box>
      <Box as="td" {...cell}>
        <Text size={3}>{draw.prize || "–"}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="draw-winners-count">
        <Text size={3}>{formatNumber(draw.winnersCount, locale)}</Text>
      </Box>
      <Box as="td" {...cell}>
        <Text size={3}>{draw.closesAt ? formatDateTime(draw.closesAt, locale) : intl.formatMessage({ id: "programmes.draw.untilDrawn" })}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="draw-entries">
        <Text size={3}>{formatNumber(draw.entries, locale)}</Text>
      </Box>
      <Box as="td" {...cell} data-testid="draw-status">
        <Text size={3}>{intl.formatMessage({ id: draw.drawn ? "programmes.draw.drawn" : "programmes.draw.notDrawn" })}</Text>
      </Box>
    </tr>
  );
};

/** A create dialog's body: the fields, then cancel and create. */
const CreateActions = ({ busy, onCancel, onCreate, testId }: { busy: boolean; onCancel: () => void; onCreate: () => void; testId: string }) => {
  const intl = useIntl();
  return (
    <Box display="flex" justifyContent="flex-end" gap={3}>
      <Button variant="secondary" onClick={onCancel} disabled={busy}>
        {intl.formatMessage({ id: "shell.confirm.cancel" })}
      </Button>
      <Button onClick={onCreate} disabled={busy} data-testid={testId}>
        {intl.formatMessage({ id: "programmes.create" })}
      </Button>
    </Box>
  );
};

const NewSurveyDialog = ({ open, onClose }: { open: boolean; onClose: () => void }) => {
  const intl = useIntl();
  const navigate = useNavigate();
  const notify = useNotify();
  const create = useCreateSurvey();
  const { form, problems, setProblems, change, refused } = useProgrammeForm<SurveyForm>(EMPTY_SURVEY);
  const submit = () => {
    const checked = checkSurveyCreate(form);
    if (!checked.ok) return setProblems(checked.problems);
    create.mutate(checked.input, {
      onSuccess: (id) => {
        notify({ status: "success", title: intl.formatMessage({ id: "programmes.survey.created" }, { name: checked.input.name }) });
        navigate(pathFor({ name: "survey", surveyId: id }));
      },
      onError: refused(intl.formatMessage({ id: "programmes.survey.createFailed" })),
    });
  };
  return (
    <ModalCard open={open} title={intl.formatMessage({ id: "programmes.survey.new" })} onClose={onClose} cardTestId="survey-dialog">
      <SurveyFields
        form={form}
        problems={problems}
        creating
        onChange={change}
      />
      <CreateActions busy={create.isPending} onCancel={onClose} onCreate={submit} testId="survey-create" />
    </ModalCard>
  );
};

const NewDrawDialog = ({ open, onClose }: { open: boolean; onClose: () => void }) => {
  const intl = useIntl();
  const navigate = useNavigate();
  const notify = useNotify();
  const create = useCreateDraw();
  const { form, problems, setProblems, change, refused } = useProgrammeForm<DrawForm>(EMPTY_DRAW);
  const submit = () => {
    const checked = checkDraw(form, { creating: true, nowMs: Date.now() });
    if (!checked.ok) return setProblems(checked.problems);
    create.mutate(checked.input, {
      onSuccess: (id) => {
        notify({ status: "success", title: intl.formatMessage({ id: "programmes.draw.created" }, { name: checked.input.name }) });
        navigate(pathFor({ name: "draw", drawId: id }));
      },
      onError: refused(intl.formatMessage({ id: "programmes.draw.createFailed" })),
    });
  };
  return (
    <ModalCard open={open} title={intl.formatMessage({ id: "programmes.draw.new" })} onClose={onClose} cardTestId="draw-dialog">
      <DrawFields
        form={form}
        problems={problems}
        creating
        onChange={change}
      />
      <CreateActions busy={create.isPending} onCancel={onClose} onCreate={submit} testId="draw-create" />
    </ModalCard>
  );
};

export const ProgrammesListView = () => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const surveys = useSurveys();
  const draws = useDraws();
  const [dialog, setDialog] = useState<"survey" | "draw" | null>(null);
  return (
    <>
      <PageTitle>{t("programmes.title")}</PageTitle>
      <Text as="p" size={4} color="default2">
        {t("programmes.intro")}
      </Text>
      <Section
        title={t("programmes.surveys.title")}
        testId="surveys-section"
        actions={
          <Button onClick={() => setDialog("survey")} data-testid="survey-new">
            {t("programmes.survey.new")}
          </Button>
        }
      >
        {surveys.isPending ? (
          <LoadingState label={t("programmes.loading")} />
        ) : surveys.isError ? (
          <ErrorState error={surveys.error} onRetry={() => void surveys.refetch()} />
        ) : surveys.data.length === 0 ? (
          <Text size={4} data-testid="surveys-empty">
            {t("programmes.surveys.empty")}
          </Text>
        ) : (
          <DataTable testId="surveys-table" columns={SURVEY_COLUMNS.map((key) => ({ key, label: t(`programmes.surveys.column.${key}`) }))} align="top">
            {surveys.data.map((survey) => (
              <SurveyRow key={survey.id} survey={survey} />
            ))}
          </DataTable>
        )}
      </Section>
      <Section
        title={t("programmes.draws.title")}
        testId="draws-section"
        actions={
          <Button onClick={() => setDialog("draw")} data-testid="draw-new">
            {t("programmes.draw.new")}
          </Button>
        }
      >
        {draws.isPending ? (
          <LoadingState label={t("programmes.loading")} />
        ) : draws.isError ? (
          <ErrorState error={draws.error} onRetry={() => void draws.refetch()} />
        ) : draws.data.length === 0 ? (
          <Text size={4} data-testid="draws-empty">
            {t("programmes.draws.empty")}
          </Text>
        ) : (
          <DataTable testId="draws-table" columns={DRAW_COLUMNS.map((key) => ({ key, label: t(`programmes.draws.column.${key}`) }))} align="top">
            {draws.data.map((draw) => (
              <DrawRow key={draw.id} draw={draw} />
            ))}
          </DataTable>
        )}
      </Section>
      {dialog === "survey" && <NewSurveyDialog open onClose={() => setDialog(null)} />}
      {dialog === "draw" && <NewDrawDialog open onClose={() => setDialog(null)} />}
    </>
  );
};
