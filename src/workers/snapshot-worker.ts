/// <reference lib="webworker" />
import { openDatabase } from '../db/database.ts';
import { takeDailySnapshot, type SnapshotOutcome } from '../db/snapshot-repo.ts';

/**
 * Makes the daily automatic snapshot off the main thread: at a million reviews, reading the
 * whole collection, writing it as a backup and compressing it held the page for seconds. The
 * worker opens the database by name, like the search worker; the snapshot lock in
 * snapshot-repo.ts keeps it from interleaving with a Replace's snapshot in the page.
 */
export type ToSnapshotWorker = { type: 'daily'; dbName: string; now: number };
export type FromSnapshotWorker =
  | { type: 'done'; outcome: SnapshotOutcome }
  /** The error's name and message: enough for the page to say why (storage full or not). */
  | { type: 'failed'; name: string; message: string };

const reply = (message: FromSnapshotWorker) => (self as unknown as Worker).postMessage(message);

self.onmessage = async (event: MessageEvent<ToSnapshotWorker>) => {
  const db = openDatabase(event.data.dbName);
  try {
    reply({ type: 'done', outcome: await takeDailySnapshot(db, event.data.now) });
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown } | null;
    reply({ type: 'failed', name: typeof e?.name === 'string' ? e.name : 'Error', message: typeof e?.message === 'string' ? e.message : String(error) });
  } finally {
    // An open connection would hold up a newer app version's upgrade in another tab.
    db.close();
  }
};
