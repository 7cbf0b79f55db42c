import type { Table } from 'dexie';
import type { Backup, BackupCard, Collection } from '../core/backup/backup-format.ts';
import type { MergeCounts } from '../core/backup/merge-backup.ts';
import type { WriteReport } from '../core/backup/write-backup.ts';
import type { BackupStatus } from '../core/backup/backup-nudge.ts';
import type { MemoryState } from '../core/scheduling/fsrs.ts';
import { mergedLogState } from '../core/backup/reconcile-cards.ts';
import type { Settings } from '../core/settings.ts';
import { bucketOf, type CardRow, type RehearseDb, type ReviewRow } from './database.ts';
import { memoryOf, syncBankCards } from './cards-repo.ts';
import { loadCollectionSize } from './stats-repo.ts';
import { getMeta, loadSettings, setMeta, updateSettings } from './settings-repo.ts';
import { hasReviews, markReviews } from './reviews-marker.ts';
import { noteLocalReplace, queueReviews, refuseReplaceWhileSyncing } from './sync-repo.ts';
import { UNDO_INFO_KEY, allTables, backupPieces } from './backup-read.ts';
import { loadSnapshotInfo, makeSnapshot } from './snapshot-repo.ts';

// The backup machinery (schemas, merge, CSV) is imported on use: Today shows loadBackupStatus,
// and the first screen must not carry code that only Settings needs.

/** Meta keys (in the settings table) this module owns. */
const LAST_BACKUP_KEY = 'lastBackupAt';
/** The whole collection as it was before the last replace (large; read only to undo). */
const UNDO_KEY = 'undoReplace';
/** Cleared after an import so the bank sync runs again over the imported cards. */
const BANK_VERSION_KEY = 'bankVersion';


export interface ExportResult<T> extends WriteReport {
  /** What `save` made of the file's text (e.g. a compressed file). */
  saved: T;
  /** Set when the backup was made but its time could not be recorded. */
  warning: string | null;
}

/**
 * Makes the backup (see backupPieces), hands its text to `save`, and once that succeeds records
 * when the backup was made. Without `save` the text is made and dropped (the time is still recorded).
 */
export async function exportBackup<T = undefined>(
  db: RehearseDb,
  now: number,
  device: string,
  save?: (pieces: Iterable<string>) => Promise<T>,
): Promise<ExportResult<T>> {
  const [{ pieces, report }, { backupFailureMessage }] = await Promise.all([
    backupPieces(db, now, device),
    import('../core/backup/storage-errors.ts'),
  ]);
  const saved = save ? await save(pieces) : drain<T>(pieces);
  let warning: string | null = null;
  try {
    await setMeta(db, LAST_BACKUP_KEY, now);
  } catch (error) {
    warning = backupFailureMessage(error, 'export');
  }
  return { saved, ...report, warning };
}

/** Makes the text and drops it, so the report of what went in is complete. */
function drain<T>(pieces: Iterable<string>): T {
  for (const piece of pieces) void piece;
  return undefined as T;
}

/** The review log as CSV pieces (see core/backup/review-log-csv.ts). */
export async function exportReviewLogCsv(db: RehearseDb): Promise<string[]> {
  const { reviewLogCsv } = await import('../core/backup/review-log-csv.ts');
  const reviews = await db.reviews.toArray();
  const sound = reviews.filter(
    (r) =>
      typeof r?.cardId === 'string' && Number.isFinite(r.reviewedAt) && Number.isFinite(r.rating) &&
      Number.isFinite(r.durationMs) && Number.isFinite(r.before?.state),
  );
  return reviewLogCsv(sound);
}

export interface UndoInfo {
  takenAt: number;
  cards: number;
  reviews: number;
}

export interface LocalBackupStatus extends BackupStatus {
  reviewCount: number;
  cardCount: number;
  /** Present while the data from before the last replace is kept. */
  undo: UndoInfo | null;
}

