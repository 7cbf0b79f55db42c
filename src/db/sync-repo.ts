import type { Table } from 'dexie';
import {
  SETTINGS_DOC_ID,
  SYNCED_SETTINGS,
  cardMetaDocId,
  kindOfDocId,
  mergeFields,
  questionDocId,
  reviewDoc,
  reviewDocId,
  sameFields,
  voidDocId,
  type Fields,
  type MutableDoc,
  type MutableKind,
  type SyncDoc,
} from '../core/sync/sync-docs.ts';
import { CARD_KINDS, cardId, type CardKind } from '../core/bank/cards.ts';
import { newMemory, type MemoryState } from '../core/scheduling/fsrs.ts';
import { appendedLogState } from '../core/backup/reconcile-cards.ts';
import { settingsFromStored, validateSettings, type Settings } from '../core/settings.ts';
import { bucketOf, type CardRow, type CustomQuestionRow, type OutboxRow, type RehearseDb, type ReviewRow } from './database.ts';

/**
 * Everything sync keeps in Dexie. Writers of synced data call `queue…`/`stamp…` inside their own
 * transaction (with `syncTables(db)` in its scope), so a write and its outbox entry commit together.
 * Dexie stays the source of truth; the server only ever sees what the outbox holds.
 */

export const ACCOUNT_ID = 'account';
export const CHECKPOINT_ID = 'checkpoint';
const SHADOW = 'doc:';
const VOIDED = 'void:';

export interface SyncAccount {
  /** Origin of the CouchDB server, e.g. https://couch.example.org */
  server: string;
  user: string;
  /** The learner's database name on that server. */
  database: string;
  /** False after Disconnect: the account is remembered so a reconnect cannot silently mix collections. */
  connected: boolean;
  lastSyncAt: number | null;
}

export function syncTables(db: RehearseDb): Table[] {
  return [db.outbox, db.syncState];
}

export async function loadAccount(db: RehearseDb): Promise<SyncAccount | null> {
  const row = await db.syncState.get(ACCOUNT_ID);
  return row ? (row.account as SyncAccount) : null;
}

export async function saveAccount(db: RehearseDb, account: SyncAccount): Promise<void> {
  await db.syncState.put({ id: ACCOUNT_ID, account });
}

/** Nothing is queued until the learner first connects: `seedOutbox` then queues everything. */
async function queueing(db: RehearseDb): Promise<boolean> {
  return !!(await db.syncState.get(ACCOUNT_ID));
}

export async function queueReviews(db: RehearseDb, reviews: readonly Pick<ReviewRow, 'id'>[], now: number): Promise<void> {
  if (!reviews.length || !(await queueing(db))) return;
  await db.outbox.bulkPut(reviews.map((r) => ({ docId: reviewDocId(r.id), queuedAt: now })));
}

/**
 * Undo of a review: if it never left this device, dropping it from the outbox is enough;
 * once it has, the other devices need a void event.
 */
export async function queueUndo(db: RehearseDb, review: Pick<ReviewRow, 'id' | 'cardId'>, now: number): Promise<void> {
  if (!(await queueing(db))) return;
  const pending = await db.outbox.get(reviewDocId(review.id));
  if (pending) {
    await db.outbox.delete(pending.docId);
    return;
  }
  await queueVoid(db, review, now);
}

async function queueVoid(db: RehearseDb, review: Pick<ReviewRow, 'id' | 'cardId'>, now: number): Promise<void> {
  const doc = { _id: voidDocId(review.id), kind: 'review-void' as const, reviewId: review.id, cardId: review.cardId, voidedAt: now };
  await db.outbox.put({ docId: doc._id, queuedAt: now, doc });
  await db.syncState.put({ id: VOIDED + review.id });
}

export async function readFields(db: RehearseDb, docId: string): Promise<Fields> {
  return ((await db.syncState.get(SHADOW + docId))?.fields as Fields | undefined) ?? {};
}

async function writeFields(db: RehearseDb, docId: string, fields: Fields): Promise<void> {
  await db.syncState.put({ id: SHADOW + docId, fields });
}

/**
 * Records local writes of fields of a mutable document (always: the times matter once sync starts).
 * A local write follows every value this device already holds, so each field is stamped after
 * the one it replaces even when the clock says otherwise (same millisecond, or a clock behind
 * the device that wrote it): otherwise the merge would keep the older value while the screen
 * shows the new one, and the devices would disagree. Returns the latest stamp written, which
 * callers keep as the row's time so every device stores the same row.
 */
