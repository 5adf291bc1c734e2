/** The contact's best send time, for its profile card. */
export const CONTACT_SEND_TIME_QUERY = `query ContactSendTime($id: ID!) {
  contact(id: $id) {
    id
    sendTime {
      source
      weekday
      hour
      clicks
      opens
      timeZone
      nextMoment
      explanation
      priorWeight
      minInteractions
      shopContacts
    }
  }
}`;