/**
 * What the Today reminder needs: two metadata reads and the first and last review by
 * index. No store counts: IndexedDB counts by walking every row (seconds at 1M reviews).
 */
export async function loadBackupReminderStatus(db: RehearseDb): Promise<BackupStatus> {
  return db.transaction('r', db.reviews, db.settings, async () => {
    const [lastBackupAt, first, last] = await Promise.all([
      getMeta<number | null>(db, LAST_BACKUP_KEY),
      db.reviews.orderBy('reviewedAt').first(),
      db.reviews.orderBy('reviewedAt').last(),
    ]);
    return {
      lastBackupAt: typeof lastBackupAt === 'number' ? lastBackupAt : null,
      firstReviewAt: first ? first.reviewedAt : null,
      lastReviewAt: last ? last.reviewedAt : null,
    };
  });
}

/** Everything Settings shows: the reminder's status plus the collection's size and the undo snapshot. */
export async function loadBackupStatus(db: RehearseDb): Promise<LocalBackupStatus> {
  return db.transaction('r', db.cards, db.reviews, db.cardDigest, db.reviewTallies, db.settings, async () => {
    const [reminder, undo, size] = await Promise.all([
      loadBackupReminderStatus(db),
      getMeta<UndoInfo | null>(db, UNDO_INFO_KEY),
      loadCollectionSize(db),
    ]);
    return {
      ...reminder,
      reviewCount: size.reviews,
      cardCount: size.cards,
      undo: undo && typeof undo.takenAt === 'number' ? undo : null,
    };
  });
}

export type ImportMode = 'merge' | 'replace';

export interface ImportResult {
  mode: ImportMode;
  /** For a merge: rows only the backup had. For a replace: everything now stored. */
  added: MergeCounts;
  /** For a merge: notes and own questions replaced by newer versions from the backup. */
  updated: Pick<MergeCounts, 'notes' | 'customQuestions'>;
  /** Cards whose log could not be replayed (damaged local rows); they keep their stored state. */
  notReplayed: string[];
  /** Backup cards whose stated state contradicted their own log: rebuilt from the log. */
  corrected: number;
}

interface Snapshot {
  takenAt: number;
  settings: Settings;
  cards: CardRow[];
  reviews: ReviewRow[];
  notes: Collection['notes'];
  flags: Collection['flags'];
  customQuestions: Collection['customQuestions'];
}

/** Whatever the bank sync accepts. */
type BankLike = Parameters<typeof syncBankCards>[1];

function toCardRow(card: BackupCard): CardRow {
  return { ...card, bucket: bucketOf(card) };
}

async function readCollection(db: RehearseDb): Promise<Collection<CardRow, ReviewRow>> {
  const [cards, reviews, notes, flags, customQuestions] = await Promise.all([
    db.cards.toArray(),
    db.reviews.toArray(),
    db.notes.toArray(),
    db.flags.toArray(),
    db.customQuestions.toArray(),
  ]);
  return { cards, reviews, notes, flags, customQuestions };
}

/** Rows per bulk write: a merge of half a million reviews is queued in steps, not all at once. */
const WRITE_BATCH = 10_000;

async function addInBatches<T>(table: Table<T>, rows: readonly T[]): Promise<void> {
  for (let start = 0; start < rows.length; start += WRITE_BATCH) await table.bulkAdd(rows.slice(start, start + WRITE_BATCH));
}

async function putInBatches<T>(table: Table<T>, rows: readonly T[]): Promise<void> {
  for (let start = 0; start < rows.length; start += WRITE_BATCH) await table.bulkPut(rows.slice(start, start + WRITE_BATCH));
}

