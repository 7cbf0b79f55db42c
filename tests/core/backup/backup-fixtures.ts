import { BACKUP_FORMAT, BACKUP_VERSION, type Backup, type BackupCard, type BackupReview } from '../../../src/core/backup/backup-format.ts';
import { serializeBackup } from '../../../src/core/backup/write-backup.ts';
import { encodeConfig, grade, newMemory, scheduleConfigFrom, type MemoryState, type Rating } from '../../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.ts';
import { makeQuestion } from '../../fixtures.ts';

export const T0 = new Date(2026, 4, 10, 9, 0).getTime();
export const MIN = 60_000;
export const DAY = 86_400_000;

const CONFIG = encodeConfig(scheduleConfigFrom(DEFAULT_SETTINGS, T0));

/** A card and its log produced by the real scheduler, so replaying the log gives the card's state. */
export function gradedCard(cardId: string, ratings: Rating[], start: number, idPrefix = cardId): { card: BackupCard; reviews: BackupReview[] } {
  const [questionId, kind] = cardId.split('#') as [string, 'answer' | 'mistakes'];
  let memory: MemoryState = newMemory(start - DAY);
  let at = start;
  const reviews: BackupReview[] = ratings.map((rating, i) => {
    const review: BackupReview = { id: `${idPrefix}-r${i}`, cardId, rating, reviewedAt: at, durationMs: 4000 + i, before: memory, config: CONFIG };
    memory = grade(cardId, memory, rating, at, scheduleConfigFrom(DEFAULT_SETTINGS, at));
    at = Math.max(at + MIN, memory.due);
    return review;
  });
  return { card: { id: cardId, questionId, kind, suspended: false, hidden: false, ...memory }, reviews };
}

/** A small but complete backup: every table has rows. */
export function makeBackup(patch: Partial<Backup> = {}): Backup {
  const a = gradedCard('py-a#answer', [3, 3, 1, 3], T0);
  const b = gradedCard('own-q1#answer', [4], T0 + 2 * MIN);
  const fresh: BackupCard = { id: 'py-a#mistakes', questionId: 'py-a', kind: 'mistakes', suspended: true, hidden: false, ...newMemory(T0) };
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: T0 + 30 * DAY,
    device: 'Chrome on Android',
    schemaVersion: 2,
    settings: { ...DEFAULT_SETTINGS, desiredRetention: 0.85 },
    cards: [a.card, fresh, b.card],
    reviews: [...a.reviews, ...b.reviews],
    notes: [{ questionId: 'py-a', text: 'Remember: finally always runs.', updatedAt: T0 + DAY }],
    flags: [{ questionId: 'py-a', flaggedAt: T0 + DAY }],
    customQuestions: [{ ...makeQuestion('own-q1'), createdAt: T0, updatedAt: T0 + DAY }],
    ...patch,
  };
}

/** The file this version writes (format 2: card and review rows as arrays). */
export function backupText(backup: Backup = makeBackup()): string {
  return serializeBackup(backup).join('');
}

/**
 * A file as earlier versions wrote it (format 1): the backup object itself, every row an object
 * with its keys, one row a line.
 */
export function backupTextV1(backup: Backup = makeBackup()): string {
  const { cards, reviews, notes, flags, customQuestions, ...head } = { ...backup, version: 1 };
  const rows = { cards, reviews, notes, flags, customQuestions };
  const tables = Object.entries(rows).map(([name, list]) => `"${name}":[${list.map((row) => `\n${JSON.stringify(row)}`).join(',')}${list.length ? '\n' : ''}]`);
  return `${JSON.stringify(head).slice(0, -1)},\n${tables.join(',\n')}\n}\n`;
}
