import { PresetsGallery } from "../journeys/presets/presets-gallery";

export const PresetsPage = () => <PresetsGallery />;
