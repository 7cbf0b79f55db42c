import type { RehearseDb } from '../db/database.ts';
import { notifySnapshotChange, takeDailySnapshot, type SnapshotOutcome } from '../db/snapshot-repo.ts';
import type { FromSnapshotWorker, ToSnapshotWorker } from './snapshot-worker.ts';

/** The daily snapshot was stopped before it finished (the learner started reviewing); nothing was changed. */
export class SnapshotStopped extends Error {
  constructor() {
    super('The automatic snapshot was stopped; the one kept is unchanged.');
    this.name = 'SnapshotStopped';
  }
}

/**
 * The daily snapshot (snapshot-repo.ts takeDailySnapshot) in a worker of its own, so the page
 * stays responsive; in the page itself where workers are missing. Aborting terminates the
 * worker: its reads end, and a snapshot not yet written leaves the kept one as it was (the
 * OPFS file is replaced only when its writer closes; the fallback store writes in one
 * transaction).
 */
export function takeDailySnapshotOffThread(db: RehearseDb, now: number, signal?: AbortSignal): Promise<SnapshotOutcome> {
  if (typeof Worker === 'undefined') return takeDailySnapshot(db, now);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SnapshotStopped());
    const worker = new Worker(new URL('./snapshot-worker.ts', import.meta.url), { type: 'module', name: 'snapshot' });
    const stop = () => {
      worker.terminate();
      reject(new SnapshotStopped());
    };
    signal?.addEventListener('abort', stop, { once: true });
    const finish = () => {
      signal?.removeEventListener('abort', stop);
      worker.terminate();
    };
    worker.onmessage = (event: MessageEvent<FromSnapshotWorker>) => {
      finish();
      const message = event.data;
      if (message.type === 'failed') return reject(Object.assign(new Error(message.message), { name: message.name }));
      // The worker's change events stay in the worker: tell this page's listeners (Settings, Today).
      if (message.outcome.made) notifySnapshotChange();
      resolve(message.outcome);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish();
      reject(new Error(event.message || 'the snapshot worker stopped'));
    };
    worker.postMessage({ type: 'daily', dbName: db.name, now } satisfies ToSnapshotWorker);
  });
}
