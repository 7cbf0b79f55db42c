import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { dumpDatabase, snapshotFiles } from './browser.ts';

/**
 * A full disk in Chromium, for the storage-full tests (issue 13 item 5): the origin's quota,
 * lowered through the DevTools protocol, refuses IndexedDB, Cache and file-system writes with
 * QuotaExceededError exactly as a full phone does.
 */

export interface Served {
  browser: () => Browser;
  url: () => string;
}

const SLOW = 45_000;
/** The quota from the first write on: plenty for the tests, but finite (see openDevice). */
const ROOMY = 40 * 1024 * 1024;

/** The words every refused write must say: why, and that nothing changed. */
export const FULL = /storage is full[^]*Nothing was (changed|recorded)/;
/** Error text that must never reach the learner. */
export const RAW = /AbortError|QuotaExceededError|DOMException|\[object |undefined|Error:/;

export interface Device {
  /** The origin whose quota is changed. */
  origin: string;
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  /** Uncaught errors and unhandled rejections that reached the window. */
  uncaught: () => Promise<string[]>;
}

export async function openDevice(served: Served, path = '/'): Promise<Device> {
  // No service worker: its precache would be refused too, and it is not what this test is about.
  const context = await served.browser().newContext({ serviceWorkers: 'block', acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(SLOW);
  await context.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __uncaught: string[] }).__uncaught = []);
    window.addEventListener('unhandledrejection', (e) => seen.push(`unhandled rejection: ${String((e.reason as Error)?.stack ?? e.reason)}`));
    window.addEventListener('error', (e) => seen.push(`uncaught: ${e.message}`));
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  const cdp = await context.newCDPSession(page);
  // A finite quota from the first write on. Chromium's IndexedDB keeps the space a quota check
  // found for 30 s and hands it out without asking again; gigabytes found at the start would let
  // writes through for half a minute after the storage is "filled" (see fillStorage).
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: served.url(), quotaSize: ROOMY });
  await page.goto(served.url() + path);
  const uncaught = async () => [...pageErrors, ...(await page.evaluate(() => (window as unknown as { __uncaught: string[] }).__uncaught))];
  return { context, page, cdp, uncaught, origin: served.url() };
}


/**
 * Fills the storage as a full phone would: the quota drops to one byte, so every further byte is
 * refused. (Not to some fraction of the usage: in-memory storage shrinks as it compacts, and a
 * quota of half the usage measured just after a burst of writes once left room for a flag.)
 * Chromium's IndexedDB hands out space a quota check found within the last 30 s without asking
 * again; the first probe, bigger than anything it may still hold, makes it ask and forget that
 * space. The second, the size of a flag, proves a small write is refused too.
 */
export async function fillStorage({ page, cdp, origin }: Device): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  for (const bytes of [ROOMY + 8 * 1024 * 1024, 256]) {
    const probe = await page.evaluate(
      (size) =>
        new Promise<string>((resolve) => {
          const open = indexedDB.open('quota-probe');
          open.onupgradeneeded = () => open.result.createObjectStore('probe');
          open.onerror = () => resolve(`open failed: ${open.error?.name}`);
          open.onsuccess = () => {
            const db = open.result;
            // Random bytes: Chromium compresses a value before it counts it against the quota.
            const value = new Uint8Array(size);
            for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(value.subarray(i, i + 65_536));
            const tx = db.transaction('probe', 'readwrite');
            tx.objectStore('probe').put(value, 'probe');
            tx.oncomplete = () => (db.close(), resolve('stored'));
            tx.onabort = () => (db.close(), resolve(tx.error?.name ?? 'aborted'));
          };
        }),
      bytes,
    );
    expect(probe, `the storage is full: a write of ${bytes} bytes is refused`).toBe('QuotaExceededError');
  }
}

/** Space again, as after the learner freed some. */
export async function freeStorage({ cdp, origin }: Device): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
}

/** A digest of every row of every store of the app's database, to prove nothing changed. */
export async function databaseDigest(page: Page): Promise<Record<string, string>> {
  const rows = await dumpDatabase(page);
  return Object.fromEntries(
    Object.entries(rows).map(([name, list]) => [name, `${list.length} rows ${createHash('sha256').update(JSON.stringify(list)).digest('hex').slice(0, 16)}`]),
  );
}

/** Waits for the alert that names what was not saved, and checks it says why in plain words. */
export async function refused(page: Page, what: RegExp): Promise<string> {
  const alert = page.getByRole('alert').filter({ hasText: what });
  await alert.first().waitFor().catch(async (error: Error) => {
    // Name what the screen said instead: the failure to diagnose.
    const said = [...(await page.getByRole('alert').allTextContents()), ...(await page.getByRole('status').allTextContents())];
    throw new Error(`${error.message}\nOn screen: ${JSON.stringify(said)}`);
  });
  // In sight, wherever the page was scrolled to when the write was refused.
  expect(await alert.first().evaluate((el) => {
    const box = el.getBoundingClientRect();
    return box.bottom > 0 && box.top < innerHeight;
  }), 'the message is in view').toBe(true);
  const text = (await alert.first().textContent()) ?? '';
  expect(text).toMatch(FULL);
  expect(text).not.toMatch(RAW);
  return text;
}

/** Every alert on screen: none may carry raw error text. */
export async function noRawErrors(page: Page): Promise<void> {
  for (const text of await page.getByRole('alert').allTextContents()) expect(text).not.toMatch(RAW);
}

/**
 * Waits until the automatic snapshot is kept whole in the Origin Private File System (Chromium
 * keeps it there): its writer has closed. The file exists, empty, from the moment its writer
 * opens, and leaving the page mid-write loses it, so the swap file must be gone and the header
 * must read. Polled from here: Playwright's waitForFunction takes an async predicate's promise
 * for a truthy answer at once, which once let this return before any snapshot was written.
 */
export async function snapshotKept(page: Page): Promise<void> {
  const kept = async () => {
    const files = await snapshotFiles(page).catch(() => []);
    if (files.map((f) => f.name).join() !== 'rehearse.snapshot' || files[0]!.size < 4) return false;
    return page.evaluate(async () => {
      try {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('rehearse-snapshots');
        const file = await (await dir.getFileHandle('rehearse.snapshot')).getFile();
        const length = new DataView(await file.slice(0, 4).arrayBuffer()).getUint32(0);
        const info = JSON.parse(await file.slice(4, 4 + length).text()) as { reviews?: unknown };
        return typeof info.reviews === 'number';
      } catch {
        return false;
      }
    });
  };
  await expect.poll(kept, { timeout: SLOW, interval: 100 }).toBe(true);
}