export async function stampFields(db: RehearseDb, docId: string, changes: Record<string, unknown>, now: number): Promise<number> {
  const fields = { ...(await readFields(db, docId)) };
  let latest = now;
  for (const [key, value] of Object.entries(changes)) {
    const at = Math.max(now, (fields[key]?.at ?? -Infinity) + 1);
    fields[key] = { value, at };
    latest = Math.max(latest, at);
  }
  await writeFields(db, docId, fields);
  if (await queueing(db)) await requeue(db, docId, now);
  return latest;
}

/**
 * Queues a mutable document again. A push clears an entry only if its time is still the one it
 * read, so a rewrite must change that time even within the same millisecond (or with the clock
 * set back); otherwise the rewrite would be cleared unsent.
 */
async function requeue(db: RehearseDb, docId: string, now: number): Promise<void> {
  const queued = await db.outbox.get(docId);
  await db.outbox.put({ docId, queuedAt: queued && queued.queuedAt >= now ? queued.queuedAt + 1 : now });
}

export const stampCardMeta = (db: RehearseDb, questionId: string, changes: Record<string, unknown>, now: number) =>
  stampFields(db, cardMetaDocId(questionId), changes, now);

export const suspendedField = (kind: CardKind) => `suspended:${kind}`;

export function syncedSettingChanges(before: Settings, after: Settings): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of SYNCED_SETTINGS) if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = after[key];
  return changes;
}

// ---- connecting ----

/**
 * Queues the whole collection once, when the learner connects an account to this device.
 * Values written before sync existed get time 0, so any stamped write elsewhere wins over them.
 */
export async function seedOutbox(db: RehearseDb, now: number): Promise<number> {
  return db.transaction('rw', [db.reviews, db.notes, db.flags, db.cards, db.customQuestions, db.settings, ...syncTables(db)], async () => {
    const entries: OutboxRow[] = [];
    for (const id of (await db.reviews.toCollection().primaryKeys()) as string[]) entries.push({ docId: reviewDocId(id), queuedAt: now });
    const metas = new Map<string, Fields>();
    const meta = (questionId: string) => metas.get(questionId) ?? metas.set(questionId, {}).get(questionId)!;
    for (const n of await db.notes.toArray()) meta(n.questionId).note = { value: n.text, at: n.updatedAt };
    for (const f of await db.flags.toArray()) meta(f.questionId).flag = { value: f.flaggedAt, at: f.flaggedAt };
    await db.cards.filter((c) => c.suspended).each((c) => {
      meta(c.questionId)[suspendedField(c.kind)] = { value: true, at: 0 };
    });
    for (const [questionId, fields] of metas) entries.push(await seedShadow(db, cardMetaDocId(questionId), fields, now));
    for (const q of await db.customQuestions.toArray()) {
      entries.push(await seedShadow(db, questionDocId(q.id), { body: { value: q, at: q.updatedAt } }, now));
    }
    const stored = await db.settings.get('settings');
    if (stored) {
      const { settings } = settingsFromStored(stored.value);
      entries.push(await seedShadow(db, SETTINGS_DOC_ID, Object.fromEntries(SYNCED_SETTINGS.map((k) => [k, { value: settings[k], at: 0 }])), now));
    }
    await db.outbox.bulkPut(entries);
    return entries.length;
  });
}

async function seedShadow(db: RehearseDb, docId: string, fields: Fields, now: number): Promise<OutboxRow> {
  await writeFields(db, docId, mergeFields(await readFields(db, docId), fields));
  return { docId, queuedAt: now };
}

/** Forgets what was synced with an account (checkpoint, queue); local data stays. */
export async function resetSyncProgress(db: RehearseDb): Promise<void> {
  await db.transaction('rw', syncTables(db), async () => {
    await db.outbox.clear();
    await db.syncState.delete(CHECKPOINT_ID);
  });
}

// ---- replacing the collection from a backup ----

const REPLACED_ID = 'replaced';

export class ReplaceWhileSyncingError extends Error {
  constructor() {
    // Short: Settings → Backup shows at most 200 characters of a failure's reason.
    super('Sync is on: Replace would delete reviews your other devices keep. Use Merge, or Disconnect in Settings → Sync first (reconnecting then merges, so no review is lost)');
  }
}

/**
 * Called inside a Replace (or Undo replace) transaction. Refused while sync is on (nothing is
 * changed); otherwise remembered, so the next connect merges this device with the account again
 * instead of leaving the two diverged.
 */
