import * as v from 'valibot';
import type { Settings } from '../settings.ts';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  CARD_COLUMNS,
  COLLECTION_TABLES,
  CardSchema,
  CustomQuestionSchema,
  FlagSchema,
  NoteSchema,
  REVIEW_COLUMNS,
  ReviewSchema,
  cardColumns,
  reviewColumns,
  type Backup,
} from './backup-format.ts';

/** Rows as read from the database: checked here, because damaged rows must not make a backup unreadable. */
export interface RawCollection {
  cards: readonly unknown[];
  reviews: readonly unknown[];
  notes: readonly unknown[];
  flags: readonly unknown[];
  customQuestions: readonly unknown[];
}

export interface BackupSource {
  rows: RawCollection;
  settings: Settings;
  exportedAt: number;
  device: string;
  schemaVersion: number;
}

/** What went into the file; complete once its text has been read to the end. */
export interface WriteReport {
  cards: number;
  reviews: number;
  /** Damaged rows that could not go into the file (named). */
  leftOut: string[];
}

/** Rows per text piece: big enough to keep the piece count low, small enough to stream. */
const ROWS_PER_PIECE = 1000;

/**
 * The backup file's text (format version 2, see backup-format.ts) in pieces, made as they are
 * read: one piece holds a thousand rows, so the whole text never sits in memory at once.
 * A row that would fail validation on import (damaged outside the app) is left out and named in
 * `report`, so every file this makes can be imported again.
 */
export function writeBackup(source: BackupSource): { pieces: Iterable<string>; report: WriteReport } {
  const report: WriteReport = { cards: 0, reviews: 0, leftOut: [] };
  return { pieces: pieces(source, report), report };
}

function* pieces(source: BackupSource, report: WriteReport): Generator<string> {
  const { rows } = source;
  const head = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: source.exportedAt,
    device: source.device.slice(0, 300),
    schemaVersion: source.schemaVersion,
    columns: { cards: CARD_COLUMNS, reviews: REVIEW_COLUMNS },
    settings: source.settings,
  };
  yield JSON.stringify(head).slice(0, -1);

  const leaveOut = (field: string, what: string) => (row: unknown) => {
    const key = (row as Record<string, unknown> | null)?.[field];
    report.leftOut.push(`${what} ${typeof key === 'string' ? JSON.stringify(key) : '(no id)'}`);
  };
  const cardIds = new Set<string>();
  yield* table('cards', rows.cards, CardSchema, leaveOut('id', 'card'), (card) => {
    cardIds.add(card.id);
    report.cards++;
    return cardColumns(card);
  });
  const configs = new Map<string, number>();
  yield* table('reviews', rows.reviews, ReviewSchema, leaveOut('id', 'review'), (review) => {
    if (!cardIds.has(review.cardId)) {
      report.leftOut.push(`review ${JSON.stringify(review.id)} (its card ${JSON.stringify(review.cardId)} is missing or damaged)`);
      return null;
    }
    let at = configs.get(review.config);
    if (at === undefined) configs.set(review.config, (at = configs.size));
    report.reviews++;
    return reviewColumns(review, at);
  });
  yield `,\n"configs":${JSON.stringify([...configs.keys()])}`;
  yield* table('notes', rows.notes, NoteSchema, leaveOut('questionId', 'note of'), (row) => row);
  yield* table('flags', rows.flags, FlagSchema, leaveOut('questionId', 'flag of'), (row) => row);
  yield* table('customQuestions', rows.customQuestions, CustomQuestionSchema, leaveOut('id', 'own question'), (row) => row);
  yield '\n}\n';
}

/** `"name":[` then one row a line, a thousand rows a piece. */
function* table<S extends v.GenericSchema>(
  name: (typeof COLLECTION_TABLES)[number],
  rows: readonly unknown[],
  schema: S,
  leaveOut: (row: unknown) => void,
  encode: (row: v.InferOutput<S>) => unknown,
): Generator<string> {
  yield `,\n"${name}":[`;
  let lines: string[] = [];
  let any = false;
  for (const row of rows) {
    const result = v.safeParse(schema, row, { abortPipeEarly: true });
    const encoded = result.success ? encode(result.output) : (leaveOut(row), null);
    if (encoded === null) continue;
    lines.push(`\n${JSON.stringify(encoded)}`);
    if (lines.length === ROWS_PER_PIECE) {
      yield (any ? ',' : '') + lines.join(',');
      any = true;
      lines = [];
    }
  }
  if (lines.length) {
    yield (any ? ',' : '') + lines.join(',');
    any = true;
  }
  yield any ? '\n]' : ']';
}

/** A whole backup's file text in pieces (joined, the JSON of the file). */
export function serializeBackup(backup: Backup): string[] {
  const { settings, exportedAt, device, schemaVersion } = backup;
  return [...writeBackup({ rows: backup, settings, exportedAt, device, schemaVersion }).pieces];
}
