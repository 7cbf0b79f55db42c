import type { BackupCustomQuestion, BackupFlag, BackupNote, Collection } from './backup-format.ts';

export interface MergeCounts {
  cards: number;
  reviews: number;
  notes: number;
  flags: number;
  customQuestions: number;
}

/**
 * What a merge needs of this device: only the keys of cards and reviews (a million review
 * rows are too many to read just to learn which ids exist), and the small tables in full.
 */
export interface LocalKeys {
  cardIds: ReadonlySet<string>;
  reviewIds: ReadonlySet<string>;
  notes: readonly BackupNote[];
  flags: readonly BackupFlag[];
  customQuestions: readonly BackupCustomQuestion[];
}

export interface MergePlan<Card, Review> {
  /** Rows only the incoming side had. */
  added: MergeCounts;
  /** Rows both sides had where the incoming one was newer and replaced the local one. */
  updated: Pick<MergeCounts, 'notes' | 'customQuestions'>;
  /** Rows the database must write (new or changed); everything else is already stored. */
  toWrite: Collection<Card, Review>;
  /** Cards whose log gained reviews: only their states can change, by replaying their logs. */
  toReplay: string[];
}

/**
 * Combines the incoming collection with this device's so nothing either one holds is lost:
 * - reviews: union by review id (ids are globally unique, so the same id is the same grade);
 * - cards: union by id; a card both have keeps the local row (its state is rebuilt from the
 *   merged log afterwards, its suspension is this device's choice);
 * - notes and own questions: by key, the newer `updatedAt` wins (a tie keeps the local one);
 * - flags: union.
 * Pure: the caller writes `toWrite`, then replays the logs of the `toReplay` cards.
 */
export function planMerge<Card extends { id: string }, Review extends { id: string; cardId: string }>(
  local: LocalKeys,
  incoming: Collection<Card, Review>,
): MergePlan<Card, Review> {
  const cards = newKeys(local.cardIds, incoming.cards, (c) => c.id);
  const reviews = newKeys(local.reviewIds, incoming.reviews, (r) => r.id);
  const flags = newKeys(new Set(local.flags.map((f) => f.questionId)), incoming.flags, (f) => f.questionId);
  const notes = newerWins<BackupNote>(local.notes, incoming.notes, (n) => n.questionId);
  const customQuestions = newerWins<BackupCustomQuestion>(local.customQuestions, incoming.customQuestions, (q) => q.id);
  return {
    added: {
      cards: cards.length,
      reviews: reviews.length,
      flags: flags.length,
      notes: notes.added.length,
      customQuestions: customQuestions.added.length,
    },
    updated: { notes: notes.updated.length, customQuestions: customQuestions.updated.length },
    toWrite: {
      cards,
      reviews,
      flags,
      notes: [...notes.added, ...notes.updated],
      customQuestions: [...customQuestions.added, ...customQuestions.updated],
    },
    toReplay: [...new Set(reviews.map((r) => r.cardId))],
  };
}

function newKeys<T>(known: ReadonlySet<string>, incoming: readonly T[], keyOf: (row: T) => string): T[] {
  const seen = new Set<string>();
  return incoming.filter((row) => {
    const key = keyOf(row);
    if (known.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function newerWins<T extends { updatedAt: number }>(
  local: readonly T[],
  incoming: readonly T[],
  keyOf: (row: T) => string,
): { added: T[]; updated: T[] } {
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
  return { added, updated };
}
