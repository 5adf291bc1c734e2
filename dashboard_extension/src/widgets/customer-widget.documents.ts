export const CUSTOMER_WIDGET_QUERY = `query CustomerWidget($saleorUserId: String!) {
  contactBySaleorUser(saleorUserId: $saleorUserId) {
    id
    lifecycleStage
    rfm { recency frequency monetary }
    spend { currency total orders averageOrderValue }
    ordersCount
    lastOrder { saleorId number placedAt total currency status }
    lastEngagementAt
    activeJourneys { id node enteredAt journey { id name } }
    emailConsent
    smsConsent
    pushConsent
  }
}`;
