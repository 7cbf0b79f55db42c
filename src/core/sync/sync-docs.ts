import * as v from 'valibot';
import { CustomQuestionSchema, ReviewSchema, type BackupCustomQuestion, type BackupReview } from '../backup/backup-format.ts';
import { describeIssues } from '../bank/question.ts';
import { SettingsSchema, type Settings } from '../settings.ts';

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

/** Sets one field to `value` written at `at`, unless a later write of it is already known. */
export function writeField(fields: Fields, key: string, value: unknown, at: number): Fields {
  return mergeFields(fields, { [key]: { value, at } });
}

// ---- validation of what arrives from the server (the one boundary) ----

const MAX_TIME = 8.64e15;
const time = v.pipe(v.number(), v.check((n) => Number.isFinite(n) && n >= 0 && n <= MAX_TIME, 'must be a time (ms)'));
const docId = (prefix: string) => v.pipe(v.string(), v.startsWith(prefix, `must start with ${prefix}`), v.maxLength(300));
const stamped = <T extends v.GenericSchema>(value: T) => v.object({ value, at: time });

const ReviewDocSchema = v.object({ _id: docId(REVIEW_PREFIX), kind: v.literal('review'), review: ReviewSchema });
const VoidDocSchema = v.object({
  _id: docId(VOID_PREFIX),
  kind: v.literal('review-void'),
  reviewId: v.pipe(v.string(), v.nonEmpty()),
  cardId: v.pipe(v.string(), v.nonEmpty('must name the card')),
  voidedAt: time,
});
const CardMetaDocSchema = v.object({
  _id: docId(CARDMETA_PREFIX),
  kind: v.literal('cardmeta'),
  fields: v.strictObject({
    flag: v.optional(stamped(v.nullable(time))),
    note: v.optional(stamped(v.nullable(v.pipe(v.string(), v.maxLength(100_000))))),
    'suspended:answer': v.optional(stamped(v.boolean())),
    'suspended:mistakes': v.optional(stamped(v.boolean())),
  }),
});
const QuestionDocSchema = v.object({
  _id: docId(QUESTION_PREFIX),
  kind: v.literal('question'),
  fields: v.strictObject({ body: stamped(v.nullable(CustomQuestionSchema)) }),
});
const settingEntries = SettingsSchema.entries;
const SettingsDocSchema = v.object({
  _id: v.literal(SETTINGS_DOC_ID),
  kind: v.literal('settings'),
  fields: v.strictObject(
    Object.fromEntries(SYNCED_SETTINGS.map((k) => [k, v.optional(stamped(settingEntries[k]))])) as {
      [K in SyncedSetting]: v.OptionalSchema<ReturnType<typeof stamped<(typeof settingEntries)[K]>>, undefined>;
    },
  ),
});

const SyncDocSchema = v.variant('kind', [ReviewDocSchema, VoidDocSchema, CardMetaDocSchema, QuestionDocSchema, SettingsDocSchema]);

export type ParsedDoc = { ok: true; doc: SyncDoc } | { ok: false; id: string; errors: string[] };

/** Checks one incoming document; CouchDB's own fields (_rev, _conflicts…) are dropped. */
export function parseSyncDoc(raw: unknown): ParsedDoc {
  const id = typeof (raw as { _id?: unknown })?._id === 'string' ? (raw as { _id: string })._id : '(no id)';
  const result = v.safeParse(SyncDocSchema, raw);
  if (!result.success) return { ok: false, id, errors: describeIssues(result.issues) };
  const doc = result.output as SyncDoc;
  if (doc.kind === 'review' && doc._id !== reviewDocId(doc.review.id)) return { ok: false, id, errors: ['_id does not match the review id'] };
  if (doc.kind === 'review-void' && doc._id !== voidDocId(doc.reviewId)) return { ok: false, id, errors: ['_id does not match the voided review id'] };
  if (doc.kind === 'question') {
    const body = doc.fields.body!.value as BackupCustomQuestion | null;
    if (body && doc._id !== questionDocId(body.id)) return { ok: false, id, errors: ['_id does not match the question id'] };
  }
  return { ok: true, doc: strip(doc) };
}

/** Only our own fields: the same document read from two servers compares equal. */
function strip(doc: SyncDoc): SyncDoc {
  switch (doc.kind) {
    case 'review':
      return { _id: doc._id, kind: doc.kind, review: doc.review };
    case 'review-void':
      return { _id: doc._id, kind: doc.kind, reviewId: doc.reviewId, cardId: doc.cardId, voidedAt: doc.voidedAt };
    default:
      return { _id: doc._id, kind: doc.kind, fields: doc.fields as Fields };
  }
}

export function reviewDoc(review: BackupReview): ReviewDoc {
  const { id, cardId, rating, reviewedAt, durationMs, before, config } = review;
  return { _id: reviewDocId(id), kind: 'review', review: { id, cardId, rating, reviewedAt, durationMs, before, config } };
}
