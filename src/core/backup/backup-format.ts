import * as v from 'valibot';
import { CARD_KINDS } from '../bank/cards.ts';
import { DIFFICULTY_BY_LEVEL, QUESTION_ID_PATTERN, QuestionSchema, difficultyFitsLevel, type Level } from '../bank/question.ts';
import { groupThousands, type Settings } from '../settings.ts';
import { decodeConfig, type MemoryState } from '../scheduling/fsrs.ts';

/**
 * The Rehearse backup file, format version 2 (what this version writes; version 1 still reads).
 *
 * One UTF-8 JSON object, usually gzip-compressed (`.json.gz`; plain `.json` where the browser
 * cannot compress). Each table row sits on its own line, so the unpacked file diffs and greps well:
 *
 * ```
 * {
 *   "format": "rehearse-backup",   // marker: anything else is not a Rehearse backup
 *   "version": 2,                  // this format's version; a newer number is refused with a clear message
 *   "exportedAt": 1778418000000,   // epoch ms when the file was made
 *   "device": "Chrome on Android", // a short summary of the browser that made it
 *   "schemaVersion": 2,            // the IndexedDB schema version of the app that made it (informative)
 *   "columns": { "cards": [...], "reviews": [...] },  // the legend of the row arrays below (CARD_COLUMNS, REVIEW_COLUMNS)
 *   "settings": { ... },           // every setting, as SettingsSchema (src/core/settings.ts) describes; an invalid one falls back to its default, named in the preview
 *   "cards": [ ["py-x#answer", "py-x", "answer", suspended, hidden, due, stability, difficulty, state,
 *               reps, lapses, lastReview, scheduledDays, learningSteps] ],
 *   "reviews": [ ["<id>", "<cardId>", rating (1–4 = Again…Easy; 0 = the card was reset to new),
 *                 reviewedAt, durationMs, config (a position in "configs"),
 *                 then the card's memory state before the entry: due … learningSteps as for cards] ],
 *   "configs": [ "0.9|365|1m 10m|10m|", "" ],  // the schedules grades used ("" for a reset), each once
 *   "notes": [ { "questionId", "text", "updatedAt" } ],
 *   "flags": [ { "questionId", "flaggedAt" } ],
 *   "customQuestions": [ { every field of a bank question (QuestionSchema), "createdAt", "updatedAt" } ]
 * }
 * ```
 *
 * Cards and reviews are arrays rather than objects because a heavy learner has a million reviews:
 * repeating every key on every row made version 1 files 2.5 times larger. Version 1 is the same
 * object with `cards` and `reviews` as objects keyed by the column names (a review's memory state
 * under "before", its schedule text under "config") and no "columns" or "configs".
 *
 * All times are epoch milliseconds. Card `state` is FSRS's numbering (0 new, 1 learning,
 * 2 review, 3 relearning). The review log is the source of truth: card states can be rebuilt
 * by replaying it, which is what a merge does. The database's `bucket` index field is not
 * stored: it is derived from the card on import. Unknown fields are ignored on import.
 */
export const BACKUP_FORMAT = 'rehearse-backup';
export const BACKUP_VERSION = 2;
/** Every version this code reads. */
export const READABLE_VERSIONS = [1, 2] as const;

/** A compressed backup file larger than this is refused before it is read. */
export const MAX_BACKUP_BYTES = 256 * 1024 * 1024;
/**
 * The most JSON text a backup may hold, plain or once unpacked: just under the longest string a
 * browser's JavaScript engine can build (2^29 characters in V8). A million reviews take about 190 MB.
 */
export const MAX_BACKUP_TEXT_BYTES = 500 * 1024 * 1024;

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
// Ids that name questions and cards can only be what the app makes: a question id, or one with
// `#answer|#mistakes`. Anything else (`=1+1#answer`) is refused, so it never reaches a CSV cell.
const questionId = v.pipe(
  v.string('must be text'),
  v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
  v.regex(QUESTION_ID_PATTERN, 'must be a question id: lowercase letters, digits and single hyphens'),
);
const CARD_ID_PATTERN = new RegExp(`${QUESTION_ID_PATTERN.source.slice(0, -1)}#(?:${CARD_KINDS.join('|')})$`);
const cardIdText = v.pipe(
  v.string('must be text'),
  v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
  v.regex(CARD_ID_PATTERN, `must be a card id: a question id then #${CARD_KINDS.join(' or #')}`),
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
      id: cardIdText,
      questionId,
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
  // A log of a million grades uses a handful of schedules: decode each distinct one once.
  let known = checkedConfigs.get(text);
  if (known === undefined) {
    known = decodeConfig(text) !== null;
    if (checkedConfigs.size >= 1000) checkedConfigs.clear();
    checkedConfigs.set(text, known);
  }
  return known;
}
const checkedConfigs = new Map<string, boolean>();

