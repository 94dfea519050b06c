// Event times as their audience reads them: in the venue's own time zone, naming it. Tickets, emails and the door
// all print them the same way.

/** The zone as given when this runtime knows it, else UTC (its canonical name may be an older alias: Asia/Calcutta). */
export function knownTimeZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/**
 * "Friday, 5 March 2027 at 20:30 CET (Europe/Berlin)": the instant in the zone, naming the zone unless its short name
 * already is it (UTC). A zone the runtime does not know shows the time in UTC rather than failing what prints it.
 */
export function localEventTime(at: Date, zone: string | null | undefined): string {
  const known = knownTimeZone(zone);
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: known,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
  const shortName = text.slice(text.lastIndexOf(' ') + 1);
  return shortName === known ? text : `${text} (${known})`;
}
