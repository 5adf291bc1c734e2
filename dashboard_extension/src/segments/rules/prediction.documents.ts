/** The shop's prediction fits behind the rule builder's prediction condition (validated by
 * src/documents.test.ts). */

export const RULE_PREDICTION_FITS_QUERY = /* GraphQL */ `
  query SegmentRulePredictionFits {
    predictionFits {
      model
      currency
      status
      params
      customers
      repeatCustomers
      spanDays
      minCustomers
      minRepeatCustomers
      minSpanDays
      fittedAt
    }
  }
`;