export const ReviewSchema = v.pipe(
  v.object(
    {
      id,
      cardId: cardIdText,
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
    questionId,
    text: v.pipe(v.string('must be text'), v.maxLength(MAX_NOTE_LENGTH, `must be at most ${groupThousands(MAX_NOTE_LENGTH)} characters`)),
    updatedAt: time,
  },
  'must be an object',
);

export const FlagSchema = v.object({ questionId, flaggedAt: time }, 'must be an object');

/** An own question: the bank's fields and their difficulty-for-level rule, plus edit times. */
export const CustomQuestionSchema = v.pipe(
  v.object({ ...QuestionSchema.pipe[0].entries, createdAt: time, updatedAt: time }, 'must be an object'),
  v.check((q) => difficultyFitsLevel(q), (issue) => {
    const [low, high] = DIFFICULTY_BY_LEVEL[(issue.input as { level: Level }).level];
    return `has difficulty outside ${low}–${high}, the range for level ${(issue.input as { level: Level }).level}`;
  }),
);

const list = <T extends v.GenericSchema>(row: T) => v.array(row, 'must be a list');
const rowList = v.array(v.unknown(), 'must be a list');

/** The memory-state fields in the order rows carry them. */
export const MEMORY_COLUMNS = ['due', 'stability', 'difficulty', 'state', 'reps', 'lapses', 'lastReview', 'scheduledDays', 'learningSteps'] as const;
export const CARD_COLUMNS = ['id', 'questionId', 'kind', 'suspended', 'hidden', ...MEMORY_COLUMNS] as const;
/** `config` is a position in the file's `configs`; the memory fields are the state before the entry. */
export const REVIEW_COLUMNS = ['id', 'cardId', 'rating', 'reviewedAt', 'durationMs', 'config', ...MEMORY_COLUMNS] as const;

const sameList = (expected: readonly string[]) => (value: unknown) =>
  Array.isArray(value) && value.length === expected.length && value.every((item, i) => item === expected[i]);

/**
 * Everything but the card and review rows, which are checked one at a time (see parse-backup.ts)
 * so a million of them are not copied twice.
 */
const headEntries = {
  format: v.literal(BACKUP_FORMAT, `must be "${BACKUP_FORMAT}"`),
  exportedAt: time,
  device: v.pipe(v.string('must be text'), v.maxLength(300, 'must be at most 300 characters')),
  schemaVersion: v.pipe(v.number('must be a whole number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(10_000, 'must be at most 10,000')),
  // Checked setting by setting in parse-backup.ts: a bad one falls back to its default, named, rather than refusing the file.
  settings: v.optional(v.unknown()),
  cards: rowList,
  reviews: rowList,
  notes: list(NoteSchema),
  flags: list(FlagSchema),
  customQuestions: list(CustomQuestionSchema),
};

export const HeadV1Schema = v.object(
  { ...headEntries, version: v.picklist(READABLE_VERSIONS, `must be ${READABLE_VERSIONS.join(' or ')}`) },
  'must be an object',
);

export const HeadV2Schema = v.object(
  {
    ...headEntries,
    version: v.literal(2),
    columns: v.object(
      {
        cards: v.custom(sameList(CARD_COLUMNS), `must be ${JSON.stringify(CARD_COLUMNS)}`),
        reviews: v.custom(sameList(REVIEW_COLUMNS), `must be ${JSON.stringify(REVIEW_COLUMNS)}`),
      },
      'must be an object',
    ),
    // Each is checked where a review uses it (a reset uses "", which is not a schedule).
    configs: list(v.pipe(v.string('must be text'), v.maxLength(500, 'must be at most 500 characters'))),
  },
  'must be an object',
);

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

/** A validated backup, whichever version its file was: rows are always objects here. */
export interface Backup extends Collection {
  format: typeof BACKUP_FORMAT;
  version: (typeof READABLE_VERSIONS)[number];
  exportedAt: number;
  device: string;
  schemaVersion: number;
  settings: Settings;
}

function memoryColumns(m: MemoryState): unknown[] {
  return [m.due, m.stability, m.difficulty, m.state, m.reps, m.lapses, m.lastReview, m.scheduledDays, m.learningSteps];
}

function memoryFrom(row: readonly unknown[], at: number): Record<string, unknown> {
  const memory: Record<string, unknown> = {};
  MEMORY_COLUMNS.forEach((name, i) => (memory[name] = row[at + i]));
  return memory;
}

export function cardColumns(card: BackupCard): unknown[] {
  return [card.id, card.questionId, card.kind, card.suspended, card.hidden, ...memoryColumns(card)];
}

export function reviewColumns(review: BackupReview, configIndex: number): unknown[] {
  return [review.id, review.cardId, review.rating, review.reviewedAt, review.durationMs, configIndex, ...memoryColumns(review.before)];
}

/** A version 2 card row as the object CardSchema checks; null when it is not a row of the right length. */
export function cardFromColumns(row: unknown): Record<string, unknown> | null {
  if (!Array.isArray(row) || row.length !== CARD_COLUMNS.length) return null;
  const [id, questionId, kind, suspended, hidden] = row as unknown[];
  return { id, questionId, kind, suspended, hidden, ...memoryFrom(row, 5) };
}

/**
 * A version 2 review row as the object ReviewSchema checks, its schedule looked up in `configs`;
 * null when it is not a row of the right length, 'config' when its schedule position is not one.
 */
export function reviewFromColumns(row: unknown, configs: readonly unknown[]): Record<string, unknown> | null | 'config' {
  if (!Array.isArray(row) || row.length !== REVIEW_COLUMNS.length) return null;
  const [id, cardId, rating, reviewedAt, durationMs, at] = row as unknown[];
  if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at >= configs.length) return 'config';
  return { id, cardId, rating, reviewedAt, durationMs, config: configs[at], before: memoryFrom(row, 6) };
}

/** Gzip's magic number: how a compressed backup is recognised whatever its file is called. */
export function isGzip(firstBytes: Uint8Array): boolean {
  return firstBytes.length >= 2 && firstBytes[0] === 0x1f && firstBytes[1] === 0x8b;
}
