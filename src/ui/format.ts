export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes < 60) return rest ? `${minutes}m ${rest}s` : `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

// Building an Intl formatter costs far more than using one: a Library page formats 100 dates.
// Built on first use, not at start-up: the first Intl object loads the locale data, ~100 ms of
// a phone's main thread, which a screen showing no date never needs.
let formats: { clock: Intl.DateTimeFormat; date: Intl.DateTimeFormat } | null = null;
const dateFormats = () =>
  (formats ??= {
    clock: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
    date: new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
  });

/** "today at 14:05", "tomorrow at 04:00", or a date, relative to `now`. */
export function formatWhen(time: number, now: number): string {
  const date = new Date(time);
  const clock = dateFormats().clock.format(date);
  const dayDiff = Math.round(
    (new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime() -
      new Date(new Date(now).getFullYear(), new Date(now).getMonth(), new Date(now).getDate()).getTime()) /
      86_400_000,
  );
  if (dayDiff === 0) return `today at ${clock}`;
  if (dayDiff === 1) return `tomorrow at ${clock}`;
  return `${dateFormats().date.format(date)} at ${clock}`;
}

/** A countdown such as "9:41" or "1:02:03" (never negative). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "10 May 2026": a backup's day, in the learner's locale. */
export function formatBackupDate(time: number): string {
  return new Date(time).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** What Progress and Today say while the progress tables are first built after an update. */
export function preparingProgressText(cards: number, reviews: number): string {
  const counted = cards || reviews ? ` ${cards.toLocaleString()} cards and ${reviews.toLocaleString()} reviews counted so far.` : '';
  return `Preparing your progress after the update.${counted} This runs in the background: you can review meanwhile.`;
}
