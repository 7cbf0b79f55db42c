import * as v from 'valibot';
import { CustomQuestionSchema, ReviewSchema, type BackupCustomQuestion } from '../backup/backup-format.ts';
import { describeIssues } from '../bank/question.ts';
import { SettingsSchema } from '../settings.ts';
import {
  CARDMETA_PREFIX,
  QUESTION_PREFIX,
  REVIEW_PREFIX,
  SETTINGS_DOC_ID,
  SYNCED_SETTINGS,
  VOID_PREFIX,
  questionDocId,
  reviewDocId,
  voidDocId,
  type Fields,
  type SyncDoc,
  type SyncedSetting,
} from './sync-docs.ts';

/** Validation of documents arriving from the server: the one boundary (loaded with the sync code only). */

const MAX_TIME = 8.64e15;
const time = v.pipe(v.number(), v.check((n) => Number.isFinite(n) && n >= 0 && n <= MAX_TIME, 'must be a time (ms)'));
const docId = (prefix: string) => v.pipe(v.string(), v.startsWith(prefix, `must start with ${prefix}`), v.maxLength(300));
const stamped = <T extends v.GenericSchema>(value: T) => v.object({ value, at: time });
// Fields this version does not know come from a newer app on another device: they are kept (and
// merged, and sent back) so that device loses nothing, but never applied here.
const unknownField = stamped(v.unknown());

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
  fields: v.objectWithRest({
    flag: v.optional(stamped(v.nullable(time))),
    note: v.optional(stamped(v.nullable(v.pipe(v.string(), v.maxLength(100_000))))),
    'suspended:answer': v.optional(stamped(v.boolean())),
    'suspended:mistakes': v.optional(stamped(v.boolean())),
  }, unknownField),
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
  fields: v.objectWithRest(
    Object.fromEntries(SYNCED_SETTINGS.map((k) => [k, v.optional(stamped(settingEntries[k]))])) as {
      [K in SyncedSetting]: v.OptionalSchema<ReturnType<typeof stamped<(typeof settingEntries)[K]>>, undefined>;
    },
    unknownField,
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

