/** The surveys and prize-draws screens' GraphQL documents (validated against schema.graphql in documents.test.ts). */

const SURVEY_FIELDS = `id key name question scaleMin scaleMax askComment open
  results { answers average nps counts { rating answers } comments { contactId rating comment answeredAt } }`;
const DRAW_FIELDS = `id key name prize winnersCount closesAt drawn seed drawnAt entries winners { rank contactId email }`;

export const SURVEYS_QUERY = `query ProgrammeSurveys { surveys { ${SURVEY_FIELDS} } }`;

export const SURVEY_QUERY = `query ProgrammeSurvey($id: ID!) { survey(id: $id) { ${SURVEY_FIELDS} } }`;

export const CREATE_SURVEY_MUTATION = `mutation ProgrammeCreateSurvey($input: SurveyCreateInput!) {
  createSurvey(input: $input) { survey { id } }
}`;

export const UPDATE_SURVEY_MUTATION = `mutation ProgrammeUpdateSurvey($id: ID!, $input: SurveyUpdateInput!) {
  updateSurvey(id: $id, input: $input) { survey { ${SURVEY_FIELDS} } }
}`;

export const DELETE_SURVEY_MUTATION = `mutation ProgrammeDeleteSurvey($id: ID!) { deleteSurvey(id: $id) { deletedId } }`;

export const DRAWS_QUERY = `query ProgrammeDraws { draws { ${DRAW_FIELDS} } }`;

export const CREATE_DRAW_MUTATION = `mutation ProgrammeCreateDraw($input: DrawCreateInput!) {
  createDraw(input: $input) { draw { id } }
}`;

export const UPDATE_DRAW_MUTATION = `mutation ProgrammeUpdateDraw($id: ID!, $input: DrawInput!) {
  updateDraw(id: $id, input: $input) { draw { ${DRAW_FIELDS} } }
}`;

export const DELETE_DRAW_MUTATION = `mutation ProgrammeDeleteDraw($id: ID!) { deleteDraw(id: $id) { deletedId } }`;

export const RUN_DRAW_MUTATION = `mutation ProgrammeRunDraw($id: ID!, $seed: String) {
  runDraw(id: $id, seed: $seed) { draw { ${DRAW_FIELDS} } }
}`;
