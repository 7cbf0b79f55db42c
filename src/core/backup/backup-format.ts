import * as v from 'valibot';
import { CARD_KINDS } from '../bank/cards.ts';
import { DIFFICULTY_BY_LEVEL, QuestionSchema, difficultyFitsLevel, type Level } from '../bank/question.ts';
import { SettingsSchema } from '../settings.ts';
import { decodeConfig } from '../scheduling/fsrs.ts';

/**
 * The Rehearse backup file, format version 1.
 *
 * One UTF-8 JSON object (each table row on its own line, so the file diffs and greps well):
 *
 * ```
 * {
 *   "format": "rehearse-backup",   // marker: anything else is not a Rehearse backup
 *   "version": 1,                  // this format's version; a newer number is refused with a clear message
 *   "exportedAt": 1778418000000,   // epoch ms when the file was made
 *   "device": "Chrome on Android", // a short summary of the browser that made it
 *   "schemaVersion": 2,            // the IndexedDB schema version of the app that made it (informative)
 *   "settings": { ... },           // every setting, as SettingsSchema (src/core/settings.ts) describes
 *   "cards": [ { "id": "py-x#answer", "questionId": "py-x", "kind": "answer", "suspended": false,
 *                "hidden": false, "due", "stability", "difficulty", "state", "reps", "lapses",
 *                "lastReview", "scheduledDays", "learningSteps" } ],
 *   "reviews": [ { "id", "cardId", "rating" (1–4 = Again…Easy; 0 = the card was reset to new),
 *                  "reviewedAt", "durationMs", "before": { the card's memory state before the entry },
 *                  "config": "0.9|365|1m 10m|10m|" (the schedule the grade used; "" for a reset) } ],
 *   "notes": [ { "questionId", "text", "updatedAt" } ],
 *   "flags": [ { "questionId", "flaggedAt" } ],
 *   "customQuestions": [ { every field of a bank question (QuestionSchema), "createdAt", "updatedAt" } ]
 * }
 * ```
 *
 * All times are epoch milliseconds. Card `state` is FSRS's numbering (0 new, 1 learning,
 * 2 review, 3 relearning). The review log is the source of truth: card states can be rebuilt
 * by replaying it, which is what a merge does. The database's `bucket` index field is not
 * stored: it is derived from the card on import. Unknown fields are ignored on import.
 */
export const BACKUP_FORMAT = 'rehearse-backup';
export const BACKUP_VERSION = 1;

/** A backup larger than this is refused before it is read (about ten years of heavy daily use). */
export const MAX_BACKUP_BYTES = 256 * 1024 * 1024;

/** The latest time a JavaScript Date can hold; later "times" are garbage. */
const MAX_TIME = 8.64e15;
const MAX_ID_LENGTH = 300;
const MAX_NOTE_LENGTH = 100_000;

// Messages are predicates: the path of the value goes in front ("reviews[12].rating must be 1–4").
// Each rule is one check (not a chain of actions): a log can hold a million rows.
const TIME_MESSAGE = 'must be a time (milliseconds since 1970)';
const time = v.pipe(
  v.number(TIME_MESSAGE),
  v.check((n) => Number.isFinite(n) && n >= 0 && n <= MAX_TIME, TIME_MESSAGE),
);
const wholeNumber = (max: number) =>
  v.pipe(
    v.number('must be a whole number'),
    v.check(
      (n) => Number.isInteger(n) && n >= 0 && n <= max,
      (issue) => {
        const n = issue.input as number;
        if (!Number.isFinite(n)) return 'must be a finite number';
        if (!Number.isInteger(n)) return 'must be a whole number';
        return n < 0 ? 'cannot be negative' : `must be at most ${max.toLocaleString('en')}`;
      },
    ),
  );
const bounded = (min: number, max: number) =>
  v.pipe(
    v.number('must be a number'),
    v.check(
      (n) => Number.isFinite(n) && n >= min && n <= max,
      (issue) => (Number.isFinite(issue.input) ? `must be between ${min} and ${max}` : 'must be a finite number'),
    ),
  );
const id = v.pipe(
  v.string('must be text'),
  v.nonEmpty('must not be empty'),
  v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
);
const flag = v.optional(v.boolean('must be true or false'), false);

export const MemorySchema = v.object(
  {
    due: time,
    stability: bounded(0, 1_000_000),
    difficulty: bounded(0, 10),
    state: v.picklist([0, 1, 2, 3] as const, 'must be 0–3 (new, learning, review, relearning)'),
    reps: wholeNumber(1_000_000_000),
    lapses: wholeNumber(1_000_000_000),
    lastReview: v.nullable(time),
    scheduledDays: bounded(0, 1_000_000),
    learningSteps: wholeNumber(1000),
  },
  'must be an object',
);

