import type { BackupReview } from '../backup/backup-format.ts';
import type { Settings } from '../settings.ts';

/**
 * The documents that travel over CouchDB replication (one database per learner), and their
 * field-wise merge. Pure: no PouchDB, no Dexie, no clock.
 *
 * - `review:<id>`: one review row, immutable (ids are globally unique, so reviews never conflict).
 *   A reset to new (rating 0) is a review too: replay needs it, so the server accepts 0–4.
 * - `review-void:<id>`: undo of a review that already left this device: a new event, not a delete.
 * - `cardmeta:<questionId>`: flag, note and each card kind's suspension. Keyed by question, not
 *   card, because the app keeps notes and flags per question; suspension stays per card kind.
 * - `question:<id>`: a learner's own question (`body` null once deleted).
 * - `settings:profile`: the settings that follow the learner (not theme or device ones).
 *
 * Mutable documents hold each field with the time it was last written; a merge keeps, per field,
 * the later write, and on equal times the greater value in canonical JSON, so every device and
 * every order of merging ends with the same document (the merge is a join: commutative,
 * associative, idempotent).
 */

export const REVIEW_PREFIX = 'review:';
export const VOID_PREFIX = 'review-void:';
export const CARDMETA_PREFIX = 'cardmeta:';
export const QUESTION_PREFIX = 'question:';
export const SETTINGS_DOC_ID = 'settings:profile';

/** Settings that follow the learner between devices; theme and "type my answer" stay per device. */
export const SYNCED_SETTINGS = [
  'desiredRetention',
  'maximumIntervalDays',
  'learningSteps',
  'relearningSteps',
  'dayStartHour',
  'newPerDay',
  'reviewsPerDay',
  'learnAheadMinutes',
  'interviewDate',
  'fsrsParameters',
  // With the weights, the record of the fit that made them: another device then shows when they
  // were fitted and suggests the next fit from the same count, instead of "never fitted".
  'lastFit',
] as const satisfies readonly (keyof Settings)[];
export type SyncedSetting = (typeof SYNCED_SETTINGS)[number];

export interface Stamped {
  value: unknown;
  /** When this field was written (ms); 0 for a value that predates sync. */
  at: number;
}
export type Fields = Record<string, Stamped>;

export type MutableKind = 'cardmeta' | 'question' | 'settings';
export interface MutableDoc {
  _id: string;
  kind: MutableKind;
  fields: Fields;
}
export interface ReviewDoc {
  _id: string;
  kind: 'review';
  review: BackupReview;
}
export interface VoidDoc {
  _id: string;
  kind: 'review-void';
  reviewId: string;
  cardId: string;
  voidedAt: number;
}
export type SyncDoc = ReviewDoc | VoidDoc | MutableDoc;

export const reviewDocId = (reviewId: string) => `${REVIEW_PREFIX}${reviewId}`;
export const voidDocId = (reviewId: string) => `${VOID_PREFIX}${reviewId}`;
export const cardMetaDocId = (questionId: string) => `${CARDMETA_PREFIX}${questionId}`;
export const questionDocId = (questionId: string) => `${QUESTION_PREFIX}${questionId}`;

export function kindOfDocId(id: string): SyncDoc['kind'] | null {
  if (id.startsWith(REVIEW_PREFIX)) return 'review';
  if (id.startsWith(VOID_PREFIX)) return 'review-void';
  if (id.startsWith(CARDMETA_PREFIX)) return 'cardmeta';
  if (id.startsWith(QUESTION_PREFIX)) return 'question';
  if (id === SETTINGS_DOC_ID) return 'settings';
  return null;
}

/** Canonical JSON: object keys sorted, so equal values have equal text on every device. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The later of two writes of one field; equal times fall to the greater canonical value. */
export function laterStamp(a: Stamped, b: Stamped): Stamped {
  if (a.at !== b.at) return a.at > b.at ? a : b;
  return canonical(a.value) >= canonical(b.value) ? a : b;
}

/** Field-wise last-writer-wins; the result does not depend on the argument order. */
export function mergeFields(a: Fields, b: Fields): Fields {
  const out: Fields = {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[key];
    const y = b[key];
    out[key] = x && y ? laterStamp(x, y) : (x ?? y)!;
  }
  return out;
}

export function sameFields(a: Fields, b: Fields): boolean {
  return canonical(a) === canonical(b);
}

export function reviewDoc(review: BackupReview): ReviewDoc {
  const { id, cardId, rating, reviewedAt, durationMs, before, config } = review;
  return { _id: reviewDocId(id), kind: 'review', review: { id, cardId, rating, reviewedAt, durationMs, before, config } };
}
