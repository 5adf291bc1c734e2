/** `/surveys/:surveyId`: a survey's results (answers per rating, average, NPS groups, newest
 * comments), its settings and its deletion behind a confirmation. */
import { Box, Button, Text } from "@saleor/macaw-ui";
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
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { checkSurveyUpdate, scaleOf, type Scale, type SurveyForm } from "./forms";
import { SurveyFields, useProgrammeForm } from "./fields";
import { decimal, isNps, npsBreakdown } from "./results";
import { SurveyChart } from "./survey-chart";
import { type Survey, useDeleteSurvey, useSurvey, useUpdateSurvey } from "./use-programmes";

const formOf = (survey: Survey): SurveyForm => ({
  key: survey.key,
  name: survey.name,
  question: survey.question,
  scale: scaleOf(survey.scaleMin, survey.scaleMax) as Scale,
  askComment: survey.askComment,
  open: survey.open,
});

const cell = cellStyle({ align: "top" });

const Results = ({ survey }: { survey: Survey }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const locale = useAppLocale();
  const nps = isNps(survey.scaleMin, survey.scaleMax);
  const groups = npsBreakdown(survey.results.counts);
  return (
    <Section title={t("programmes.results.title")} testId="survey-results">
      <Box display="flex" gap={8} flexWrap="wrap">
        <Fact label={t("programmes.results.answers")} testId="survey-fact-answers">
          <Text size={7} fontWeight="bold">
            {formatNumber(survey.results.answers, locale)}
          </Text>
        </Fact>
        <Fact label={t("programmes.results.average")} testId="survey-fact-average">
          <Text size={7} fontWeight="bold">
            {decimal(survey.results.average, 2, locale)}
          </Text>
        </Fact>
        {nps && (
          <Fact label={t("programmes.results.nps")} testId="survey-fact-nps">
            <Text size={7} fontWeight="bold">
              {decimal(survey.results.nps, 1, locale)}
            </Text>
          </Fact>
        )}
      </Box>
      {nps && (
        <Box display="flex" gap={6} flexWrap="wrap" data-testid="survey-nps-groups">
          {(["promoter", "passive", "detractor"] as const).map((group) => (
            <Text key={group} size={3} data-testid={`survey-nps-${group}`}>
              {t(`programmes.results.group.${group}`, {
                answers: groups[group].answers,
                percent: decimal(groups[group].percent, 1, locale),
              })}
            </Text>
          ))}
        </Box>
      )}
      {nps && (
        <Text size={2} color="default2">
          {t("programmes.results.npsExplained")}
        </Text>
      )}
      <SurveyChart counts={survey.results.counts} nps={nps} />
      <Text as="h3" size={5} fontWeight="bold">
        {t("programmes.results.comments")}
      </Text>
      {survey.results.comments.length === 0 ? (
        <Text size={3} color="default2" data-testid="survey-no-comments">
          {t("programmes.results.noComments")}
        </Text>
      ) : (
        <DataTable
          testId="survey-comments"
          caption={t("programmes.results.comments")}
          columns={["rating", "comment", "contact", "answered"].map((key) => ({ key, label: t(`programmes.results.column.${key}`) }))}
          align="top"
        >
          {survey.results.comments.map((comment) => (
            <tr key={`${comment.contactId}-${comment.answeredAt}`} data-testid="survey-comment">
              <Box as="td" {...cell}>
                <Text size={3}>{comment.rating}</Text>
              </Box>
              <Box as="td" {...cell}>
                <Text size={3}>{comment.comment}</Text>
              </Box>
              <Box as="td" {...cell}>
                <AppLink to={pathFor({ name: "contact", contactId: comment.contactId })}>{t("programmes.results.profile")}</AppLink>
              </Box>
              <Box as="td" {...cell}>
                <Text size={3}>{formatDateTime(comment.answeredAt, locale)}</Text>
              </Box>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
};

const Settings = ({ survey }: { survey: Survey }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const notify = useNotify();
  const update = useUpdateSurvey();
  const { form, setForm, problems, setProblems, change, refused } = useProgrammeForm<SurveyForm>(() => formOf(survey));
  const save = () => {
    const checked = checkSurveyUpdate(form);
    if (!checked.ok) return setProblems(checked.problems);
    update.mutate(
      { id: survey.id, input: checked.input },
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
      title={t("programmes.survey.settings")}
      testId="survey-settings"
      actions={
        <Button onClick={save} disabled={update.isPending} data-testid="survey-save">
          {t("programmes.save")}
        </Button>
      }
    >
      <SurveyFields
        form={form}
        problems={problems}
        creating={false}
        onChange={change}
      />
      <Text size={2} color="default2">
        {t("programmes.survey.linkHelp", { key: survey.key })}
      </Text>
    </Section>
  );
};

export const SurveyView = ({ surveyId }: { surveyId: string }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const navigate = useNavigate();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const survey = useSurvey(surveyId);
  const remove = useDeleteSurvey();
  const [confirming, setConfirming] = useState(false);
  const back = <AppLink to={pathFor({ name: "programmes" })}>{t("programmes.back")}</AppLink>;

  if (survey.isPending) return <LoadingState label={t("programmes.loading")} />;
  if (survey.isError) return <ErrorState error={survey.error} onRetry={() => void survey.refetch()} />;
  if (survey.data === null) {
    return (
      <StatusCard testId="survey-missing">
        <Text size={4}>{t("programmes.survey.missing")}</Text>
        {back}
      </StatusCard>
    );
  }
  const data = survey.data;
  const confirmDelete = () =>
    remove.mutate(data.id, {
      onSuccess: () => {
        notify({ status: "success", title: t("programmes.survey.deleted", { name: data.name }) });
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
          <Button variant="error" onClick={() => setConfirming(true)} data-testid="survey-delete">
            {t("programmes.delete")}
          </Button>
        }
      >
        {data.name}
      </PageTitle>
      <Text as="p" size={4} color="default2" data-testid="survey-question-text">
        {data.question}
      </Text>
      <Results survey={data} />
      <Settings key={data.id} survey={data} />
      <ConfirmDialog
        open={confirming}
        tone="error"
        busy={remove.isPending}
        title={t("programmes.survey.deleteTitle", { name: data.name })}
        description={t("programmes.survey.deleteText")}
        confirmLabel={t("programmes.delete")}
        onConfirm={confirmDelete}
        onCancel={() => setConfirming(false)}
      />
    </>
  );
};
