import { InstallationPanel } from "../components/installation-panel";
import { LoadingState } from "../components/loading-state";
import { NotEmbeddedNotice } from "../components/not-embedded-notice";
import { PageLayout } from "../components/page-layout";
import { useEmbedding } from "../hooks/use-embedding";

export const HomePage = () => {
  const embedding = useEmbedding();

  return (
    <PageLayout>
      {embedding.status === "pending" && <LoadingState label="Connecting to the Saleor Dashboard…" />}
      {embedding.status === "not-embedded" && <NotEmbeddedNotice reason={embedding.reason} />}
      {embedding.status === "embedded" && (
        <InstallationPanel token={embedding.token} saleorApiUrl={embedding.saleorApiUrl} />
      )}
    </PageLayout>
  );
};