export const CardSchema = v.pipe(
  v.object(
    {
      id,
      questionId: id,
      kind: v.picklist(CARD_KINDS, `must be ${CARD_KINDS.join(' or ')}`),
      suspended: flag,
      hidden: flag,
      ...MemorySchema.entries,
    },
    'must be an object',
  ),
  v.check((card) => card.id === `${card.questionId}#${card.kind}`, 'has an id that is not "<questionId>#<kind>"'),
);

/** The schedule a grade used (see encodeConfig in core/scheduling/fsrs.ts); replay needs it exact. */
export function isScheduleConfig(text: string): boolean {
  return decodeConfig(text) !== null;
}

export const ReviewSchema = v.pipe(
  v.object(
    {
      id,
      cardId: id,
      // 0 is not a grade: it logs a reset of the card to new (see RESET_RATING in core/scheduling/fsrs.ts).
      rating: v.picklist([0, 1, 2, 3, 4] as const, 'must be 1–4 (or 0 for a reset to new)'),
      reviewedAt: time,
      durationMs: bounded(0, 1e10),
      before: MemorySchema,
      config: v.pipe(v.string('must be text'), v.maxLength(500, 'must be at most 500 characters')),
    },
    'must be an object',
  ),
  v.forward(
    v.partialCheck(
      [['rating'], ['config']],
      (r) => (r.rating === 0 && r.config === '') || isScheduleConfig(r.config),
      'must be a schedule such as "0.9|365|1m 10m|10m|"',
    ),
    ['config'],
  ),
);

export const NoteSchema = v.object(
  {
    questionId: id,
    text: v.pipe(v.string('must be text'), v.maxLength(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH.toLocaleString('en')} characters`)),
    updatedAt: time,
  },
  'must be an object',
);

export const FlagSchema = v.object({ questionId: id, flaggedAt: time }, 'must be an object');

/** An own question: the bank's fields and their difficulty-for-level rule, plus edit times. */
export const CustomQuestionSchema = v.pipe(
  v.object({ ...QuestionSchema.pipe[0].entries, createdAt: time, updatedAt: time }, 'must be an object'),
  v.check((q) => difficultyFitsLevel(q), (issue) => {
    const [low, high] = DIFFICULTY_BY_LEVEL[(issue.input as { level: Level }).level];
    return `has difficulty outside ${low}–${high}, the range for level ${(issue.input as { level: Level }).level}`;
  }),
);

const list = <T extends v.GenericSchema>(row: T) => v.array(row, 'must be a list');

export const BackupSchema = v.object(
  {
    format: v.literal(BACKUP_FORMAT, `must be "${BACKUP_FORMAT}"`),
    version: v.literal(BACKUP_VERSION, `must be ${BACKUP_VERSION}`),
    exportedAt: time,
    device: v.pipe(v.string('must be text'), v.maxLength(300, 'must be at most 300 characters')),
    schemaVersion: v.pipe(v.number('must be a whole number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(10_000, 'must be at most 10,000')),
    settings: SettingsSchema,
    cards: list(CardSchema),
    reviews: list(ReviewSchema),
    notes: list(NoteSchema),
    flags: list(FlagSchema),
    customQuestions: list(CustomQuestionSchema),
  },
  'must be an object',
);

export type Backup = v.InferOutput<typeof BackupSchema>;
export type BackupCard = v.InferOutput<typeof CardSchema>;
export type BackupReview = v.InferOutput<typeof ReviewSchema>;
export type BackupNote = v.InferOutput<typeof NoteSchema>;
export type BackupFlag = v.InferOutput<typeof FlagSchema>;
export type BackupCustomQuestion = v.InferOutput<typeof CustomQuestionSchema>;

/** The tables a backup carries, as rows. */
export interface Collection<Card = BackupCard, Review = BackupReview> {
  cards: Card[];
  reviews: Review[];
  notes: BackupNote[];
  flags: BackupFlag[];
  customQuestions: BackupCustomQuestion[];
}

export const COLLECTION_TABLES = ['cards', 'reviews', 'notes', 'flags', 'customQuestions'] as const;

/**
 * The file's text in pieces (for a Blob), never one giant string: a large log would otherwise
 * approach the engine's string size limit. Joined, the pieces are the JSON of `backup`, one row a line.
 */
export function serializeBackup(backup: Backup): string[] {
  const { cards, reviews, notes, flags, customQuestions, ...head } = backup;
  const rows = { cards, reviews, notes, flags, customQuestions };
  const headJson = JSON.stringify(head);
  const parts: string[] = [headJson.slice(0, -1)];
  const CHUNK = 1000;
  for (const table of COLLECTION_TABLES) {
    const items: readonly unknown[] = rows[table];
    parts.push(`,\n"${table}":[`);
    for (let start = 0; start < items.length; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK).map((row) => `\n${JSON.stringify(row)}`);
      parts.push((start ? ',' : '') + chunk.join(','));
    }
    parts.push(items.length ? '\n]' : ']');
  }
  parts.push('\n}\n');
  return parts;
}
