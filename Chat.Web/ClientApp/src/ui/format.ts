// How times and names read in the interface, in the user's own locale.

const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDate = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatTime(iso: string): string {
  return time.format(new Date(iso));
}

/** The sidebar's time: the hour today, the weekday this week, else the date. */
export function formatWhen(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (sameDay(date, now)) return time.format(date);
  if (now.getTime() - date.getTime() < 6 * 86_400_000) return weekday.format(date);
  return shortDate.format(date);
}

/** The separator between days in a conversation. */
export function formatDay(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (sameDay(date, now)) return 'Today';
  if (sameDay(date, new Date(now.getTime() - 86_400_000))) return 'Yesterday';
  return longDate.format(date);
}

export function dayKey(iso: string): string {
  return new Date(iso).toDateString();
}

/** "online", "last seen …", or nothing when presence is not known (offline). */
export function presenceText(presence: { online: boolean; lastSeenAt: string | null } | undefined): string {
  if (!presence) return '';
  return presence.online ? 'online' : formatLastSeen(presence.lastSeenAt);
}

export function formatLastSeen(iso: string | null, now = Date.now()): string {
  if (!iso) return 'offline';
  const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
  if (minutes > -1) return 'last seen just now';
  if (minutes > -60) return `last seen ${relative.format(minutes, 'minute')}`;
  if (minutes > -24 * 60) return `last seen ${relative.format(Math.round(minutes / 60), 'hour')}`;
  return `last seen ${shortDate.format(new Date(iso))}`;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words.at(-1)![0] : (words[0] ?? '?').slice(0, 2)).toUpperCase();
}

function sameDay(a: Date, b: Date) {
  return a.toDateString() === b.toDateString();
}
