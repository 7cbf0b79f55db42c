import type { Backup } from './backup-format.ts';

export interface BackupSummary {
  exportedAt: number;
  device: string;
  cards: number;
  reviews: number;
  ownQuestions: number;
  notes: number;
  flags: number;
  /** Oldest and newest review times, or null when the log is empty. */
  firstReviewAt: number | null;
  lastReviewAt: number | null;
  /** Cards whose stated state contradicts their own review log: an import rebuilds them from it. */
  correctedCards: number;
}

/** What the import preview shows before anything is changed (`correctedCards` from parseBackup). */
export function summarizeBackup(backup: Backup, correctedCards = 0): BackupSummary {
  let first = Infinity;
  let last = -Infinity;
  for (const review of backup.reviews) {
    if (review.reviewedAt < first) first = review.reviewedAt;
    if (review.reviewedAt > last) last = review.reviewedAt;
  }
  const any = backup.reviews.length > 0;
  return {
    exportedAt: backup.exportedAt,
    device: backup.device,
    cards: backup.cards.length,
    reviews: backup.reviews.length,
    ownQuestions: backup.customQuestions.length,
    notes: backup.notes.length,
    flags: backup.flags.length,
    firstReviewAt: any ? first : null,
    lastReviewAt: any ? last : null,
    correctedCards,
  };
}

/** "Chrome on Android" from a user-agent string: enough to recognise the device, nothing more. */
export function describeDevice(userAgent: string): string {
  const ua = userAgent ?? '';
  const browser =
    /Edg(e|A|iOS)?\//.test(ua) ? 'Edge'
    : /OPR\/|Opera/.test(ua) ? 'Opera'
    : /SamsungBrowser\//.test(ua) ? 'Samsung Internet'
    : /Firefox\/|FxiOS\//.test(ua) ? 'Firefox'
    : /Chrome\/|CriOS\/|Chromium\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) && /Version\//.test(ua) ? 'Safari'
    : /jsdom/i.test(ua) ? 'Test browser'
    : 'Unknown browser';
  const system =
    /Android/.test(ua) ? 'Android'
    : /iPhone|iPod/.test(ua) ? 'iPhone'
    : /iPad/.test(ua) ? 'iPad'
    : /CrOS/.test(ua) ? 'ChromeOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /Linux/.test(ua) ? 'Linux'
    : '';
  return system ? `${browser} on ${system}` : browser;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "2026-05-10" in the learner's local calendar. */
export function localDateKey(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "rehearse-backup-2026-05-10.json.gz"; plain ".json" when the file is not compressed. */
export function backupFileName(now: number, compressed = true): string {
  return `rehearse-backup-${localDateKey(now)}.json${compressed ? '.gz' : ''}`;
}

export function reviewLogFileName(now: number): string {
  return `rehearse-review-log-${localDateKey(now)}.csv`;
}
