/**
 * Crash injection for a real Chromium on a persistent profile: the browser process is killed
 * with SIGKILL (no shutdown, no flush), then launched again on the same profile directory.
 * Used by the CI block in tests/e2e/faults.test.ts and by the long run
 * (tests/faults/kill-import.run.ts, `npm run faults:kill -- <runs>`).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromePath } from '../e2e/browser.ts';
import { serializeBackup } from '../../src/core/backup/write-backup.ts';
import { generatedBackup } from './generated-backup.ts';
import { replay } from '../../src/core/scheduling/fsrs.ts';
import { memoryOf, sortReviews } from '../../src/db/cards-repo.ts';
import type { CardRow, ReviewRow } from '../../src/db/database.ts';

/** Launches Chromium on a profile directory (arguments as in tests/e2e/browser.ts launchBrowser). */
export async function openProfile(dir: string, logFile?: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, {
    executablePath: chromePath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Chromium's own log (IndexedDB open failures, corruption, recovery), outside the profile.
      ...(logFile ? ['--enable-logging', `--log-file=${logFile}`, '--v=0'] : []),
    ],
    // Precaching would add disk writes unrelated to the database under test.
    serviceWorkers: 'block',
    viewport: { width: 1280, height: 800 },
  });
}

/** Processes whose command line names this profile: the browser and its children. */
export function profileProcesses(dir: string): { pid: number; browser: boolean }[] {
  const found: { pid: number; browser: boolean }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (!args.some((a) => a === `--user-data-dir=${dir}`)) continue;
    found.push({ pid: Number(name), browser: !args.some((a) => a.startsWith('--type=')) });
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie is dead, only not yet reaped
  } catch {
    return false;
  }
}

/**
 * SIGKILL of the real browser process (the one without --type=), as a crash or the OOM killer
 * would do it; `tree` kills its children (renderer, storage, network) in the same instant.
 * Resolves once no process of this profile is left, so the next launch finds the files as the
 * crash left them.
 */
export async function killBrowser(dir: string, tree = false): Promise<void> {
  const processes = profileProcesses(dir);
  const main = processes.find((p) => p.browser);
  if (!main) throw new Error(`no browser process found for ${dir}`);
  process.kill(main.pid, 'SIGKILL');
  if (tree) for (const p of processes) if (!p.browser) try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
  for (let i = 0; i < 600 && profileProcesses(dir).some((p) => alive(p.pid)); i++) await new Promise((r) => setTimeout(r, 50));
}

/** Review count and database version straight from IndexedDB (null: no database at all). */
export async function storedCounts(page: Page): Promise<{ version: number; reviews: number; cards: number; stores: number } | null> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes('rehearse')) return null;
    return new Promise((resolve, reject) => {
      const open = indexedDB.open('rehearse');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const stores = db.objectStoreNames.length;
        if (!db.objectStoreNames.contains('reviews')) {
          db.close();
          resolve({ version: db.version, reviews: 0, cards: 0, stores });
          return;
        }
        const tx = db.transaction(['reviews', 'cards']);
        const reviews = tx.objectStore('reviews').count();
        const cards = tx.objectStore('cards').count();
        tx.oncomplete = () => {
          db.close();
          resolve({ version: db.version, reviews: reviews.result, cards: cards.result, stores });
        };
        tx.onerror = () => reject(tx.error);
      };
    });
  });
}

/** The app's Today screen is shown with its counts (the collection opened and the bank synced). */
export async function waitForToday(page: Page, timeout = 120_000): Promise<void> {
  await page.getByRole('heading', { name: 'Today' }).waitFor({ timeout });
  await page.locator('dl.counts dd').first().waitFor({ timeout });
}

/** Writes the backup as the app exports it (format 2, gzip); cached by name in `dir`. */
export function backupFile(dir: string, reviews: number, prefix: string): string {
  const file = join(dir, `${prefix}-${reviews}.json.gz`);
  if (!existsSync(file)) writeFileSync(file, gzipSync(serializeBackup(generatedBackup(reviews, prefix)).join('')));
  return file;
}

/** Picks a backup file in Settings and waits for its preview (the Merge button). */
export async function previewImport(page: Page, file: string): Promise<void> {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Import backup').setInputFiles(file);
  await page.getByRole('button', { name: 'Merge', exact: true }).waitFor({ timeout: 120_000 });
}

/** Merges and waits for the app's "Merged" notice. */
export async function mergeToEnd(page: Page, file: string): Promise<void> {
  await previewImport(page, file);
  await page.getByRole('button', { name: 'Merge', exact: true }).click();
  await page.locator('.backup-notice').filter({ hasText: /^Merged/ }).waitFor({ timeout: 300_000 });
}

/** The IndexedDB files of a profile, relative path → size (a file compacted away mid-listing is left out). */
export function indexedDbFiles(profile: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (dir: string, inside: boolean) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const here = inside || /indexeddb/i.test(entry.name);
      if (entry.isDirectory()) walk(path, here);
      else if (here) {
        try {
          out[relative(profile, path)] = statSync(path).size;
        } catch {
          // gone between the listing and the stat
        }
      }
    }
  };
  walk(profile, false);
  return out;
}

/** Bytes of the profile's IndexedDB files. */
export const indexedDbBytes = (profile: string): number => Object.values(indexedDbFiles(profile)).reduce((a, b) => a + b, 0);

/**
 * Waits until the import has written `bytes` to disk (or says it finished), then kills the
 * browser: the crash lands inside the import's writes whatever the machine's speed.
 */
export async function killDuringImport(page: Page, dir: string, bytes: number, tree = false): Promise<void> {
  const base = indexedDbBytes(dir);
  const merged = page.locator('.backup-notice').filter({ hasText: /^Merged/ });
  while (indexedDbBytes(dir) - base < bytes && !(await merged.count())) await new Promise((r) => setTimeout(r, 20));
  await killBrowser(dir, tree);
}

/** Every card whose log is stored has the state a replay of that log gives (ids of those that do not). */
export function cardsNotReplayed(cards: CardRow[], reviews: ReviewRow[]): string[] {
  const logs = new Map<string, ReviewRow[]>();
  for (const review of reviews) (logs.get(review.cardId) ?? logs.set(review.cardId, []).get(review.cardId)!).push(review);
  return cards
    .filter((card) => {
      const log = logs.get(card.id);
      if (!log) return false;
      sortReviews(log);
      return JSON.stringify(memoryOf(card)) !== JSON.stringify(memoryOf(replay(card.id, log[0]!.before, log)));
    })
    .map((card) => card.id);
}