export async function noteLocalReplace(db: RehearseDb, now: number): Promise<void> {
  const account = await loadAccount(db);
  if (!account) return;
  if (account.connected) throw new ReplaceWhileSyncingError();
  await db.syncState.put({ id: REPLACED_ID, at: now });
}

/** Refuses a Replace while sync is on before any work (a snapshot, say) is done for it. */
export async function refuseReplaceWhileSyncing(db: RehearseDb): Promise<void> {
  if ((await loadAccount(db))?.connected) throw new ReplaceWhileSyncingError();
}

/** When this device's data was replaced from a backup since it last synced (null: it was not). */
export async function replacedSinceSync(db: RehearseDb): Promise<number | null> {
  return ((await db.syncState.get(REPLACED_ID))?.at as number | undefined) ?? null;
}

/**
 * Reconnecting after a Replace: this device is linked afresh, as on a first connect. Everything
 * the server holds is applied here again (reviews the file lacked come back, voids apply) and
 * everything here is queued to go out, so both sides end with the union.
 */
export async function relinkAfterReplace(db: RehearseDb, now: number): Promise<boolean> {
  if ((await replacedSinceSync(db)) === null) return false;
  await resetSyncProgress(db);
  await seedOutbox(db, now);
  await db.syncState.delete(REPLACED_ID);
  return true;
}

// ---- pushing ----

export interface OutgoingDoc {
  doc: SyncDoc;
  /** The outbox entry's time when read: a newer entry for the same document stays queued. */
  queuedAt: number;
}

/** The oldest queued documents, built from the tables as they are now. */
export async function readOutbox(db: RehearseDb, limit: number): Promise<OutgoingDoc[]> {
  return db.transaction('rw', [db.reviews, ...syncTables(db)], async () => {
    const rows = await db.outbox.orderBy('queuedAt').limit(limit).toArray();
    const out: OutgoingDoc[] = [];
    const reviewIds = rows.filter((r) => kindOfDocId(r.docId) === 'review').map((r) => r.docId.slice('review:'.length));
    const reviews = new Map((await db.reviews.bulkGet(reviewIds)).filter((r): r is ReviewRow => !!r).map((r) => [r.id, r]));
    for (const row of rows) {
      const kind = kindOfDocId(row.docId);
      if (kind === 'review') {
        const review = reviews.get(row.docId.slice('review:'.length));
        if (review) out.push({ doc: reviewDoc(review), queuedAt: row.queuedAt });
      } else if (kind === 'review-void' && row.doc) {
        out.push({ doc: row.doc, queuedAt: row.queuedAt });
      } else if (kind === 'cardmeta' || kind === 'question' || kind === 'settings') {
        out.push({ doc: { _id: row.docId, kind: kind as MutableKind, fields: await readFields(db, row.docId) }, queuedAt: row.queuedAt });
      }
    }
    // Entries whose document no longer exists (a review undone or replaced away) have nothing to send.
    const built = new Set(out.map((o) => o.doc._id));
    await db.outbox.bulkDelete(rows.filter((r) => !built.has(r.docId)).map((r) => r.docId));
    return out;
  });
}

/**
 * Clears pushed entries, except those written again since they were read. A review undone while
 * its push was in flight has reached the mirror anyway (its undo found it still queued and sent
 * nothing), so it gets its void now; otherwise the other devices would keep it and it would come
 * back here.
 */
export async function markPushed(db: RehearseDb, pushed: readonly OutgoingDoc[], now: number): Promise<void> {
  await db.transaction('rw', [db.reviews, ...syncTables(db)], async () => {
    const rows = await db.outbox.bulkGet(pushed.map((p) => p.doc._id));
    const done = pushed.filter((p, i) => rows[i] && rows[i]!.queuedAt === p.queuedAt).map((p) => p.doc._id);
    await db.outbox.bulkDelete(done);
    const reviews = pushed.flatMap((p) => (p.doc.kind === 'review' ? [p.doc.review] : []));
    const [still, voided] = await Promise.all([
      db.reviews.bulkGet(reviews.map((r) => r.id)),
      db.syncState.bulkGet(reviews.map((r) => VOIDED + r.id)),
    ]);
    for (const [i, review] of reviews.entries()) {
      if (!still[i] && !voided[i]) await queueVoid(db, review, now);
    }
  });
}

export async function outboxSize(db: RehearseDb): Promise<number> {
  return db.outbox.count();
}

// ---- pulling ----

export interface ApplyReport {
  reviewsAdded: number;
  reviewsVoided: number;
  updated: number;
  /** Mutable documents where this device knew newer fields: queued to go back out. */
  requeued: number;
  /** Cards whose log could not be replayed (damaged local rows); they keep their stored state. */
  notReplayed: string[];
}

