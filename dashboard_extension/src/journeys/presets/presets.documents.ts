export const JOURNEY_PRESETS_QUERY = `query JourneyPresets {
  journeyPresets { key name description definition layout }
}`;

export const INSTALL_PRESET_MUTATION = `mutation InstallJourneyPreset($key: String!) {
  installJourneyPreset(key: $key, asDraft: true) { journey { id name status } }
}`;
