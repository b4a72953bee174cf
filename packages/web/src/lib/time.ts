/**
 * Dates and times as the person reading sees them: their locale and their
 * time zone (the browser's, unless a test passes another one).
 */
export interface TimeOptions {
  locale: string;
  /** IANA zone; the runtime's own zone when omitted. */
  timeZone?: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(options: TimeOptions, style: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([options.locale, options.timeZone ?? '', style]);
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(options.locale, { ...style, timeZone: options.timeZone });
    formatters.set(key, found);
  }
  return found;
}

/** "14:05" or "2:05 PM", as the locale writes a time of day. */
export function formatTime(ts: number, options: TimeOptions): string {
  return formatter(options, { hour: 'numeric', minute: '2-digit' }).format(ts);
}

/** Full date and time for tooltips and screen readers. */
export function formatDateTime(ts: number, options: TimeOptions): string {
  return formatter(options, { dateStyle: 'full', timeStyle: 'short' }).format(ts);
}

/** A key that is equal for two instants on the same calendar day in the reader's zone. */
export function dayKey(ts: number, options: TimeOptions): string {
  const parts = formatter(options, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ts);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export interface DayLabels {
  today: string;
  yesterday: string;
}

/** "Today", "Yesterday", or the date ("Monday, March 3"; with the year when it is not this year's). */
export function formatDay(ts: number, now: number, labels: DayLabels, options: TimeOptions): string {
  const day = dayKey(ts, options);
  if (day === dayKey(now, options)) return labels.today;
  // Yesterday may have had 23 hours (a DST shift), so one of these two instants lies in it.
  if (day === dayKey(now - 24 * 3600_000, options) || day === dayKey(now - 23 * 3600_000, options)) return labels.yesterday;
  const sameYear = day.slice(0, 4) === dayKey(now, options).slice(0, 4);
  return formatter(options, sameYear
    ? { weekday: 'long', month: 'long', day: 'numeric' }
    : { year: 'numeric', month: 'long', day: 'numeric' }).format(ts);
}

/** A moment to come or just past, briefly: "14:05" today, "Mar 3, 14:05" another day. */
export function formatMoment(ts: number, now: number, options: TimeOptions): string {
  if (dayKey(ts, options) === dayKey(now, options)) return formatTime(ts, options);
  return formatter(options, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(ts);
}
