import type { RehearseDb } from './database.ts';

/**
 * After the browser was killed, Chromium's IndexedDB (LevelDB with `reuse_logs`) reuses a
 * write-ahead log whose last record the kill may have torn, and appends this launch's writes
 * after the torn bytes; the next launch then finds the log corrupt and Chromium deletes every
 * database of the site (google/leveldb issue 1287; README "Crashes during an import"). Retiring
 * that log in the first launch after an unclean exit, by writing enough to make LevelDB start a
 * new one and flush the old one's contents into a table file, leaves nothing torn to be read.
 */

const KEY_PREFIX = 'rehearse:running:';
const LOCK_PREFIX = 'rehearse-running:';

/**
 * Notes this page as running: a localStorage key, plus a Web Lock that the browser releases
 * when the page goes, however it goes. Returns whether an earlier page of this database ended
 * without closing (its key is left and nobody holds its lock). Where Web Locks or localStorage
 * are missing nothing is known, and it says false.
 */
export async function noteRunningPage(dbName: string): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.locks || typeof localStorage === 'undefined') return false;
  try {
    const held = new Set(((await navigator.locks.query()).held ?? []).map((lock) => lock.name));
    const prefix = `${KEY_PREFIX}${dbName}:`;
    let unclean = false;
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (!key?.startsWith(prefix)) continue;
      if (held.has(`${LOCK_PREFIX}${key.slice(prefix.length)}`)) continue;
      unclean = true;
      localStorage.removeItem(key);
    }
    const id = crypto.randomUUID();
    const key = `${prefix}${id}`;
    // Granted before the key is written, so another page never sees the key without the lock.
    await new Promise<void>((granted) => {
      void navigator.locks.request(`${LOCK_PREFIX}${id}`, () => {
        granted();
        return new Promise<never>(() => undefined);
      });
    });
    localStorage.setItem(key, String(Date.now()));
    window.addEventListener('pagehide', () => localStorage.removeItem(key));
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) localStorage.setItem(key, String(Date.now()));
    });
    return unclean;
  } catch {
    // A refused localStorage or lock: no detection, never a failed start.
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