async function writeCollection(db: RehearseDb, data: Collection<CardRow, ReviewRow>, settings: Settings): Promise<void> {
  await Promise.all([db.cards.clear(), db.reviews.clear(), db.notes.clear(), db.flags.clear(), db.customQuestions.clear()]);
  const saved = await updateSettings(db, settings);
  if (!saved.ok) throw new Error(`the settings are invalid (${saved.errors.join('; ')})`);
  await addInBatches(db.cards, data.cards);
  await addInBatches(db.reviews, data.reviews);
  await db.notes.bulkAdd(data.notes);
  await db.flags.bulkAdd(data.flags);
  await db.customQuestions.bulkAdd(data.customQuestions);
}

/** Afterwards the bank sync runs again, so imported cards match the questions this version ships. */
async function resync(db: RehearseDb, bank: BankLike | undefined, now: number): Promise<void> {
  await setMeta(db, BANK_VERSION_KEY, null);
  if (bank) await syncBankCards(db, bank, now);
}

function sameMemory(a: MemoryState, b: MemoryState): boolean {
  const x = memoryOf(a);
  const y = memoryOf(b);
  return (Object.keys(x) as (keyof MemoryState)[]).every((k) => Object.is(x[k], y[k]));
}

/** Cards whose logs are read and replayed at once: bounded memory, and each read overlaps a replay. */
const REPLAY_BATCH = 1000;

/** Index of the first entry of a sorted list that is not below `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The stored logs of a batch of cards (sorted ids). When the batch covers most cards between its
 * first and last id (a merge that touched most of the collection), one read of that cardId
 * range beats hundreds of small reads; otherwise each card's log is read on its own.
 */
async function readLogs(db: RehearseDb, ids: readonly string[], allCardIds: readonly string[]): Promise<ReviewRow[][]> {
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  const span = lowerBound(allCardIds, last) - lowerBound(allCardIds, first) + 1;
  if (ids.length < 20 || span > 2 * ids.length) return Promise.all(ids.map((id) => db.reviews.where('cardId').equals(id).toArray()));
  const byCard = new Map<string, ReviewRow[]>(ids.map((id) => [id, []]));
  for (const review of await db.reviews.where('cardId').between(first, last, true, true).toArray()) byCard.get(review.cardId)?.push(review);
  return ids.map((id) => byCard.get(id)!);
}

/** What a merge brings to the logs it replays (see mergedLogState). */
interface Joining {
  /** Reviews not stored yet that join the stored logs, by card. */
  added: ReadonlyMap<string, ReviewRow[]>;
  /** The incoming side's logs by card, and the states replayed from them. */
  incomingLogs: ReadonlyMap<string, ReviewRow[]>;
  incomingStates: ReadonlyMap<string, MemoryState>;
}

function groupByCard<T extends { cardId: string }>(rows: readonly T[]): Map<string, T[]> {
  const byCard = new Map<string, T[]>();
  for (const row of rows) {
    const list = byCard.get(row.cardId);
    if (list) list.push(row);
    else byCard.set(row.cardId, [row]);
  }
  return byCard;
}

/**
 * Replays the given cards, each once, in cardId order, a batch at a time: the next batch's
 * logs are read while this one is replayed. Each log is the stored one, joined (for a merge)
 * with the reviews that are not stored yet. `newCards` holds cards not stored yet; they take
 * their replayed state. A batch's cards whose state changed (and its new cards) go to `write`
 * once replayed (at most one batch of writes in flight), or are returned when there is none.
 * A log that cannot be replayed leaves its card as it was, named in `notReplayed`.
 */
