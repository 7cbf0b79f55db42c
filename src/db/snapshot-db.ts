import Dexie, { type EntityTable } from 'dexie';
import type { SnapshotInfo } from '../core/backup/snapshot-policy.ts';

/** The one slot: exactly one snapshot is kept, each new one takes its place. */
export const SNAPSHOT_SLOT = 'latest';

export interface SnapshotInfoRow extends SnapshotInfo {
  slot: typeof SNAPSHOT_SLOT;
}

/** The snapshot's bytes: a backup file (gzip where the browser can). Apart from the info, so showing the info never reads megabytes. */
export interface SnapshotDataRow {
  slot: typeof SNAPSHOT_SLOT;
  bytes: ArrayBuffer;
}

export type SnapshotDb = Dexie & {
  info: EntityTable<SnapshotInfoRow, 'slot'>;
  data: EntityTable<SnapshotDataRow, 'slot'>;
};

/**
 * Where OPFS is missing or refused (see snapshot-store.ts), a database of its own, beside the main one (`rehearse` → `rehearse-snapshots`): deleting or
 * recreating the main database leaves it alone, which is the whole point of the snapshot.
 */
export function snapshotDbName(mainName: string): string {
  return `${mainName}-snapshots`;
}

const opened = new Map<string, SnapshotDb>();

/** The snapshot database that belongs to the main database of this name (one connection per page). */
export function snapshotDbFor(main: { name: string }): SnapshotDb {
  const name = snapshotDbName(main.name);
  let db = opened.get(name);
  if (!db) {
    db = new Dexie(name, { chromeTransactionDurability: 'strict' }) as SnapshotDb;
    // v1: the info and the bytes of the latest snapshot, one row each.
    db.version(1).stores({ info: 'slot', data: 'slot' });
    opened.set(name, db);
  }
  return db;
}
