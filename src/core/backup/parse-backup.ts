import * as v from 'valibot';
import type { Settings } from '../settings.ts';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupSchema,
  CardSchema,
  CustomQuestionSchema,
  FlagSchema,
  MAX_BACKUP_BYTES,
  NoteSchema,
  ReviewSchema,
  type Backup,
  type Collection,
} from './backup-format.ts';

export type ParseBackupResult = { ok: true; value: Backup } | { ok: false; errors: string[] };

const NOT_A_BACKUP = 'This file is not a Rehearse backup';
/** A wrecked file can have a million problems; the first few say enough. */
const MAX_MESSAGES = 20;

/**
 * Reads a backup file's text and validates every field. Never throws: a bad file gives
 * messages a person can act on, each naming the place, e.g. "reviews[12].rating must be 1–4".
 */
export function parseBackup(text: unknown, maxBytes: number = MAX_BACKUP_BYTES): ParseBackupResult {
  try {
    return parseUnchecked(text, maxBytes);
  } catch (error) {
    // Whatever a hostile file manages to provoke (e.g. stack exhaustion) still ends as a message.
    return { ok: false, errors: [`${NOT_A_BACKUP}: it could not be read (${errorName(error)}).`] };
  }
}

function parseUnchecked(text: unknown, maxBytes: number): ParseBackupResult {
  if (typeof text !== 'string') return fail(`${NOT_A_BACKUP}: it is not a text file.`);
  if (exceedsBytes(text, maxBytes)) return fail(tooLargeMessage(maxBytes));
  const body = text.replace(/^\uFEFF/, '');
  if (!body.trim()) return fail(`${NOT_A_BACKUP}: it is empty.`);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return fail(`${NOT_A_BACKUP}: it is not valid JSON (truncated?)`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail(`${NOT_A_BACKUP}: it holds ${Array.isArray(data) ? 'a list' : data === null ? 'null' : `a single ${typeof data}`}, not a backup.`);
  }
  const header = data as { format?: unknown; version?: unknown };
  if (header.format !== BACKUP_FORMAT) {
    return fail(`${NOT_A_BACKUP}: it lacks the "format": "${BACKUP_FORMAT}" marker that every backup starts with.`);
  }
  if (typeof header.version === 'number' && Number.isFinite(header.version) && header.version > BACKUP_VERSION) {
    return fail(
      `This backup was made by a newer version of Rehearse (backup format ${header.version}; this version reads format ${BACKUP_VERSION}). Update Rehearse (reload it while online), then import the file again.`,
    );
  }
  // One problem per field is enough to act on.
  const result = v.safeParse(BackupSchema, data, { abortPipeEarly: true });
  if (!result.success) return { ok: false, errors: limit(result.issues.map(describeIssue)) };
  const problems = crossCheck(result.output);
  if (problems.length) return { ok: false, errors: limit(problems) };
  return { ok: true, value: result.output };
}