async function replayCards(
  db: RehearseDb,
  unsortedIds: readonly string[],
  localCardIds: readonly string[],
  options: { newCards?: ReadonlyMap<string, CardRow>; joining?: Joining; write?: (ids: string[], cards: CardRow[]) => Promise<void> } = {},
): Promise<{ changed: CardRow[]; notReplayed: string[] }> {
  const newCards = options.newCards ?? new Map<string, CardRow>();
  const changed: CardRow[] = [];
  const notReplayed: string[] = [];
  const cardIds = [...unsortedIds].sort();
  const allCardIds = newCards.size ? [...localCardIds, ...newCards.keys()].sort() : localCardIds;
  const batches: string[][] = [];
  for (let start = 0; start < cardIds.length; start += REPLAY_BATCH) batches.push(cardIds.slice(start, start + REPLAY_BATCH));
  const read = (ids: string[]) => Promise.all([db.cards.bulkGet(ids), readLogs(db, ids, allCardIds)]);
  let reading = batches.length ? read(batches[0]!) : null;
  // Where the time goes (the merge bench prints it): waiting for reads, replaying, waiting for writes.
  const spent = { reads: 0, replay: 0, writes: 0 };
  let writing: Promise<void> = Promise.resolve();
  try {
    for (let b = 0; b < batches.length; b++) {
      const ids = batches[b]!;
      let at = performance.now();
      const [stored, logs] = await reading!;
      spent.reads += performance.now() - at;
      at = performance.now();
      // Queued before the replay below: IndexedDB reads the next logs while this batch replays.
      reading = b + 1 < batches.length ? read(batches[b + 1]!) : null;
      const out: CardRow[] = [];
      ids.forEach((id, i) => {
        const fresh = newCards.get(id);
        const card = fresh ?? stored[i];
        const local = logs[i]!;
        const added = options.joining?.added.get(id) ?? [];
        if (!card || (!local.length && !added.length)) return;
        const incomingLog = options.joining?.incomingLogs.get(id);
        const incomingState = options.joining?.incomingStates.get(id);
        let next: CardRow;
        try {
          const memory = mergedLogState(id, local, added, incomingLog && incomingState ? { log: incomingLog, state: incomingState } : undefined);
          next = { ...card, ...memory, bucket: bucketOf({ ...card, ...memory }) };
        } catch {
          notReplayed.push(id);
          if (fresh) out.push(fresh);
          return;
        }
        if (fresh || !sameMemory(card, next) || card.bucket !== next.bucket) out.push(next);
      });
      spent.replay += performance.now() - at;
      if (!options.write) {
        changed.push(...out);
        continue;
      }
      at = performance.now();
      await writing;
      spent.writes += performance.now() - at;
      writing = options.write(ids, out);
    }
    const at = performance.now();
    await writing;
    spent.writes += performance.now() - at;
  } finally {
    // A failed write ends the loop with a read still queued: the transaction is aborting anyway.
    reading?.catch(() => undefined);
  }
  for (const [name, ms] of Object.entries(spent)) record(`replay: ${name}`, ms);
  return { changed, notReplayed };
}

/**
 * Replays only these cards' logs (after sync brought or voided reviews); run inside the
 * caller's transaction. Returns the cards whose state changed, not yet written.
 */
export async function replayTouchedCards(db: RehearseDb, cardIds: readonly string[]): Promise<{ changed: CardRow[]; notReplayed: string[] }> {
  // The id list only steers how logs are read (one range or point reads), so small batches skip it.
  const known = cardIds.length < 20 ? [...cardIds].sort() : ((await db.cards.toCollection().primaryKeys()) as string[]);
  return replayCards(db, cardIds, known);
}

function counts(data: Collection<unknown, unknown>): MergeCounts {
  return {
    cards: data.cards.length,
    reviews: data.reviews.length,
    notes: data.notes.length,
    flags: data.flags.length,
    customQuestions: data.customQuestions.length,
  };
}

/**
 * Imports a validated backup in ONE read-write transaction over every table: it all happens
 * or nothing changes (a refused write, e.g. a full disk, rolls everything back).
 * - merge: the union of both logs; card states rebuilt by replay; newer notes and own
 *   questions win; what only this device has is kept; this device's settings stay.
 * - replace: this device becomes the backup (settings included), after keeping a snapshot of
 *   the current data that undoReplace restores.
 * Pass the bank to bring the imported cards in line with it at once (otherwise at next start).
 */
