/** react-query keys shared by the journeys list, the presets gallery and the editor. */
export const JOURNEYS_KEY = ["journeys"] as const;
export const journeyKey = (id: string) => ["journeys", id] as const;
export const PRESETS_KEY = ["journeyPresets"] as const;
