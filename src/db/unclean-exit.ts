import Dexie, { type Table } from 'dexie';
import type { RehearseDb } from './database.ts';

/**
 * After the browser was killed, Chromium's IndexedDB (LevelDB with `reuse_logs`) reuses a
 * write-ahead log whose last record the kill may have torn, and appends this launch's writes
 * after the torn bytes; the next launch then finds the log corrupt and Chromium deletes every
 * database of the site (google/leveldb issue 1287; README "Crashes during an import"). Retiring
 * that log in the first launch after an unclean exit, by writing enough to make LevelDB start a
 * new one and flush the old one's contents into a table file, leaves nothing torn to be read.
 */

/** Where each running page notes itself: a database apart, so the collection's rows never change for it. */
class RunningPagesDb extends Dexie {
  pages!: Table<{ id: string; db: string; startedAt: number }, string>;
  constructor() {
    super('rehearse-running');
    this.version(1).stores({ pages: 'id' });
  }
}

/** Keys of the localStorage of earlier versions, which noted a running page there only. */
const LEGACY_PREFIX = 'rehearse:running:';
const CLOSED_PREFIX = 'rehearse:closed:';
const LOCK_PREFIX = 'rehearse-running:';

/**
 * Notes this page as running and says whether an earlier page of this database ended without
 * closing. Three marks, because each alone can lie:
 * - a row in IndexedDB, written at launch: durable once written (localStorage is not: Chromium
 *   commits it to disk 5 s or more after a change, so a kill soon after a launch lost the key and
 *   the torn log went unnoticed in CI);
 * - a Web Lock, released by the browser however the page goes: a row whose lock is held belongs
 *   to a page still open (another tab);
 * - a "closed" key in localStorage, set on pagehide: a row without it was left by a crash. If a
 *   crash loses that key too, the log is retired once more than needed, which is harmless.
 * Where Web Locks, localStorage or IndexedDB are missing nothing is known, and it says false.
 */
export async function noteRunningPage(dbName: string): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.locks || typeof localStorage === 'undefined') return false;
  try {
    const held = new Set(((await navigator.locks.query()).held ?? []).map((lock) => lock.name));
    const running = new RunningPagesDb();
    const id = crypto.randomUUID();
    // Granted before the row is written, so another page never sees the row without the lock.
    await new Promise<void>((granted) => {
      void navigator.locks.request(`${LOCK_PREFIX}${id}`, () => {
        granted();
        return new Promise<never>(() => undefined);
      });
    });
    let unclean = false;
    const legacy = `${LEGACY_PREFIX}${dbName}:`;
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (!key?.startsWith(legacy)) continue;
      if (!held.has(`${LOCK_PREFIX}${key.slice(legacy.length)}`)) {
        unclean = true;
        localStorage.removeItem(key);
      }
    }
    await running.transaction('rw', running.pages, async () => {
      const left = (await running.pages.toArray()).filter((page) => page.db === dbName && !held.has(`${LOCK_PREFIX}${page.id}`));
      for (const page of left) {
        if (localStorage.getItem(`${CLOSED_PREFIX}${page.id}`) === null) unclean = true;
        localStorage.removeItem(`${CLOSED_PREFIX}${page.id}`);
      }
      await running.pages.bulkDelete(left.map((page) => page.id));
      await running.pages.put({ id, db: dbName, startedAt: Date.now() });
    });
    running.close();
    window.addEventListener('pagehide', () => localStorage.setItem(`${CLOSED_PREFIX}${id}`, String(Date.now())));
    // Back from the back-forward cache: running again.
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) localStorage.removeItem(`${CLOSED_PREFIX}${id}`);
    });
    return unclean;
  } catch {
    // A refused localStorage, lock or database: no detection, never a failed start.
    return false;
  }
}

/** Rows of filler, each under the 64 KB above which Chromium keeps a value outside LevelDB. */
const FILLER_ROWS = 192;
const FILLER_ROW_CHARS = 32 * 1024;
const FILLER_KEY = 'meta:log-rollover:';

/**
 * Writes and then deletes about 6 MB of filler, more than LevelDB's write buffer (Chromium's
 * log was seen to roll over at about 3 MB), so the log reused after an unclean exit is retired
 * before the learner can close the app. About half a second, and only after an unclean exit.
 */
export async function retireReusedLog(db: RehearseDb): Promise<void> {
  const filler = 'r'.repeat(FILLER_ROW_CHARS);
  const keys = Array.from({ length: FILLER_ROWS }, (_, i) => `${FILLER_KEY}${i}`);
  await db.transaction('rw', db.settings, () => db.settings.bulkPut(keys.map((key) => ({ key, value: filler }))));
  await db.transaction('rw', db.settings, () => db.settings.bulkDelete(keys));
}
