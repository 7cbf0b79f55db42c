import { existsSync } from 'node:fs';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { contentSecurityPolicy } from '../../src/build/csp.ts';
import type { MemoryState } from '../../src/core/scheduling/fsrs.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Debian's Chromium (or CHROME_PATH); tests never download a browser. */
export function chromePath(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) {
    throw new Error('No Chromium found. Install one with `apt-get install -y chromium` or set CHROME_PATH to a Chrome/Chromium binary.');
  }
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromePath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * Serves a production build with `vite preview` on a free port. By default the
 * project's dist/; tests that swap builds pass a copy.
 */
export async function serveBuild(
  outDir = process.env.REHEARSE_DIST ?? join(ROOT, 'dist'),
  options: { proxy?: Record<string, string> } = {},
): Promise<{ url: string; server: PreviewServer }> {
  if (!existsSync(join(outDir, 'index.html'))) throw new Error(`No build at ${outDir}: run \`npx vite build\` first.`);
  const server = await preview({
    root: ROOT,
    configFile: false,
    logLevel: 'silent',
    build: { outDir },
    // The same headers as the project's preview server (configFile is off here).
    preview: {
      port: 0,
      host: '127.0.0.1',
      strictPort: false,
      headers: { 'Content-Security-Policy': contentSecurityPolicy() },
      // A path of the app's own origin forwarded to another server (a sync server behind a
      // reverse proxy, as the README recommends), so the page reaches it within its CSP.
      proxy: Object.fromEntries(
        Object.entries(options.proxy ?? {}).map(([path, target]) => [
          path,
          { target, changeOrigin: true, rewrite: (p: string) => p.slice(path.length) || '/' },
        ]),
      ),
    },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

/** A private copy of a build, so a test can replace it while serving. */
export function copyBuild(from = process.env.REHEARSE_DIST ?? join(ROOT, 'dist')): string {
  const dir = mkdtempSync(join(tmpdir(), 'rehearse-build-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

/** Fails the test on any request that leaves the app's own origin. */
export function forbidOtherOrigins(context: BrowserContext, origin: string, offenders: string[]): void {
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) offenders.push(url);
  });
}

/** Waits until a service worker is active and controls the page (reloading once if needed). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active!;
    if (worker.state !== 'activated') {
      await new Promise<void>((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()));
    }
  });
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
}

/** Reads the review log straight from IndexedDB, as the app stored it. */
export async function readReviewLog(page: Page): Promise<{ id: string; cardId: string; rating: number; reviewedAt: number }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('rehearse');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('reviews').objectStore('reviews').getAll();
          request.onsuccess = () => {
            db.close();
            resolve(request.result);
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

export async function dueCounts(page: Page): Promise<{ learning: number; review: number; fresh: number }> {
  const counts = page.getByRole('definition');
  await counts.first().waitFor();
  const [learning, review, fresh] = await counts.allTextContents();
  return { learning: Number(learning), review: Number(review), fresh: Number(fresh) };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.txt': 'text/plain',
};

/**
 * A minimal static server that reads files on every request from whatever folder
 * `folder()` returns now, so a test can swap one build for another while serving.
 */
export async function serveSwappable(folder: () => string): Promise<{ url: string; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const { extname, normalize } = await import('node:path');
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(folder(), path === '/' ? 'index.html' : path);
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      response.end(body);
    } catch {
      // Unknown paths are app routes: answer with the shell, as a static host for an SPA would.
      const shell = await readFile(join(folder(), 'index.html'));
      response.writeHead(extname(path) ? 404 : 200, { 'content-type': MIME['.html']! });
      response.end(extname(path) ? '' : shell);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Registers a browser and a served production build for the tests of one file. */
export function useServedBuild(proxy?: () => Record<string, string>): { browser: () => Browser; url: () => string } {
  let browser: Browser | undefined;
  let served: { url: string; server: PreviewServer } | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    served = await serveBuild(undefined, { proxy: proxy?.() });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.server.close();
  });
  return { browser: () => browser!, url: () => served!.url };
}

/** Every row of one of the app's IndexedDB stores, read in the page. */
export function readStore<T>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('rehearse');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => {
            db.close();
            resolve(request.result as T[]);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    store,
  );
}

/** The memory fields of a card row, to compare with a replay of its log. */
export function memoryOf(card: MemoryState): MemoryState {
  const { due, stability, difficulty, state, reps, lapses, lastReview, scheduledDays, learningSteps } = card;
  return { due, stability, difficulty, state, reps, lapses, lastReview, scheduledDays, learningSteps };
}

/**
 * Cuts the network and reloads, so the page comes from the service worker. Chromium 150's
 * emulation leaves navigator.onLine true in a document reloaded while offline (the network
 * stays cut): turning it off and on again tells the page, as a real drop would.
 */
export async function reloadOffline(context: BrowserContext, page: Page): Promise<void> {
  await context.setOffline(true);
  await page.reload();
  const badge = page.getByText(/Offline — your reviews are saved/);
  // Until the app is listening for the change (it starts listening after its first render).
  for (let i = 0; i < 60 && !(await badge.isVisible()); i++) {
    await context.setOffline(false);
    await context.setOffline(true);
    await badge.waitFor({ timeout: 1_000 }).catch(() => undefined);
  }
}

/** Every row of every store of the app's database, read in the page: to prove nothing changed. */
export function dumpDatabase(page: Page): Promise<Record<string, unknown[]>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, unknown[]>>((resolve, reject) => {
        const open = indexedDB.open('rehearse');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names);
          const out: Record<string, unknown[]> = {};
          for (const name of names) {
            const request = tx.objectStore(name).getAll();
            request.onsuccess = () => (out[name] = request.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** From Today: starts a review and grades the first card Good; returns once the session counts it. */
export async function gradeFirstCardGood(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Start review' }).click();
  await page.getByRole('button', { name: 'Show answer' }).click();
  await page.getByRole('button', { name: /^Good · / }).click();
  await page.getByText(/^1 of /).waitFor();
}

/** What an own question's form is given; the rest is filled with short valid text. */
export interface OwnQuestionFields {
  title: string;
  answer: string;
  topic?: string;
  deepExplanation?: string;
  productionScenario?: string;
}

/** Types an own question into the open "New question" form and submits it. */
export async function addOwnQuestion(page: Page, fields: OwnQuestionFields): Promise<void> {
  await page.getByLabel('Question', { exact: true }).fill(fields.title);
  await page.getByLabel('Topic').fill(fields.topic ?? 'Company specifics');
  await page.getByLabel('Difficulty (1–10)').fill('5');
  await page.getByLabel('Answer', { exact: true }).fill(fields.answer);
  await page.getByLabel('Key points').fill('First\nSecond\nThird');
  await page.getByLabel('Deep explanation').fill(fields.deepExplanation ?? 'Deeper.');
  await page.getByLabel('Real-world example').fill('Example.');
  await page.getByLabel('Common mistakes').fill('**One.** a\n**Two.** b\n**Three.** c');
  await page.getByLabel('Production scenario').fill(fields.productionScenario ?? 'Scenario.');
  await page.getByLabel('Follow-up questions').fill('Why?\nHow?');
  await page.getByRole('button', { name: 'Add question' }).click();
}

/** The files in the automatic snapshot's folder of the Origin Private File System, by name (throws when there is no folder). */
export function snapshotFiles(page: Page): Promise<{ name: string; size: number; lastModified: number }[]> {
  return page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('rehearse-snapshots');
    const files: { name: string; size: number; lastModified: number }[] = [];
    for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }).entries()) {
      const file = await handle.getFile();
      files.push({ name, size: file.size, lastModified: file.lastModified });
    }
    return files.sort((a, b) => (a.name < b.name ? -1 : 1));
  });
}
