import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type { CardKind } from '../core/bank/cards.ts';
import type { LogRating, MemoryState } from '../core/scheduling/fsrs.ts';
import type { Question } from '../core/bank/question.ts';
import { emptyOwnSummaries, upsertOwnSummaries, type OwnSummaryTable, type OwnSummaryVersion } from '../core/bank/own-summaries.ts';
import { summarize } from '../core/bank/question.ts';
import type { VoidDoc } from '../core/sync/sync-docs.ts';
import {
  BUILD_CURSOR,
  derivedTablesMiddleware,
  type CardDigestRow,
  type CardSlotRow,
  type DigestBuildCursor,
  type ReviewTallyTableRow,
  type TallyBuildCursor,
} from './derived-tables.ts';

export const DB_NAME = 'rehearse';

/** Table names, in one place. */
export const TABLES = {
  cards: 'cards',
  reviews: 'reviews',
  settings: 'settings',
  notes: 'notes',
  flags: 'flags',
  customQuestions: 'customQuestions',
  cardDigest: 'cardDigest',
  cardSlots: 'cardSlots',
  reviewTallies: 'reviewTallies',
  ownSummaries: 'ownSummaries',
  outbox: 'outbox',
  syncState: 'syncState',
} as const;

/**
 * Which daily pile a card sits in; with `due` it forms the compound index the queue
 * reads, so today's cards come from index ranges, never a scan.
 */
export const BUCKET = { new: 0, learning: 1, review: 2, inactive: 9 } as const;
export type Bucket = (typeof BUCKET)[keyof typeof BUCKET];

export interface CardRow extends MemoryState {
  id: string;
  questionId: string;
  kind: CardKind;
  suspended: boolean;
  /** Its question left the bank; kept so the history returns with it. */
  hidden: boolean;
  bucket: Bucket;
  /** Buried during a review: left out of every queue until this time (the next study day). */
  buriedUntil?: number;
}

export interface ReviewRow {
  /** Random and globally unique, so logs from two devices merge without collisions. */
  id: string;
  cardId: string;
  /** 1–4 for Again…Easy; 0 marks a reset to new (not a review: statistics skip it). */
  rating: LogRating;
  reviewedAt: number;
  durationMs: number;
  /** The card's state before this grade: what undo restores and what replay starts from. */
  before: MemoryState;
  /** The schedule settings this grade used (see encodeConfig), so replay is exact. */
  config: string;
}

export interface SettingRow {
  key: string;
  value: unknown;
}

export interface NoteRow {
  questionId: string;
  text: string;
  updatedAt: number;
}

export interface FlagRow {
  questionId: string;
  flaggedAt: number;
}

/** A learner's own question: the bank's schema plus edit times (the newer edit wins a merge). */
export interface CustomQuestionRow extends Question {
  createdAt: number;
  updatedAt: number;
}

/** A synced document waiting to leave this device (see src/db/sync-repo.ts). */
export interface OutboxRow {
  docId: string;
  queuedAt: number;
  /** The document itself when it cannot be rebuilt from the tables (a void: its review is gone). */
  doc?: VoidDoc;
}

/** Sync bookkeeping: the account, the pull checkpoint, field stamps of mutable documents, voided review ids. */
export interface SyncStateRow {
  id: string;
  [field: string]: unknown;
}

export type RehearseDb = Dexie & {
  cards: EntityTable<CardRow, 'id'>;
  reviews: EntityTable<ReviewRow, 'id'>;
  settings: EntityTable<SettingRow, 'key'>;
  notes: EntityTable<NoteRow, 'questionId'>;
  flags: EntityTable<FlagRow, 'questionId'>;
  customQuestions: EntityTable<CustomQuestionRow, 'id'>;
  /** Derived (see derived-tables.ts): written only by the middleware and upgrades. */
  cardDigest: EntityTable<CardDigestRow, 'chunk'>;
  cardSlots: EntityTable<CardSlotRow, 'id'>;
  reviewTallies: EntityTable<ReviewTallyTableRow, 'block'>;
  ownSummaries: EntityTable<OwnSummaryTable | OwnSummaryVersion, 'key'>;
  outbox: EntityTable<OutboxRow, 'docId'>;
  syncState: EntityTable<SyncStateRow, 'id'>;
};

