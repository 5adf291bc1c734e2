export const INSTALLATION_QUERY = "query Installation { installation { saleorApiUrl appId } }";
