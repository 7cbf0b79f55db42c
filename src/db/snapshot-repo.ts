import type { MemoryState } from '../core/scheduling/fsrs.ts';
import type { Backup } from '../core/backup/backup-format.ts';
import { mayReplaceSnapshot, snapshotDue, type SnapshotInfo, type SnapshotReason } from '../core/backup/snapshot-policy.ts';
import type { RehearseDb } from './database.ts';
import { UNDO_INFO_KEY, backupPieces } from './backup-read.ts';
import { hasReviews } from './reviews-marker.ts';
import { getMeta, loadSettings } from './settings-repo.ts';
import { snapshotStoreFor } from './snapshot-store.ts';

// The backup machinery (compression, parsing) is imported on use: the daily check runs at every
// launch and must not put Settings' code into the first screen's JavaScript.

/** What the backup's `device` field says for a snapshot (the preview shows "Made … on <this>"). */
export const SNAPSHOT_DEVICE = 'this device (automatic snapshot)';

export function loadSnapshotInfo(db: RehearseDb): Promise<SnapshotInfo | null> {
  return snapshotStoreFor(db).readInfo();
}

const listeners = new Set<() => void>();

/** Called after this page replaced the snapshot (OPFS has no change events for live queries). */
export function onSnapshotChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** When the collection was last replaced here (the undo record of backup-repo), or null. */
async function loadLastReplaceAt(db: RehearseDb): Promise<number | null> {
  const info = await getMeta<{ takenAt?: unknown } | null>(db, UNDO_INFO_KEY);
  return typeof info?.takenAt === 'number' ? info.takenAt : null;
}

export type SnapshotOutcome =
  | { made: true; info: SnapshotInfo }
  /** not-due: the daily one was made this study day, or there is nothing to keep. kept: the database has fewer reviews than the snapshot kept (emptied, or studied on after a wipe) and no Replace explains it. */
  | { made: false; why: 'not-due' | 'kept' };

/** One snapshot at a time per database: a Replace waits for a daily one under way, never interleaves with it. */
const queues = new Map<string, Promise<unknown>>();

function queued<T>(db: RehearseDb, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(db.name) ?? Promise.resolve();
  const next = previous.then(work, work);
  queues.set(db.name, next.catch(() => undefined));
  return next;
}

/**
 * Replaces the snapshot with the collection as it is now: the content of a backup file
 * (backupPieces), compressed, in the snapshot database. An empty collection never takes the place
 * of a snapshot with reviews (the wipe case). Throws when the snapshot cannot be stored.
 */
export function makeSnapshot(db: RehearseDb, now: number, reason: SnapshotReason): Promise<SnapshotOutcome> {
  return queued(db, () => makeNow(db, now, reason));
}

async function makeNow(db: RehearseDb, now: number, reason: SnapshotReason): Promise<SnapshotOutcome> {
  const [kept, lastReplaceAt] = await Promise.all([loadSnapshotInfo(db), loadLastReplaceAt(db)]);
  // An emptied database is found with one key read, before reading everything; the rule is then applied to what was read.
  if (kept && kept.reviews > 0 && !(await hasReviews(db))) return { made: false, why: 'kept' };
  const [{ pieces, report }, { makeBackupFile }] = await Promise.all([
    backupPieces(db, now, SNAPSHOT_DEVICE),
    import('./backup-file.ts'),
  ]);
  const file = await makeBackupFile(pieces);
  if (!mayReplaceSnapshot(kept, { reviews: report.reviews, lastReplaceAt })) return { made: false, why: 'kept' };
  const info: SnapshotInfo = { madeAt: now, reviews: report.reviews, cards: report.cards, bytes: file.blob.size, compressed: file.compressed, reason };
  await snapshotStoreFor(db).write(file.blob, info);
  for (const listener of listeners) listener();
  return { made: true, info };
}

/**
 * The daily snapshot, when it is due (core/backup/snapshot-policy.ts): reviews exist and the
 * snapshot kept is from an earlier study day. Call it at an idle moment, never during a grade.
 */
export function takeDailySnapshot(db: RehearseDb, now: number): Promise<SnapshotOutcome> {
  return queued(db, async () => {
    const [last, present, { settings }] = await Promise.all([loadSnapshotInfo(db), hasReviews(db), loadSettings(db)]);
    if (!snapshotDue({ last, hasReviews: present, dayStartHour: settings.dayStartHour, now })) return { made: false, why: 'not-due' };
    return makeNow(db, now, 'daily');
  });
}

export type ReadSnapshotResult =
  | { ok: true; info: SnapshotInfo; backup: Backup; correctedCards: number; settingsProblems: string[]; replayed: ReadonlyMap<string, MemoryState> }
  | { ok: false; error: string; details: string[] };

/**
 * The snapshot, unpacked and validated exactly like a chosen backup file. Never throws: a missing
 * or damaged snapshot comes back as a message, and nothing is changed.
 */
export async function readSnapshot(db: RehearseDb): Promise<ReadSnapshotResult> {
  const store = snapshotStoreFor(db);
  let info: SnapshotInfo | null;
  let bytes: Blob | null;
  try {
    [info, bytes] = await Promise.all([store.readInfo(), store.readBytes()]);
  } catch (error) {
    return { ok: false, error: `The automatic snapshot could not be read (${(error as Error)?.name ?? 'error'}). Nothing was changed.`, details: [] };
  }
  if (!info || !bytes) {
    return { ok: false, error: 'There is no automatic snapshot on this device. Nothing was changed.', details: [] };
  }
  const [{ readBackupFile }, { parseBackup }] = await Promise.all([import('./backup-file.ts'), import('../core/backup/parse-backup.ts')]);
  const damaged = 'The automatic snapshot is damaged and cannot be restored. Nothing was changed.';
  const read = await readBackupFile(bytes);
  if (!read.ok) return { ok: false, error: damaged, details: [read.error] };
  const parsed = parseBackup(read.text);
  if (!parsed.ok) return { ok: false, error: damaged, details: parsed.errors };
  return { ok: true, info, backup: parsed.value, correctedCards: parsed.correctedCards, settingsProblems: parsed.settingsProblems, replayed: parsed.replayed };
}
