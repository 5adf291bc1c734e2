/** The overview's own data: the setup checklist (the figures come from the analytics documents). */
export const SETUP_CHECKLIST_QUERY = /* GraphQL */ `
  query SetupChecklist {
    setupChecklist {
      key
      done
      detail
      at
    }
  }
`;
