import Dexie, { type EntityTable } from 'dexie';
import type { CardKind } from '../core/bank/cards.ts';
import type { LogRating, MemoryState } from '../core/scheduling/fsrs.ts';
import type { Question } from '../core/bank/question.ts';

export const DB_NAME = 'rehearse';

/** Table names, in one place. */
export const TABLES = {
  cards: 'cards',
  reviews: 'reviews',
  settings: 'settings',
  notes: 'notes',
  flags: 'flags',
  customQuestions: 'customQuestions',
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

export type RehearseDb = Dexie & {
  cards: EntityTable<CardRow, 'id'>;
  reviews: EntityTable<ReviewRow, 'id'>;
  settings: EntityTable<SettingRow, 'key'>;
  notes: EntityTable<NoteRow, 'questionId'>;
  flags: EntityTable<FlagRow, 'questionId'>;
  customQuestions: EntityTable<CustomQuestionRow, 'id'>;
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
}

export const SCHEMA_VERSION = 2;

export function bucketOf(card: Pick<CardRow, 'state' | 'suspended' | 'hidden'>): Bucket {
  if (card.suspended || card.hidden) return BUCKET.inactive;
  if (card.state === 0) return BUCKET.new;
  if (card.state === 2) return BUCKET.review;
  return BUCKET.learning;
}

export function openDatabase(name = DB_NAME): RehearseDb {
  // 'strict' makes a committed grade reach the disk before the next card shows.
  const db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as RehearseDb;
  defineSchema(db);
  return db;
}