export async function importBackup(
  db: RehearseDb,
  backup: Backup,
  mode: ImportMode,
  now: number,
  bank?: BankLike,
  /** The states parseBackup replayed from this backup's logs: not replayed again. */
  replayed?: ReadonlyMap<string, MemoryState>,
): Promise<ImportResult> {
  let mark = performance.now();
  // Loaded before the transaction opens: only IndexedDB work may be awaited inside it.
  const [{ planMerge }, { reconcileCards }] = await Promise.all([
    import('../core/backup/merge-backup.ts'),
    import('../core/backup/reconcile-cards.ts'),
  ]);
  // The log is the truth: a card state that contradicts it never lands, whichever the mode.
  const reconciled = reconcileCards(backup.cards, backup.reviews, now, replayed);
  if (reconciled.unreplayable.length) {
    throw new Error(`${reconciled.unreplayable.length} card(s) have a review log that cannot be replayed. Nothing was changed.`);
  }
  mark = step('reconcile', mark);
  const corrected = reconciled.corrected.length;
  // Before a Replace, always: the automatic snapshot then holds what is about to go, outside this
  // database, so even the Replace can be undone from it. (An empty database keeps a snapshot with
  // reviews instead: that is the restore after a wipe.) No snapshot, no Replace.
  if (mode === 'replace') await refuseReplaceWhileSyncing(db);
  if (mode === 'replace') await snapshotBeforeReplace(db, now);
  if (mode === 'merge') await snapshotBeforeMerge(db, now);
  const incoming: Collection<CardRow, ReviewRow> = {
    cards: reconciled.cards.map(toCardRow),
    reviews: backup.reviews,
    notes: backup.notes,
    flags: backup.flags,
    customQuestions: backup.customQuestions,
  };
  const result = await db.transaction('rw', allTables(db), async () => {
    if (mode === 'replace') {
      await noteLocalReplace(db, now);
      const current = await readCollection(db);
      const { settings } = await loadSettings(db);
      const snapshot: Snapshot = { takenAt: now, settings, ...current };
      const info: UndoInfo = { takenAt: now, cards: current.cards.length, reviews: current.reviews.length };
      await setMeta(db, UNDO_KEY, snapshot);
      await setMeta(db, UNDO_INFO_KEY, info);
      await writeCollection(db, incoming, backup.settings);
      await resync(db, bank, now);
      return { mode, added: counts(incoming), updated: { notes: 0, customQuestions: 0 }, notReplayed: [], corrected };
    }
    // Keys only for cards and reviews: which ids exist is all a merge needs to know of them.
    const [cardIds, reviewIds, notes, flags, customQuestions] = await Promise.all([
      db.cards.toCollection().primaryKeys() as Promise<string[]>,
      db.reviews.toCollection().primaryKeys(),
      db.notes.toArray(),
      db.flags.toArray(),
      db.customQuestions.toArray(),
    ]);
    mark = step('read keys', mark);
    const plan = planMerge({ cardIds: new Set(cardIds), reviewIds: new Set(reviewIds), notes, flags, customQuestions }, incoming);
    const newCards = new Map(plan.toWrite.cards.map((card) => [card.id, card]));
    const joining: Joining = {
      added: groupByCard(plan.toWrite.reviews),
      incomingLogs: groupByCard(incoming.reviews),
      incomingStates: reconciled.replayed,
    };
    mark = step('plan', mark);
    // One pass over the touched cards in cardId order: each card's stored log is read once and
    // joined in memory with its new reviews, and each card replayed once. Every read comes before
    // any write: reads interleaved with writes in one transaction measured several times slower.
    const replayedCards = await replayCards(db, plan.toReplay, cardIds, { newCards, joining });
    mark = step('read and replay', mark);
    await addInBatches(db.reviews, plan.toWrite.reviews);
    await queueReviews(db, plan.toWrite.reviews, now);
    mark = step(`write ${plan.toWrite.reviews.length} reviews`, mark);
    for (const card of replayedCards.changed) newCards.delete(card.id);
    // Replayed cards, then cards that only the backup has and whose logs gained nothing here.
    await putInBatches(db.cards, [...replayedCards.changed, ...newCards.values()]);
    mark = step(`write ${replayedCards.changed.length + newCards.size} cards`, mark);
    await db.notes.bulkPut(plan.toWrite.notes);
    await db.flags.bulkPut(plan.toWrite.flags);
    await db.customQuestions.bulkPut(plan.toWrite.customQuestions);
    await resync(db, bank, now);
    mark = step('rest', mark);
    return { mode, added: plan.added, updated: plan.updated, notReplayed: replayedCards.notReplayed, corrected };
  });
  step('commit', mark);
  // Right after the commit, not when a screen next looks: a wipe soon after is still noticed.
  // A Replace with a backup of no reviews empties the log on purpose: no loss to report later.
  markReviews(db, await hasReviews(db));
  return result;
}

