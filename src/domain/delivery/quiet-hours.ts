import { DateTime, IANAZone } from 'luxon';

export interface SendWindow {
  /** Minutes after local midnight when sending may start. */
  startMinute: number;
  /** Minutes after local midnight when sending must stop (may be before start: an overnight window). */
  endMinute: number;
}

/**
 * SMS quiet hours in the recipient's own zone: null when `now` is inside the window, else the next
 * time the window opens there. An unknown or missing zone falls back to the account's.
 */
export function nextWindowOpening(now: Date, zone: string | null, fallbackZone: string, window: SendWindow): Date | null {
  const tz = zone && IANAZone.isValidZone(zone) ? zone : fallbackZone;
  const local = DateTime.fromJSDate(now, { zone: tz });
  const minute = local.hour * 60 + local.minute;
  const { startMinute: start, endMinute: end } = window;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (inside) return null;
  // set(), not plus(): on a DST change day "08:00" must stay 08:00 local.
  let opening = local.set({ hour: Math.floor(start / 60), minute: start % 60, second: 0, millisecond: 0 });
  if (opening <= local) opening = opening.plus({ days: 1 });
  return opening.toJSDate();
}
