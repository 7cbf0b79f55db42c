// Sync benchmark (`npm run bench:sync`): the initial sync of a collection to an empty second
// device through a real pouchdb-server over HTTP, and one grade's trip from A to B, in Node and
// in Chromium (the production build, two browser contexts).
// Node with fake-indexeddb for Dexie (slower than Chromium's IndexedDB: an upper bound for the
// apply step) and PouchDB's memory adapter for the mirrors. Timings are printed, not asserted.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openDatabase, type RehearseDb, type ReviewRow } from '../../src/db/database.ts';
import { gradeCard, syncBankCards } from '../../src/db/cards-repo.ts';
import { encodeConfig, newMemory, scheduleConfigFrom } from '../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { saveAccount, seedOutbox } from '../../src/db/sync-repo.ts';
import { pullChanges, pushOutbox, type Mirror } from '../../src/sync/sync-engine.ts';
import { makeQuestion } from '../fixtures.ts';
import { launchBrowser, serveBuild } from '../e2e/browser.ts';
// @ts-expect-error: a plain Node script without type declarations
import { startSyncServer, databaseFor } from '../../src/server/sync-server.mjs';

const REVIEWS = Number(process.env.SYNC_BENCH_REVIEWS ?? 100_000);
const QUESTIONS = 500;
const T0 = Date.UTC(2026, 0, 1);

type Replicator = { replicate(a: unknown, b: unknown, o?: object): Promise<{ docs_written: number }> };
type PouchCtor = (new (name: string, options?: object) => Mirror) & { plugin(p: unknown): void } & Replicator;
let PouchDB: PouchCtor;
let couch: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  (globalThis as { self?: unknown }).self ??= globalThis;
  PouchDB = (await import('pouchdb-browser')).default as unknown as PouchCtor;
  PouchDB.plugin((await import('pouchdb-adapter-memory')).default);
  couch = await startSyncServer({ users: [{ user: 'bench', password: 'bench' }, { user: 'trip', password: 'trip-pw' }] });
});
afterAll(() => couch?.stop());

