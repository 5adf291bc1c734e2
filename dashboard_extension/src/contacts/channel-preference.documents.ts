/** The contact's learned channel preference, for its profile card. */
export const CONTACT_CHANNEL_PREFERENCE_QUERY = `query ContactChannelPreference($id: ID!) {
  contact(id: $id) {
    id
    channelPreference {
      channel
      learnedAt
      halfLifeDays
      reachable
      scores { channel score }
      tallies { channel opens clicks replies }
    }
  }
}`;