export type ReplayTouched = (db: RehearseDb, cardIds: readonly string[]) => Promise<{ changed: CardRow[]; notReplayed: string[] }>;

/**
 * Applies one batch of validated incoming documents and the checkpoint after it in ONE
 * transaction: all of it lands or none of it. Idempotent: applying the same batch again
 * changes nothing. Only the cards whose logs changed are replayed.
 */
export async function applyIncoming(
  db: RehearseDb,
  docs: readonly SyncDoc[],
  checkpoint: string | number,
  now: number,
  replayTouched: ReplayTouched,
  /** Changes this batch covers (skipped ones included): counted with the checkpoint, for progress. */
  seen = docs.length,
): Promise<ApplyReport> {
  const tables = [db.reviews, db.cards, db.notes, db.flags, db.customQuestions, db.settings, ...syncTables(db)];
  return db.transaction('rw', tables, async () => {
    const report: ApplyReport = { reviewsAdded: 0, reviewsVoided: 0, updated: 0, requeued: 0, notReplayed: [] };
    const touched = new Set<string>();
    const reviews = docs.filter((d) => d.kind === 'review').map((d) => d.review as ReviewRow);
    const voids = docs.filter((d) => d.kind === 'review-void');
    const voidedNow = new Set(voids.map((d) => d.reviewId));
    let fresh: ReviewRow[] = [];
    if (reviews.length) {
      const [existing, voided] = await Promise.all([
        db.reviews.bulkGet(reviews.map((r) => r.id)),
        db.syncState.bulkGet(reviews.map((r) => VOIDED + r.id)),
      ]);
      fresh = reviews.filter((r, i) => !existing[i] && !voided[i] && !voidedNow.has(r.id));
      await db.reviews.bulkAdd(fresh);
      // A review that came from elsewhere is already on the server: never queue it back.
      await db.outbox.bulkDelete(fresh.map((r) => reviewDocId(r.id)));
      for (const r of fresh) touched.add(r.cardId);
      report.reviewsAdded = fresh.length;
    }
    // A card whose whole log is voided goes back to the state before its earliest voided review.
    const firstBefore = new Map<string, ReviewRow>();
    for (const doc of voids) {
      const review = await db.reviews.get(doc.reviewId);
      await db.syncState.put({ id: VOIDED + doc.reviewId });
      await db.outbox.delete(reviewDocId(doc.reviewId));
      if (!review) continue;
      await db.reviews.delete(doc.reviewId);
      touched.add(review.cardId);
      const first = firstBefore.get(review.cardId);
      if (!first || review.reviewedAt < first.reviewedAt) firstBefore.set(review.cardId, review);
      report.reviewsVoided++;
    }
    for (const doc of docs) {
      if (doc.kind !== 'cardmeta' && doc.kind !== 'question' && doc.kind !== 'settings') continue;
      const local = await readFields(db, doc._id);
      const merged = mergeFields(local, doc.fields);
      if (!sameFields(merged, local)) {
        await applyMutable(db, { ...doc, fields: merged });
        report.updated++;
      }
      await writeFields(db, doc._id, merged);
      if (!sameFields(merged, doc.fields) && (await queueing(db))) {
        await requeue(db, doc._id, now);
        report.requeued++;
      }
    }
    if (touched.size) {
      const { changed, notReplayed } = await replayCardsAfter(db, [...touched], fresh, firstBefore, replayTouched);
      await db.cards.bulkPut(changed);
      report.notReplayed = notReplayed;
      for (const [id, review] of firstBefore) {
        if (await db.reviews.where('cardId').equals(id).count()) continue;
        const card = await db.cards.get(id);
        if (card) await db.cards.put({ ...card, ...review.before, bucket: bucketOf({ ...card, ...review.before }) });
      }
    }
    const before = await db.syncState.get(CHECKPOINT_ID);
    await db.syncState.put({ id: CHECKPOINT_ID, seq: checkpoint, applied: ((before?.applied as number | undefined) ?? 0) + seen });
    return report;
  });
}

/**
 * The touched cards' new states. A card that only gained reviews later than its last grade goes
 * on from its stored state over those reviews alone (a first sync brings a long log batch after
 * batch: replaying each card's whole log again would make every batch cost more than the last);
 * any other card (a void, a review that sorts among the stored ones, no grade yet) replays its
 * whole log.
 */