async function device(name: string): Promise<RehearseDb> {
  const db = openDatabase(name);
  await syncBankCards(db, { version: 'v1', questions: Array.from({ length: QUESTIONS }, (_, i) => makeQuestion(`py-q${i}`)) }, T0);
  await saveAccount(db, { server: couch.url, user: 'bench', database: databaseFor('bench'), connected: true, lastSyncAt: null });
  return db;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/**
 * Times each batch of a loop that reports progress once per batch, and sums them up: first and
 * last batch, and the mean of each tenth of the run, which shows whether a batch costs more as
 * the database fills.
 */
function batchTimer(start: number): { tick: () => void; summary: () => string } {
  const times: number[] = [];
  let last = start;
  return {
    tick: () => {
      const at = performance.now();
      times.push(at - last);
      last = at;
    },
    summary: () => {
      // The last batch is the remainder (often a handful of documents): the first full one is compared with the last full one.
      const full = times.length > 2 ? times.slice(0, -1) : times;
      const size = Math.max(1, Math.ceil(full.length / 10));
      const tenths: string[] = [];
      for (let i = 0; i < full.length; i += size) {
        const part = full.slice(i, i + size);
        tenths.push((part.reduce((a, b) => a + b, 0) / part.length).toFixed(0));
      }
      return `first ${full[0]?.toFixed(0)} ms, last full ${full.at(-1)?.toFixed(0)} ms; mean by tenths of the run: ${tenths.join(' ')} ms (${times.length} batches)`;
    },
  };
}

it(`initial sync of ${REVIEWS.toLocaleString('en')} reviews to an empty device, and one grade from A to B`, async () => {
  const remote = new PouchDB(`${couch.url}/${databaseFor('bench')}`, { auth: { username: 'bench', password: 'bench' }, skip_setup: true });
  const a = await device('bench-a');
  const config = encodeConfig(scheduleConfigFrom(DEFAULT_SETTINGS, T0));
  const cards = (await a.cards.toCollection().primaryKeys()) as string[];
  const rows: ReviewRow[] = Array.from({ length: REVIEWS }, (_, i) => ({
    id: `r-${String(i).padStart(7, '0')}`,
    cardId: cards[i % cards.length]!,
    rating: 3,
    reviewedAt: T0 + i * 60_000,
    durationMs: 5000,
    before: newMemory(T0),
    config,
  }));
  for (let i = 0; i < rows.length; i += 10_000) await a.reviews.bulkAdd(rows.slice(i, i + 10_000));
  await seedOutbox(a, T0);
  const mirrorA = new PouchDB('bench-mirror-a', { adapter: 'memory' });

  let t = performance.now();
  const pushBatches = batchTimer(t);
  await pushOutbox(a, mirrorA, T0 + REVIEWS * 60_000 + 2, pushBatches.tick);
  const outboxToMirror = performance.now() - t;
  t = performance.now();
  await PouchDB.replicate(mirrorA, remote, { batch_size: 500 });
  const upload = performance.now() - t;

  const b = await device('bench-b');
  const mirrorB = new PouchDB('bench-mirror-b', { adapter: 'memory' });
  t = performance.now();
  await PouchDB.replicate(remote, mirrorB, { batch_size: 500 });
  const download = performance.now() - t;
  t = performance.now();
  // Each batch's cost (read from the mirror, validate, apply with replay and checkpoint), in order.
  const pullBatches = batchTimer(t);
  const pulled = await pullChanges(b, mirrorB, T0, pullBatches.tick);
  const apply = performance.now() - t;
  expect(pulled.reviewsAdded).toBe(REVIEWS);

  // One grade: A's outbox → server → B's Dexie (one-shot rounds, as the live loop runs them).
  t = performance.now();
  await gradeCard(a, { cardId: cards[0]!, rating: 4, now: T0 + REVIEWS * 60_000 + 1, durationMs: 1000, settings: DEFAULT_SETTINGS });
  await pushOutbox(a, mirrorA, T0 + REVIEWS * 60_000 + 2);
  await PouchDB.replicate(mirrorA, remote);
  await PouchDB.replicate(remote, mirrorB);
  const one = await pullChanges(b, mirrorB, T0);
  const oneTrip = performance.now() - t;
  expect(one.reviewsAdded).toBe(1);

  console.log(
    [
      `sync bench, ${REVIEWS.toLocaleString('en')} reviews, ${QUESTIONS * 2} cards (node, fake-indexeddb, pouchdb-server over HTTP on loopback):`,
      `  push: outbox → mirror ${seconds(outboxToMirror)}, mirror → server ${seconds(upload)} (total ${seconds(outboxToMirror + upload)})`,
      `  pull: server → mirror ${seconds(download)}, mirror → Dexie (validate, apply, replay) ${seconds(apply)} in ${pulled.batches} batches (total ${seconds(download + apply)})`,
      `  outbox → mirror per batch of 500: ${pushBatches.summary()}`,
      `  mirror → Dexie per batch of 500: ${pullBatches.summary()}`,
      `  one grade from A's Dexie to B's Dexie: ${oneTrip.toFixed(0)} ms (plus up to 1 s outbox poll in the app)`,
    ].join('\n'),
  );
});

const TRIPS = 7;

it(`one grade from A to B in Chromium: two browser contexts syncing through the app's own origin, ${TRIPS} grades`, async () => {
  // The production build behind vite preview, which forwards /couchdb to the pouchdb-server (as
  // the README's same-origin setup does). Each context is one device with the app as shipped.
  const served = await serveBuild(undefined, { proxy: { '/couchdb': couch.url } });
  const browser = await launchBrowser();
  try {
    const devices = [];
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      await page.goto(`${served.url}/settings`);
      await page.getByLabel('Server URL').fill(`${served.url}/couchdb`);
      await page.getByLabel('User name').fill('trip');
      await page.getByLabel('Password').fill('trip-pw');
      await page.getByRole('button', { name: 'Connect' }).click();
      await page.getByText('Sync status: Up to date').waitFor({ timeout: 120_000 });
      devices.push(page);
    }
    const [a, b] = devices as [Page, Page];
    await a.goto(`${served.url}/review`);
    const trips: number[] = [];
    for (let i = 1; i <= TRIPS; i++) {
      await a.getByRole('button', { name: 'Show answer' }).click();
      const graded = a.getByRole('button', { name: /^Good · / });
      await graded.waitFor();
      // B looks at its own IndexedDB every 10 ms and reports the moment the review is there.
      const arrived = b.evaluate(
        (count) =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('rehearse');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const db = open.result;
              const look = () => {
                const request = db.transaction('reviews').objectStore('reviews').count();
                request.onsuccess = () => {
                  if (request.result >= count) {
                    db.close();
                    resolve(Date.now());
                  } else setTimeout(look, 10);
                };
                request.onerror = () => reject(request.error);
              };
              look();
            };
          }),
        i,
      );
      const clicked = Date.now();
      await graded.click();
      trips.push((await arrived) - clicked);
    }
    const sorted = [...trips].sort((x, y) => x - y);
    console.log(
      [
        `sync bench, one grade from A to B in Chromium (${TRIPS} grades; click on A → review in B's IndexedDB, through vite preview → pouchdb-server on loopback):`,
        `  median ${sorted[Math.floor(sorted.length / 2)]} ms, min ${sorted[0]} ms, max ${sorted.at(-1)} ms (each: ${trips.join(', ')} ms; includes the outbox poll, up to 1 s)`,
      ].join('\n'),
    );
    expect(trips).toHaveLength(TRIPS);
  } finally {
    await browser.close();
    await served.server.close();
  }
});