/** Schema history. Never edit a published version: add a new one with an upgrade. */
export function defineSchema(db: Dexie): void {
  db.version(1).stores({
    [TABLES.cards]: 'id, questionId, [bucket+due], state',
    [TABLES.reviews]: 'id, cardId, reviewedAt',
    [TABLES.settings]: 'key',
  });
  // v2: notes, flags and the learner's own questions. New tables only: nothing to convert.
  db.version(2)
    .stores({
      [TABLES.notes]: 'questionId, updatedAt',
      [TABLES.flags]: 'questionId',
      [TABLES.customQuestions]: 'id, updatedAt',
    })
    .upgrade(() => undefined);
  // v3: derived tables (see derived-tables.ts): the card digest and review tallies, so
  // Progress reads typed arrays instead of every card and a year of reviews, and own
  // question summaries, so lists skip the long texts. Built after the upgrade (startDerivedBuild).
  db.version(3)
    .stores({
      [TABLES.cardDigest]: 'chunk',
      [TABLES.cardSlots]: 'id',
      [TABLES.reviewTallies]: 'block',
      [TABLES.ownSummaries]: 'key',
    })
    .upgrade(startDerivedBuild);
  // v4: live sync. The outbox of documents to push and the sync state (account, checkpoint,
  // field stamps). New tables only: nothing is queued until the learner connects, when the
  // whole collection is queued once.
  db.version(4)
    .stores({
      [TABLES.outbox]: 'docId, queuedAt',
      [TABLES.syncState]: 'id',
    })
    .upgrade(() => undefined);
}

export const SCHEMA_VERSION = 4;

/**
 * Version 3's upgrade: empties the derived tables and leaves a build cursor in the card digest
 * and the review tallies, so the app opens at once and derived-build.ts fills them in small
 * steps while the learner studies (at a million reviews a build inside the upgrade held the
 * app closed for about 40 s). Own question summaries are few and built here.
 */
export async function startDerivedBuild(tx: Transaction): Promise<void> {
  await Promise.all([TABLES.cardDigest, TABLES.cardSlots, TABLES.reviewTallies, TABLES.ownSummaries].map((name) => tx.table(name).clear()));
  await tx.table(TABLES.cardDigest).put({ chunk: BUILD_CURSOR, after: '', counted: 0 } satisfies DigestBuildCursor);
  await tx.table(TABLES.reviewTallies).put({ block: BUILD_CURSOR, after: '', counted: 0 } satisfies TallyBuildCursor);
  const own = emptyOwnSummaries();
  upsertOwnSummaries(own, ((await tx.table(TABLES.customQuestions).toArray()) as CustomQuestionRow[]).map(summarize));
  await tx.table(TABLES.ownSummaries).bulkPut([own, { key: 'version', version: 1 } satisfies OwnSummaryVersion]);
  // Version 2 cached finished days' tallies under this settings key; the tallies replace it.
  await tx.table(TABLES.settings).delete('meta:reviewDayTallies');
}

export function bucketOf(card: Pick<CardRow, 'state' | 'suspended' | 'hidden'>): Bucket {
  if (card.suspended || card.hidden) return BUCKET.inactive;
  if (card.state === 0) return BUCKET.new;
  if (card.state === 2) return BUCKET.review;
  return BUCKET.learning;
}

export function openDatabase(name = DB_NAME): RehearseDb {
  // 'strict' makes a committed grade reach the disk before the next card shows.
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as RehearseDb;
  db.use(derivedTablesMiddleware);
  defineSchema(db);
  return db;
}
