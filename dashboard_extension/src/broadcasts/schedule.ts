/**
 * A broadcast's send time. "At a time" is a date and time on the admin's clock, in the
 * admin's time zone (named on the form with its UTC offset), sent to the API as a UTC
 * instant. "At each recipient's local time" sends a wall-clock time: the engine reads only
 * its date and time (`journeys/entries.py` `_local_start`), so it goes with `+00:00`.
 */

const WALL = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^(\d{2}):(\d{2})$/;

export type Wall = { year: number; month: number; day: number; hour: number; minute: number };

/** "2026-12-01" and "09:30" as numbers; null when either is not a real date or time. */
export const parseWall = (date: string, time: string): Wall | null => {
  const d = WALL.exec(date.trim());
  const t = CLOCK.exec(time.trim());
  if (!d || !t) return null;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [number, number, number, number, number];
  if (hour > 23 || minute > 59) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return { year, month, day, hour, minute };
};

const wallMs = (wall: Wall): number => Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);

/** How far `zone`'s clocks are ahead of UTC at the instant `ms`, in minutes. */
export const zoneOffsetMinutes = (ms: number, zone: string): number => {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
};

/** The UTC instant (ms) of a wall-clock time in `zone`; null when the clocks skip it (the
 * hour lost when summer time starts). An hour seen twice (autumn) is its first. */
export const zonedToUtc = (wall: Wall, zone: string): number | null => {
  const target = wallMs(wall);
  // the offsets half a day either side: a zone changes its clocks at most once in between
  const candidates = [-1, 1].map((side) => target - zoneOffsetMinutes(target + side * 43_200_000, zone) * 60_000).sort((a, b) => a - b);
  return candidates.find((ms) => ms + zoneOffsetMinutes(ms, zone) * 60_000 === target) ?? null;
};

/** "UTC+01:00", "UTC−05:00", "UTC" for a zone at an instant. */
export const offsetLabel = (ms: number, zone: string): string => {
  const minutes = zoneOffsetMinutes(ms, zone);
  if (minutes === 0) return "UTC";
  const sign = minutes > 0 ? "+" : "−";
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
};

/** The send_at of a local-time broadcast: the wall-clock time, marked +00:00. */
export const localSendAt = (wall: Wall): string => `${new Date(wallMs(wall)).toISOString().slice(0, 16)}:00+00:00`;

/** The earliest and latest zones (UTC+14, UTC−12) see a wall-clock time at these instants. */
export const localWindow = (wall: Wall): { first: number; last: number } => ({
  first: wallMs(wall) - 14 * 3_600_000,
  last: wallMs(wall) + 12 * 3_600_000,
});

/** The date and time of a send_at as written (a local-time broadcast's wall clock): "2026-12-01T09:00". */
export const wallOf = (sendAt: string): string | null => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.exec(sendAt)?.[0] ?? null);