async function replayCardsAfter(
  db: RehearseDb,
  touched: readonly string[],
  added: readonly ReviewRow[],
  voided: ReadonlyMap<string, unknown>,
  replayTouched: ReplayTouched,
): Promise<{ changed: CardRow[]; notReplayed: string[] }> {
  const addedByCard = new Map<string, ReviewRow[]>();
  for (const review of added) {
    const list = addedByCard.get(review.cardId);
    if (list) list.push(review);
    else addedByCard.set(review.cardId, [review]);
  }
  const stored = await db.cards.bulkGet([...touched]);
  const changed: CardRow[] = [];
  const notReplayed: string[] = [];
  const whole: string[] = [];
  touched.forEach((id, i) => {
    const card = stored[i];
    if (!card) return;
    const reviews = addedByCard.get(id);
    let memory: MemoryState | null = null;
    try {
      memory = reviews && !voided.has(id) ? appendedLogState(id, card, reviews) : null;
    } catch {
      // As a whole replay would: the card keeps its stored state.
      notReplayed.push(id);
      return;
    }
    if (memory) changed.push({ ...card, ...memory, bucket: bucketOf({ ...card, ...memory }) });
    else whole.push(id);
  });
  if (whole.length) {
    const replayed = await replayTouched(db, whole);
    changed.push(...replayed.changed);
    notReplayed.push(...replayed.notReplayed);
  }
  return { changed, notReplayed };
}

export async function loadCheckpoint(db: RehearseDb): Promise<string | number | undefined> {
  return (await db.syncState.get(CHECKPOINT_ID))?.seq as string | number | undefined;
}

/** How many incoming changes this device has applied from its account so far (progress of a first sync). */
export async function appliedCount(db: RehearseDb): Promise<number> {
  return ((await db.syncState.get(CHECKPOINT_ID))?.applied as number | undefined) ?? 0;
}

/** Writes a merged mutable document's values into the app's own tables. */
async function applyMutable(db: RehearseDb, doc: MutableDoc): Promise<void> {
  const f = doc.fields;
  if (doc.kind === 'cardmeta') {
    const questionId = doc._id.slice('cardmeta:'.length);
    if (f.note) {
      const text = f.note.value as string | null;
      if (text && text.trim()) await db.notes.put({ questionId, text, updatedAt: f.note.at });
      else await db.notes.delete(questionId);
    }
    if (f.flag) {
      const at = f.flag.value as number | null;
      if (at !== null) await db.flags.put({ questionId, flaggedAt: at });
      else await db.flags.delete(questionId);
    }
    const ids = CARD_KINDS.filter((kind) => f[suspendedField(kind)]).map((kind) => cardId(questionId, kind));
    const cards = (await db.cards.bulkGet(ids)).filter((c): c is CardRow => !!c);
    await db.cards.bulkPut(
      cards.map((c) => {
        const suspended = f[suspendedField(c.kind)]!.value as boolean;
        return { ...c, suspended, bucket: bucketOf({ ...c, suspended }) };
      }),
    );
  } else if (doc.kind === 'question') {
    const body = f.body!.value as CustomQuestionRow | null;
    const id = doc._id.slice('question:'.length);
    if (body) {
      await db.customQuestions.put(body);
      const existing = await db.cards.where('questionId').equals(id).toArray();
      const missingKinds = CARD_KINDS.filter((kind) => !existing.some((c) => c.kind === kind));
      await db.cards.bulkAdd(missingKinds.map((kind) => ({ ...newMemory(0), id: cardId(id, kind), questionId: id, kind, suspended: false, hidden: false, bucket: 0 as const })));
      await db.cards.bulkPut(existing.filter((c) => c.hidden).map((c) => ({ ...c, hidden: false, bucket: bucketOf({ ...c, hidden: false }) })));
    } else {
      await db.customQuestions.delete(id);
      const cards = await db.cards.where('questionId').equals(id).toArray();
      await db.cards.bulkPut(cards.map((c) => ({ ...c, hidden: true, bucket: bucketOf({ ...c, hidden: true }) })));
    }
  } else {
    const stored = await db.settings.get('settings');
    const { settings } = settingsFromStored(stored?.value);
    // Only the settings this version syncs: a newer device's extra fields stay in the shadow.
    const known = (SYNCED_SETTINGS as readonly string[]).filter((k) => f[k]);
    const next = { ...settings, ...Object.fromEntries(known.map((k) => [k, f[k]!.value])) };
    const checked = validateSettings(next);
    // Each field was validated on arrival; together they might still clash, then nothing changes.
    if (checked.ok) await db.settings.put({ key: 'settings', value: checked.value });
  }
}
