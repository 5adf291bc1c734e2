import { useInstallation } from "../hooks/use-installation";
import { ConnectionStatus } from "./connection-status";
import { ErrorState } from "./error-state";
import { LoadingState } from "./loading-state";

export const InstallationPanel = ({ token, saleorApiUrl }: { token: string; saleorApiUrl: string }) => {
  const { state, retry } = useInstallation(token, saleorApiUrl);

  switch (state.status) {
    case "loading":
      return <LoadingState label="Checking the app installation…" />;
    case "error":
      return <ErrorState failure={state.failure} onRetry={retry} />;
    case "success":
      return <ConnectionStatus installation={state.installation} />;
  }
};
