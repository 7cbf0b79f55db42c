import { mergeFields, sameFields, type Fields, type SyncDoc } from '../core/sync/sync-docs.ts';
import { parseSyncDoc } from '../core/sync/parse-sync-doc.ts';
import type { RehearseDb } from '../db/database.ts';
import { replayTouchedCards } from '../db/backup-repo.ts';
import { applyIncoming, loadCheckpoint, markPushed, readOutbox, type ApplyReport } from '../db/sync-repo.ts';

/**
 * Moves documents between Dexie (the source of truth) and a PouchDB mirror, which CouchDB
 * replication keeps in step with the server. The only module that talks to PouchDB; loaded
 * with a dynamic import once sync is switched on.
 *
 *   outbox ──push──▶ mirror ◀──replication──▶ CouchDB
 *   Dexie ◀──pull (validated, one transaction per batch, checkpoint inside it)── mirror
 */

/** The few PouchDB calls used (PouchDB 9 ships no types of its own). */
export interface PouchDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  _conflicts?: string[];
  [key: string]: unknown;
}
interface BulkResult {
  id?: string;
  ok?: boolean;
  error?: string | boolean;
  reason?: string;
}
export interface Mirror {
  allDocs(options: { keys: string[]; include_docs: true; conflicts: true }): Promise<{ rows: { key: string; doc?: PouchDoc | null; error?: string; value?: { deleted?: boolean } }[] }>;
  bulkDocs(docs: PouchDoc[]): Promise<BulkResult[]>;
  get(id: string, options?: { rev?: string }): Promise<PouchDoc>;
  changes(options: { since: string | number; include_docs: true; conflicts: true; limit: number }): Promise<{
    results: { id: string; deleted?: boolean; doc?: PouchDoc }[];
    last_seq: string | number;
  }>;
}

const BATCH = 500;

export interface PushReport {
  pushed: number;
  /** Documents the mirror refused (e.g. a concurrent edit); they stay queued for the next round. */
  deferred: number;
}

/** Outbox → mirror, in batches; mutable documents are merged with what the mirror holds. */
export async function pushOutbox(
  db: RehearseDb,
  mirror: Mirror,
  now: number,
  onProgress?: (done: number) => void,
  signal?: AbortSignal,
): Promise<PushReport> {
  const report: PushReport = { pushed: 0, deferred: 0 };
  const deferredIds = new Set<string>();
  for (;;) {
    if (signal?.aborted) return report;
    const outgoing = (await readOutbox(db, BATCH + deferredIds.size)).filter((o) => !deferredIds.has(o.doc._id)).slice(0, BATCH);
    if (!outgoing.length) return report;
    const stored = await mirror.allDocs({ keys: outgoing.map((o) => o.doc._id), include_docs: true, conflicts: true });
    const writes: PouchDoc[] = [];
    const pushed = [];
    for (const [i, item] of outgoing.entries()) {
      const current = stored.rows[i]?.doc ?? null;
      const doc = item.doc;
      if (doc.kind === 'review' || doc.kind === 'review-void') {
        // Immutable: once in the mirror there is nothing more to send.
        if (!current) writes.push({ ...doc });
        pushed.push(item);
        continue;
      }
      const theirs = current ? parseSyncDoc(current) : null;
      const fields = theirs?.ok && 'fields' in theirs.doc ? mergeFields(doc.fields, theirs.doc.fields) : doc.fields;
      if (!current || !theirs?.ok || !('fields' in theirs.doc) || !sameFields(fields, theirs.doc.fields)) {
        writes.push({ _id: doc._id, ...(current?._rev ? { _rev: current._rev } : {}), kind: doc.kind, fields });
      }
      pushed.push(item);
    }
    const results = writes.length ? await mirror.bulkDocs(writes) : [];
    const failed = new Set(results.filter((r) => r.error).map((r) => r.id!));
    for (const id of failed) deferredIds.add(id);
    await markPushed(db, pushed.filter((p) => !failed.has(p.doc._id)), now);
    report.pushed += pushed.length - failed.size;
    report.deferred = deferredIds.size;
    onProgress?.(report.pushed);
  }
}

export interface PullReport extends ApplyReport {
  /** Incoming documents that failed validation: skipped, never applied. */
  skipped: { id: string; reason: string }[];
  batches: number;
  /** Changes read from the mirror (applied, already present or skipped). */
  seen: number;
}

/**
 * Mirror's changes since the stored checkpoint → validated → applied to Dexie, one transaction
 * per batch with the checkpoint in it. Conflicting revisions of a mutable document are merged
 * field by field and written back as one revision (the same result on every device).
 */
export async function pullChanges(
  db: RehearseDb,
  mirror: Mirror,
  now: number,
  onProgress?: (applied: number) => void,
  signal?: AbortSignal,
): Promise<PullReport> {
  const report: PullReport = { reviewsAdded: 0, reviewsVoided: 0, updated: 0, requeued: 0, notReplayed: [], skipped: [], batches: 0, seen: 0 };
  let since = (await loadCheckpoint(db)) ?? 0;
  for (;;) {
    if (signal?.aborted) return report;
    const page = await mirror.changes({ since, include_docs: true, conflicts: true, limit: BATCH });
    if (!page.results.length) return report;
    const docs: SyncDoc[] = [];
    for (const change of page.results) {
      const raw = change.doc;
      if (!raw || change.deleted || raw._deleted || change.id.startsWith('_design/')) continue;
      const resolved = raw._conflicts?.length ? await resolveConflicts(mirror, raw) : raw;
      const parsed = parseSyncDoc(resolved);
      if (parsed.ok) docs.push(parsed.doc);
      else report.skipped.push({ id: parsed.id, reason: parsed.errors.join('; ') });
    }
    const applied = await applyIncoming(db, docs, page.last_seq, now, replayTouchedCards, page.results.length);
    report.reviewsAdded += applied.reviewsAdded;
    report.reviewsVoided += applied.reviewsVoided;
    report.updated += applied.updated;
    report.requeued += applied.requeued;
    report.notReplayed.push(...applied.notReplayed);
    report.batches++;
    since = page.last_seq;
    report.seen += page.results.length;
    onProgress?.(report.seen);
  }
}

/** Merges every leaf revision, writes the merge on the winner and deletes the losers. */
async function resolveConflicts(mirror: Mirror, winner: PouchDoc): Promise<PouchDoc> {
  const losers = await Promise.all(winner._conflicts!.map((rev) => mirror.get(winner._id, { rev })));
  const all = [winner, ...losers].map((d) => parseSyncDoc(d));
  let fields: Fields | null = null;
  for (const p of all) if (p.ok && 'fields' in p.doc) fields = fields ? mergeFields(fields, p.doc.fields) : p.doc.fields;
  if (!fields) return winner;
  const merged: PouchDoc = { _id: winner._id, _rev: winner._rev, kind: winner.kind, fields };
  await mirror.bulkDocs([merged, ...losers.map((l) => ({ _id: l._id, _rev: l._rev, _deleted: true }))]);
  return merged;
}