function fail(message: string): ParseBackupResult {
  return { ok: false, errors: [message] };
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && name ? name : 'unexpected error';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} kB`;
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

export function tooLargeMessage(maxBytes: number, actualBytes?: number): string {
  const size = actualBytes === undefined ? 'larger than' : `${formatBytes(actualBytes)}, more than`;
  return `${NOT_A_BACKUP}: it is ${size} the ${formatBytes(maxBytes)} a backup can be.`;
}

/** UTF-8 size, stopping as soon as it passes the limit. */
function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > maxBytes) return true;
  }
  return false;
}

function limit(messages: string[]): string[] {
  const unique = [...new Set(messages)];
  if (unique.length <= MAX_MESSAGES) return unique;
  return [...unique.slice(0, MAX_MESSAGES), `…and ${unique.length - MAX_MESSAGES} more problems.`];
}

const EXPECTED: Record<string, string> = {
  Object: 'an object',
  Array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** "reviews[12].rating" from valibot's path. */
function pathOf(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = pathOf(issue);
  let message = issue.message;
  if (issue.received === 'undefined') return path ? `${path} is missing` : 'a value is missing';
  if (message.startsWith('Invalid ')) {
    // valibot's default wording quotes the input, which may be anything; say what was expected.
    const expected = (issue.expected ?? '')
      .split(' | ')
      .map((e) => EXPECTED[e] ?? e)
      .join(' or ')
      .slice(0, 80);
    message = `must be ${expected || 'something else'}`;
  }
  if (!path) return message;
  return /^(must|is|has|cannot|needs)\b/.test(message) ? `${path} ${message}` : `${path}: ${message}`;
}

function crossCheck(backup: Backup): string[] {
  const problems: string[] = [];
  const duplicates = <T>(table: string, rows: readonly T[], keyOf: (row: T) => string, what: string) => {
    const first = new Map<string, number>();
    rows.forEach((row, index) => {
      const key = keyOf(row);
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, index);
      else problems.push(`${table}[${index}] has the same ${what} as ${table}[${earlier}] (${JSON.stringify(key.slice(0, 80))})`);
    });
    return first;
  };
  const cards = duplicates('cards', backup.cards, (c) => c.id, 'id');
  duplicates('reviews', backup.reviews, (r) => r.id, 'id');
  duplicates('notes', backup.notes, (n) => n.questionId, 'questionId');
  duplicates('flags', backup.flags, (f) => f.questionId, 'questionId');
  duplicates('customQuestions', backup.customQuestions, (q) => q.id, 'id');
  backup.reviews.forEach((review, index) => {
    if (!cards.has(review.cardId)) {
      problems.push(`reviews[${index}] is for card ${JSON.stringify(review.cardId.slice(0, 80))}, which is not among the backup's cards`);
    }
  });
  return problems;
}

/** Rows as read from the database: checked here, because damaged rows must not make a backup unreadable. */
export interface RawCollection {
  cards: readonly unknown[];
  reviews: readonly unknown[];
  notes: readonly unknown[];
  flags: readonly unknown[];
  customQuestions: readonly unknown[];
}

/**
 * Assembles a backup from stored rows. A row that would fail validation on import (damaged
 * outside the app) is left out and named, so every file this makes can be imported again.
 */
export function buildBackup(input: {
  rows: RawCollection;
  settings: Settings;
  exportedAt: number;
  device: string;
  schemaVersion: number;
}): { backup: Backup; leftOut: string[] } {
  const leftOut: string[] = [];
  const keep = <S extends v.GenericSchema>(schema: S, rows: readonly unknown[], label: (row: unknown) => string): v.InferOutput<S>[] => {
    const kept: v.InferOutput<S>[] = [];
    for (const row of rows) {
      const result = v.safeParse(schema, row, { abortPipeEarly: true });
      if (result.success) kept.push(result.output);
      else leftOut.push(label(row));
    }
    return kept;
  };
  const name = (field: string, what: string) => (row: unknown) => {
    const key = (row as Record<string, unknown> | null)?.[field];
    return `${what} ${typeof key === 'string' ? JSON.stringify(key) : '(no id)'}`;
  };
  const cards = keep(CardSchema, input.rows.cards, name('id', 'card'));
  const cardIds = new Set(cards.map((c) => c.id));
  const reviews = keep(ReviewSchema, input.rows.reviews, name('id', 'review')).filter((r) => {
    if (cardIds.has(r.cardId)) return true;
    leftOut.push(`review ${JSON.stringify(r.id)} (its card ${JSON.stringify(r.cardId)} is missing or damaged)`);
    return false;
  });
  const collection: Collection = {
    cards,
    reviews,
    notes: keep(NoteSchema, input.rows.notes, name('questionId', 'note of')),
    flags: keep(FlagSchema, input.rows.flags, name('questionId', 'flag of')),
    customQuestions: keep(CustomQuestionSchema, input.rows.customQuestions, name('id', 'own question')),
  };
  const backup: Backup = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: input.exportedAt,
    device: input.device.slice(0, 300),
    schemaVersion: input.schemaVersion,
    settings: input.settings,
    ...collection,
  };
  return { backup, leftOut };
}
