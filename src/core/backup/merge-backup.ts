import type { BackupCustomQuestion, BackupFlag, BackupNote, Collection } from './backup-format.ts';

export interface MergeCounts {
  cards: number;
  reviews: number;
  notes: number;
  flags: number;
  customQuestions: number;
}

export interface MergeResult<Card, Review> {
  merged: Collection<Card, Review>;
  /** Rows only the incoming side had. */
  added: MergeCounts;
  /** Rows both sides had where the incoming one was newer and replaced the local one. */
  updated: Pick<MergeCounts, 'notes' | 'customQuestions'>;
  /** Rows the database must write (new or changed); everything else is already stored. */
  toWrite: Collection<Card, Review>;
}

/**
 * Combines two copies of a collection so nothing either one holds is lost:
 * - reviews: union by review id (ids are globally unique, so the same id is the same grade);
 * - cards: union by id; a card both have keeps the local row (its state is rebuilt from the
 *   merged log afterwards, its suspension is this device's choice);
 * - notes and own questions: by key, the newer `updatedAt` wins (a tie keeps the local one);
 * - flags: union.
 * Pure: the caller replays the merged log to rebuild card states.
 */
export function mergeCollections<Card extends { id: string }, Review extends { id: string }>(
  local: Collection<Card, Review>,
  incoming: Collection<Card, Review>,
): MergeResult<Card, Review> {
  const cards = unionBy(local.cards, incoming.cards, (c) => c.id);
  const reviews = unionBy(local.reviews, incoming.reviews, (r) => r.id);
  const flags = unionBy<BackupFlag>(local.flags, incoming.flags, (f) => f.questionId);
  const notes = newerWins<BackupNote>(local.notes, incoming.notes, (n) => n.questionId);
  const customQuestions = newerWins<BackupCustomQuestion>(local.customQuestions, incoming.customQuestions, (q) => q.id);
  return {
    merged: {
      cards: cards.all,
      reviews: reviews.all,
      flags: flags.all,
      notes: notes.all,
      customQuestions: customQuestions.all,
    },
    added: {
      cards: cards.added.length,
      reviews: reviews.added.length,
      flags: flags.added.length,
      notes: notes.added.length,
      customQuestions: customQuestions.added.length,
    },
    updated: { notes: notes.updated.length, customQuestions: customQuestions.updated.length },
    toWrite: {
      cards: cards.added,
      reviews: reviews.added,
      flags: flags.added,
      notes: [...notes.added, ...notes.updated],
      customQuestions: [...customQuestions.added, ...customQuestions.updated],
    },
  };
}

function unionBy<T>(local: readonly T[], incoming: readonly T[], keyOf: (row: T) => string): { all: T[]; added: T[] } {
  const seen = new Set(local.map(keyOf));
  const added: T[] = [];
  for (const row of incoming) {
    const key = keyOf(row);
    if (seen.has(key)) continue;
    seen.add(key);
    added.push(row);
  }
  return { all: [...local, ...added], added };
}

function newerWins<T extends { updatedAt: number }>(
  local: readonly T[],
  incoming: readonly T[],
  keyOf: (row: T) => string,
): { all: T[]; added: T[]; updated: T[] } {
  const byKey = new Map(local.map((row) => [keyOf(row), row]));
  const added: T[] = [];
  const updated: T[] = [];
  for (const row of incoming) {
    const key = keyOf(row);
    const mine = byKey.get(key);
    if (!mine) added.push(row);
    else if (row.updatedAt > mine.updatedAt) updated.push(row);
    else continue;
    byKey.set(key, row);
  }
  return { all: [...byKey.values()], added, updated };
}