/** Puts a step of an import on the browser's performance timeline (the merge bench prints them). */
function step(name: string, since: number): number {
  const at = performance.now();
  record(name, at - since, since);
  return at;
}

function record(name: string, duration: number, start = performance.now() - duration): void {
  try {
    performance.measure(`rehearse:import:${name}`, { start, duration });
  } catch {
    // A timeline without measures (an old browser, a test environment): nothing to record.
  }
}

async function snapshotBeforeReplace(db: RehearseDb, now: number): Promise<void> {
  const { isQuotaError } = await import('../core/backup/storage-errors.ts');
  try {
    await makeSnapshot(db, now, 'before-replace');
  } catch (error) {
    if (isQuotaError(error)) throw error;
    const reason = (error as Error)?.message || String(error);
    throw new Error(`the automatic snapshot of your current data could not be saved first (${reason.slice(0, 150)})`);
  }
}

/**
 * Brings the automatic snapshot up to date before a Merge when reviews were made since it, so a
 * crash that costs the database mid-import loses none of them. A snapshot that cannot be saved
 * does not stop the Merge (which changes nothing on failure), except when storage is full, where
 * the Merge could not be saved either.
 */
async function snapshotBeforeMerge(db: RehearseDb, now: number): Promise<void> {
  const [{ isQuotaError }, { snapshotStaleForImport }, kept, latest] = await Promise.all([
    import('../core/backup/storage-errors.ts'),
    import('../core/backup/snapshot-policy.ts'),
    loadSnapshotInfo(db),
    db.reviews.orderBy('reviewedAt').last(),
  ]);
  if (!snapshotStaleForImport(kept, latest?.reviewedAt ?? null)) return;
  try {
    await makeSnapshot(db, now, 'before-merge');
  } catch (error) {
    if (isQuotaError(error)) throw error;
    console.error('the snapshot before a merge was not saved', error);
  }
}

export class UndoUnavailableError extends Error {}

/** Puts back the data as it was before the last replace, in one transaction, and forgets the snapshot. */
export async function undoReplace(db: RehearseDb, now: number, bank?: BankLike): Promise<MergeCounts> {
  const restored = await db.transaction('rw', allTables(db), async () => {
    const snapshot = await getMeta<Snapshot | null>(db, UNDO_KEY);
    if (!snapshot || !Array.isArray(snapshot.cards)) throw new UndoUnavailableError('There is no replace to undo.');
    await noteLocalReplace(db, now);
    const { takenAt: _takenAt, settings, ...data } = snapshot;
    await writeCollection(db, data, settings);
    await setMeta(db, UNDO_KEY, null);
    await setMeta(db, UNDO_INFO_KEY, null);
    await resync(db, bank, now);
    return counts(data);
  });
  markReviews(db, await hasReviews(db));
  return restored;
}
