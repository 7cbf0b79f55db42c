import { gradedCard, T0, DAY } from '../core/backup/backup-fixtures.ts';
import { BACKUP_FORMAT, BACKUP_VERSION, type Backup, type BackupCard, type BackupReview } from '../../src/core/backup/backup-format.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import type { Rating } from '../../src/core/scheduling/fsrs.ts';

/**
 * A backup of `reviews` reviews over cards of generated question ids, each card's log made by
 * the real scheduler (so card = replay of its log). `prefix` keeps two files' ids apart. The
 * reviews lie in the past: T0 (May 2026) minus a year onwards, short intervals.
 */
export function generatedBackup(reviews: number, prefix: string, perCard = 20): Backup {
  const cards: BackupCard[] = [];
  const log: BackupReview[] = [];
  // Again after every third grade keeps intervals short, so no review lands in the future.
  const ratings: Rating[] = Array.from({ length: perCard }, (_, i) => (i % 3 === 2 ? 1 : 3));
  const count = Math.ceil(reviews / perCard);
  for (let n = 0; n < count; n++) {
    const take = Math.min(perCard, reviews - n * perCard);
    const made = gradedCard(`${prefix}-q${n}#answer`, ratings.slice(0, take), T0 - 365 * DAY + (n % 1000) * 60_000, `${prefix}-${n}`);
    cards.push(made.card);
    log.push(...made.reviews);
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: T0,
    device: 'kill test',
    schemaVersion: 4,
    settings: DEFAULT_SETTINGS,
    cards,
    reviews: log,
    notes: [],
    flags: [],
    customQuestions: [],
  };
}

