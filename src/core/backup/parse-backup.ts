import * as v from 'valibot';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  CARD_COLUMNS,
  CardSchema,
  HeadV1Schema,
  HeadV2Schema,
  MAX_BACKUP_TEXT_BYTES,
  REVIEW_COLUMNS,
  ReviewSchema,
  cardFromColumns,
  reviewFromColumns,
  type Backup,
  type BackupCard,
  type BackupReview,
} from './backup-format.ts';
import { reconcileCards } from './reconcile-cards.ts';
import { DEFAULT_SETTINGS, settingsFromStored } from '../settings.ts';
import type { MemoryState } from '../scheduling/fsrs.ts';

/**
 * `correctedCards`: cards whose stated state contradicts their log (an import rebuilds them).
 * `settingsProblems`: the file's settings that are invalid, each saying which default replaces it.
 * `replayed`: each logged card's state replayed from its log, for importBackup (so an import
 * does not replay the whole file a second time).
 */
export type ParseBackupResult =
  | { ok: true; value: Backup; correctedCards: number; settingsProblems: string[]; replayed: ReadonlyMap<string, MemoryState> }
  | { ok: false; errors: string[] };

const NOT_A_BACKUP = 'This file is not a Rehearse backup';
/** A wrecked file can have a million problems; the first few say enough. */
const MAX_MESSAGES = 20;

/**
 * Reads a backup file's text and validates every field. Never throws: a bad file gives
 * messages a person can act on, each naming the place, e.g. "reviews[12].rating must be 1–4".
 */
export function parseBackup(text: unknown, maxBytes: number = MAX_BACKUP_TEXT_BYTES): ParseBackupResult {
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
      `This backup was made by a newer version of Rehearse (backup format ${header.version}; this version reads formats up to ${BACKUP_VERSION}). Update Rehearse (reload it while online), then import the file again.`,
    );
  }
  // Without a known version no row can be read the right way: one message, not one per row.
  if (header.version !== 1 && header.version !== 2) {
    return fail(`version must be 1 or 2 (this file says ${JSON.stringify(header.version ?? null).slice(0, 40)}), so none of its rows can be read.`);
  }
  return validate(data as Record<string, unknown>);
}

/**
 * Checks every field. Card and review rows are checked one at a time and replaced in place by
 * their checked copies: a million reviews are then held once, not twice.
 */
function validate(data: Record<string, unknown>): ParseBackupResult {
  const columns = data.version === 2;
  // One problem per field is enough to act on.
  const head = v.safeParse(columns ? HeadV2Schema : HeadV1Schema, data, { abortPipeEarly: true });
  const problems = head.success ? [] : head.issues.map((issue) => describeIssue(issue));
  const configs = Array.isArray(data.configs) ? (data.configs as unknown[]) : [];
  const cards = checkRows<BackupCard>('cards', data.cards, CardSchema, problems, columns ? cardFromColumns : undefined);
  const reviews = checkRows<BackupReview>('reviews', data.reviews, ReviewSchema, problems, columns ? (row) => reviewFromColumns(row, configs) : undefined);
  if (!head.success || problems.length) return { ok: false, errors: limit(problems) };
  const { format, version, exportedAt, device, schemaVersion, notes, flags, customQuestions } = head.output;
  const { settings, problems: settingsProblems } =
    head.output.settings === undefined
      ? { settings: DEFAULT_SETTINGS, problems: ['Settings: missing from the file, using the defaults for every setting'] }
      : settingsFromStored(head.output.settings);
  const backup: Backup = { format, version, exportedAt, device, schemaVersion, settings, cards, reviews, notes, flags, customQuestions };
  const clashes = crossCheck(backup);
  if (clashes.length) return { ok: false, errors: limit(clashes) };
  // Every card must be the replay of its log; a log that cannot be replayed is refused here.
  const { corrected, unreplayable, replayed } = reconcileCards(backup.cards, backup.reviews, backup.exportedAt);
  if (unreplayable.length) {
    return {
      ok: false,
      errors: limit(unreplayable.map(({ id, reason }) => `card ${JSON.stringify(id)} has a review log that cannot be replayed (${reason.slice(0, 120)})`)),
    };
  }
  return { ok: true, value: backup, correctedCards: corrected.length, settingsProblems, replayed };
}

/** Validates a table's rows in place; a version 2 row is first turned from columns into an object. */
function checkRows<T>(
  table: string,
  rows: unknown,
  schema: v.GenericSchema,
  problems: string[],
  fromColumns?: (row: unknown) => Record<string, unknown> | null | 'config',
): T[] {
  if (!Array.isArray(rows)) return [];
  for (let i = 0; i < rows.length; i++) {
    let row: unknown = rows[i];
    if (fromColumns) {
      const object = fromColumns(row);
      if (object === null) {
        const count = table === 'cards' ? CARD_COLUMNS.length : REVIEW_COLUMNS.length;
        problems.push(`${table}[${i}] must be a list of ${count} values`);
        continue;
      }
      if (object === 'config') {
        problems.push(`${table}[${i}].config must be the position of a schedule in configs`);
        continue;
      }
      row = object;
    }
    const result = v.safeParse(schema, row, { abortPipeEarly: true });
    if (result.success) rows[i] = result.output;
    else for (const issue of result.issues) problems.push(describeIssue(issue, `${table}[${i}]`));
  }
  return rows as T[];
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

/** "reviews[12].rating" from valibot's path, after `prefix` when the row was checked on its own. */
function pathOf(issue: v.BaseIssue<unknown>, prefix: string): string {
  let out = prefix;
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function describeIssue(issue: v.BaseIssue<unknown>, prefix = ''): string {
  const path = pathOf(issue, prefix);
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
