// @vitest-environment node
// The live sync client against a real pouchdb-server on 127.0.0.1, reached through a small proxy
// the test makes misbehave (down, HTML 502 pages, cut-off or wrong-shaped answers, slow answers).
// Nothing of ours is mocked: the app's Dexie database (fake-indexeddb), its sync client and
// PouchDB's replication run as in the app; PouchDB's memory adapter holds the mirror.
import 'fake-indexeddb/auto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb, type ReviewRow } from '../../src/db/database.ts';
import { gradeCard, memoryOf, replayLog, syncBankCards } from '../../src/db/cards-repo.ts';
import { appliedCount, loadAccount, loadCheckpoint } from '../../src/db/sync-repo.ts';
import { encodeConfig, newMemory, scheduleConfigFrom } from '../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { reviewDoc } from '../../src/core/sync/sync-docs.ts';
import { makeQuestion } from '../fixtures.ts';
import { installCookieJar, startFlakyProxy, type FlakyProxy } from './flaky-proxy.ts';
// @ts-expect-error: a plain Node script without type declarations
import { startSyncServer, databaseFor } from '../../src/server/sync-server.mjs';

type Client = typeof import('../../src/sync/sync-client.ts');
type MemoryPouch = new (name: string, options: { adapter: string }) => {
  changes(o: { since: number; limit?: number }): Promise<{ results: { id: string; seq: number }[] }>;
};

const USERS = ['ann', 'bob', 'cyd', 'dan', 'eve', 'fay'].map((user) => ({ user, password: `${user}-pw` }));
const T0 = Date.UTC(2026, 4, 10, 9);
const QUESTIONS = Array.from({ length: 20 }, (_, i) => makeQuestion(`py-q${i}`));

let couch: { url: string; admin: string; stop(): Promise<void> };
let proxy: FlakyProxy;
let jar: ReturnType<typeof installCookieJar>;
let client: Client;
let MemoryPouchDB: MemoryPouch;

beforeAll(async () => {
  // PouchDB's browser build looks for `self`.
  (globalThis as { self?: unknown }).self ??= globalThis;
  couch = await startSyncServer({ users: USERS });
  jar = installCookieJar();
  client = await import('../../src/sync/sync-client.ts');
  const memory = (await import('pouchdb-adapter-memory')).default;
  client.useMirrorAdapter(memory, 'memory');
  if (process.env.SYNC_DEBUG) client.syncStatus.subscribe((s) => console.log(JSON.stringify(s)));
  MemoryPouchDB = (await import('pouchdb-browser')).default as unknown as MemoryPouch;
}, 90_000);
// Each test reaches the server through a proxy of its own (its own origin, cookie and mirror).
beforeEach(async () => {
  proxy = await startFlakyProxy(couch.url);
});
afterEach(async () => {
  await proxy?.close();
});
afterAll(async () => {
  jar?.restore();
  await couch?.stop();
});

async function device(name: string): Promise<RehearseDb> {
  const db = openDatabase(`faults-${name}`);
  await syncBankCards(db, { version: 'v1', questions: QUESTIONS }, T0);
  return db;
}

const password = (user: string) => USERS.find((u) => u.user === user)!.password;
const connect = (db: RehearseDb, user: string) => client.connect(db, { server: proxy.url, user, password: password(user) }, T0);
const status = () => client.syncStatus.getState();

async function waitFor(what: () => boolean | Promise<boolean>, timeout = 60_000): Promise<void> {
  await expect.poll(what, { timeout, interval: 25 }).toBe(true);
}
const upToDate = () => waitFor(() => status().state === 'up-to-date');

/** Reviews written to the learner's server database by "another device" (as the admin, so through the server's rules). */
async function putOnServer(user: string, reviews: ReviewRow[] | object[]): Promise<void> {
  const response = await fetch(`${couch.url}/${databaseFor(user)}/_bulk_docs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(couch.admin).toString('base64')}` },
    body: JSON.stringify({ docs: reviews.map((r) => ('cardId' in r ? reviewDoc(r as ReviewRow) : r)) }),
  });
  expect(response.status).toBe(201);
}

async function serverReviewIds(user: string): Promise<string[]> {
  const response = await fetch(`${couch.url}/${databaseFor(user)}/_all_docs`, {
    headers: { Authorization: `Basic ${Buffer.from(couch.admin).toString('base64')}` },
  });
  return ((await response.json()) as { rows: { id: string }[] }).rows.map((r) => r.id).filter((id) => id.startsWith('review:'));
}

const config = encodeConfig(scheduleConfigFrom(DEFAULT_SETTINGS, T0));
function otherDeviceReviews(prefix: string, count: number): ReviewRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(5, '0')}`,
    cardId: `py-q${i % QUESTIONS.length}#answer`,
    rating: 3,
    reviewedAt: T0 + 60_000 + i * 1000,
    durationMs: 4000,
    before: newMemory(T0),
    config,
  }));
}

async function gradeHere(db: RehearseDb, card: string, at: number) {
  return gradeCard(db, { cardId: card, rating: 3, now: at, durationMs: 1000, settings: DEFAULT_SETTINGS });
}

/** Every card with reviews holds the state its log replays to (no batch landed half-way). */
async function cardsMatchReplay(db: RehearseDb): Promise<void> {
  const replayed = await replayLog(db);
  for (const [id, memory] of replayed) expect(memoryOf((await db.cards.get(id))!)).toEqual(memory);
}

const userdbRequests = (user: string, from: number) => proxy.log.slice(from).filter((r) => r.path.startsWith(`/${databaseFor(user)}`));

describe('sync when the server misbehaves (real pouchdb-server behind a misbehaving proxy)', () => {
  it('a server that is down, answers with an HTML 502 page, cuts answers short or sends the wrong shape: grading goes on offline, the status says what happened and when it retries (waiting longer each time), nothing partial lands, and all arrives once the server is well', async () => {
    const db = await device('ann');
    expect(await connect(db, 'ann')).toEqual({ ok: true });
    await upToDate();
    const fromServer = otherDeviceReviews('ann-other', 700);
    let gradedHere = 0;
    const faults = [
      { fault: { kind: 'html-502' }, says: /The server had an error \(HTTP 502\) and sent a web page instead of sync data\./ },
      // A cut-off body reads as broken JSON, or (compressed) as a connection that broke off.
      { fault: { kind: 'truncate' }, says: /The server sent an answer that was cut off or is not sync data\.|The connection to the server broke off mid-answer\./ },
      { fault: { kind: 'wrong-shape' }, says: /The server sent data of an unexpected shape\./ },
      { fault: { kind: 'down' }, says: /Cannot reach the server \(it is down, or this device is offline\)\./ },
    ] as const;
    for (const [i, { fault, says }] of faults.entries()) {
      proxy.fault = fault;
      const retries: string[] = [];
      const unsubscribe = client.syncStatus.subscribe((s) => {
        if (s.state === 'offline' && s.message !== retries.at(-1)) retries.push(s.message!);
      });
      client.syncNow();
      await waitFor(() => retries.some((m) => says.test(m)));
      // The other device's reviews reach the server while this device cannot read them.
      if (i === 0) await putOnServer('ann', fromServer);
      // Retries keep failing, each after a longer pause (1 s, 2 s, 4 s …), and say so.
      await waitFor(() => retries.filter((m) => says.test(m)).length >= 2);
      unsubscribe();
      const pauses = retries.map((m) => Number(/will retry in (\d+) s\.$/.exec(m)?.[1]));
      expect(pauses[0]).toBe(1);
      for (let k = 1; k < pauses.length; k++) expect(pauses[k]).toBeGreaterThan(pauses[k - 1]!);
      // The app works on: a grade is saved here at once.
      await gradeHere(db, `py-q${i}#mistakes`, T0 + 10_000 + i * 1000);
      gradedHere++;
      // Nothing from the server landed, not even part of a batch.
      expect(await db.reviews.count()).toBe(gradedHere);
      await cardsMatchReplay(db);
    }
    proxy.fault = { kind: 'none' };
    // No "Sync now": the planned retry brings everything in.
    await upToDate();
    expect(status().message).toBeNull();
    const ids = (await db.reviews.toCollection().primaryKeys()) as string[];
    expect(ids.length).toBe(700 + gradedHere);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of fromServer) expect(ids).toContain(r.id);
    await cardsMatchReplay(db);
    await waitFor(async () => (await serverReviewIds('ann')).length === 700 + gradedHere);
    await client.disconnect(db);
  }, 180_000);

  it('a server that accepts the connection and then sends nothing: "Syncing…" turns into "offline, will retry" after the answer timeout, waiting longer each time; a quiet live feed is not mistaken for it; all arrives once the server answers', async () => {
    // The production timeout is 30 s; the same code with 3 s here (the live feed's heartbeat follows it).
    client.configureSync({ answerTimeoutMs: 3000 });
    try {
      const db = await device('fay');
      expect(await connect(db, 'fay')).toEqual({ ok: true });
      await upToDate();
      // Idle and healthy: the live feed stays open past the timeout, kept alive by the server's heartbeats.
      const wentOffline: string[] = [];
      const watch = client.syncStatus.subscribe((s) => {
        if (s.state !== 'up-to-date' && s.state !== 'syncing') wentOffline.push(`${s.state}: ${s.message}`);
      });
      await waitFor(() => proxy.log.some((r) => r.path.includes('feed=longpoll') && (r.heartbeats ?? 0) >= 4));
      watch();
      expect(wentOffline).toEqual([]);
      expect(status().state).toBe('up-to-date');

      // The server (or a proxy in front of it) now takes requests and never answers.
      proxy.fault = { kind: 'silent' };
      const retries: string[] = [];
      const unsubscribe = client.syncStatus.subscribe((s) => {
        if (s.state === 'offline' && s.message !== retries.at(-1)) retries.push(s.message!);
      });
      client.syncNow();
      expect(status().state).toBe('syncing');
      await waitFor(() => retries.length >= 2);
      unsubscribe();
      for (const m of retries) expect(m).toMatch(/^The server did not answer in time\. Working offline; will retry in \d+ s\.$/);
      const pauses = retries.map((m) => Number(/will retry in (\d+) s\.$/.exec(m)?.[1]));
      expect(pauses[0]).toBe(1);
      expect(pauses[1]).toBeGreaterThan(pauses[0]!);
      // Grading goes on meanwhile.
      await gradeHere(db, 'py-q2#answer', T0 + 30_000);
      expect(await db.reviews.count()).toBe(1);

      // The server answers again: the planned retry sends the grade and brings what the other device sent.
      await putOnServer('fay', otherDeviceReviews('fay-other', 3));
      proxy.fault = { kind: 'none' };
      await upToDate();
      expect(status().message).toBeNull();
      expect(await db.reviews.count()).toBe(4);
      await waitFor(async () => (await serverReviewIds('fay')).length === 4);
      await cardsMatchReplay(db);
      await client.disconnect(db);
    } finally {
      client.configureSync({});
    }
  }, 180_000);

  it('connecting to a server that accepts the connection and never answers ends with a message after the answer timeout, not an endless "Connecting…"', async () => {
    client.configureSync({ answerTimeoutMs: 1500 });
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    try {
      const db = await device('fay-silent');
      const server = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const result = await client.connect(db, { server, user: 'fay', password: password('fay') }, T0);
      expect(result).toEqual({ ok: false, message: `${server} did not answer within 1.5 s. Check the address, or try again later. Nothing was synced.` });
      expect(status().state).toBe('error');
      expect(await loadAccount(db)).toBeNull();
    } finally {
      client.configureSync({});
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => silent.close(done));
    }
  }, 60_000);

  it('a slow server: grading goes on at once, the status shows syncing, and the grades arrive when the answers do', async () => {
    const db = await device('eve');
    proxy.fault = { kind: 'delay', ms: 1500 };
    expect(await client.connect(db, { server: proxy.url, user: 'eve', password: password('eve') }, T0)).toEqual({ ok: true });
    const started = proxy.log.length;
    await gradeHere(db, 'py-q1#answer', T0 + 5000);
    expect(await db.reviews.count()).toBe(1);
    expect(status().state).toBe('syncing');
    await upToDate();
    expect(userdbRequests('eve', started).length).toBeGreaterThan(0);
    await waitFor(async () => (await serverReviewIds('eve')).length === 1);
    proxy.fault = { kind: 'none' };
    await client.disconnect(db);
  }, 180_000);

  it('a document from the server that fails validation is skipped and named in the status; the rest applies and the app carries on', async () => {
    const db = await device('bob');
    const good = otherDeviceReviews('bob-good', 3);
    // Passes the server's rules (card id, rating 1–4) but not the app's: the time is not a number.
    const bad = { ...reviewDoc(otherDeviceReviews('bob-bad', 1)[0]!), review: { ...otherDeviceReviews('bob-bad', 1)[0]!, reviewedAt: 'yesterday' } };
    await putOnServer('bob', [...good, bad]);
    expect(await connect(db, 'bob')).toEqual({ ok: true });
    await upToDate();
    expect(status().message).toMatch(/^1 document from the server was skipped: review:bob-bad-00000: .*reviewedAt/);
    expect(status().skipped).toHaveLength(1);
    const ids = (await db.reviews.toCollection().primaryKeys()) as string[];
    for (const r of good) expect(ids).toContain(r.id);
    expect(ids).not.toContain('bob-bad-00000');
    await cardsMatchReplay(db);
    await client.disconnect(db);
  }, 180_000);

  it('when the server signs the learner out mid-sync: the status says so, nothing is retried, local data stays, and signing in again resumes from the checkpoint', async () => {
    const db = await device('cyd');
    await putOnServer('cyd', otherDeviceReviews('cyd-old', 1000));
    expect(await connect(db, 'cyd')).toEqual({ ok: true });
    await upToDate();
    expect(await db.reviews.count()).toBe(1000);

    // The session cookie expires (the browser drops it); the other device syncs meanwhile.
    jar.clear();
    await putOnServer('cyd', otherDeviceReviews('cyd-new', 5));
    // The next request to the server (here: Sync now) meets the 401.
    client.syncNow();
    await waitFor(() => status().state === 'signed-out');
    expect(status().message).toBe('Signed out by the server — enter your password to sync again.');
    expect(status().retryIn).toBeNull();
    const signedOutAt = proxy.log.length;

    // The app goes on: a grade is kept here; rounds run (the outbox moves to the mirror) and nobody asks the server again.
    await gradeHere(db, 'py-q3#mistakes', T0 + 20_000);
    await waitFor(async () => (await db.outbox.count()) === 0);
    await waitFor(async () => (await db.outbox.count()) === 0);
    // Nothing here was lost (a batch the server sent before the 401 may have landed, whole).
    expect(await db.reviews.count()).toBeGreaterThanOrEqual(1001);
    for (const r of otherDeviceReviews('cyd-old', 1000)) expect(await db.reviews.get(r.id)).toBeDefined();
    expect(userdbRequests('cyd', signedOutAt)).toEqual([]);

    // Signing in again: only what changed comes over, not the whole collection.
    const reconnectAt = proxy.log.length;
    expect(await connect(db, 'cyd')).toEqual({ ok: true });
    await upToDate();
    await waitFor(async () => (await db.reviews.count()) === 1006);
    const received = userdbRequests('cyd', reconnectAt).reduce((n, r) => n + (r.changes ?? 0), 0);
    expect(received).toBeGreaterThanOrEqual(5);
    expect(received).toBeLessThan(50);
    await waitFor(async () => (await serverReviewIds('cyd')).length === 1006);
    await cardsMatchReplay(db);
    await client.disconnect(db);
  }, 180_000);

  it('a first sync of a big collection shows "N of M" counting up, Disconnect mid-way leaves every applied batch whole with its checkpoint, and the next connect resumes where it stopped without downloading again what the mirror holds', async () => {
    const db = await device('dan');
    const all = otherDeviceReviews('dan', 3000);
    for (let i = 0; i < all.length; i += 1000) await putOnServer('dan', all.slice(i, i + 1000));
    // Slow answers, so the first sync takes a while.
    proxy.fault = { kind: 'delay', ms: 300 };
    const seen: { done: number; total: number }[] = [];
    const unsubscribe = client.syncStatus.subscribe((s) => {
      if (s.state === 'syncing' && s.phase === 'receiving') seen.push({ done: s.done, total: s.total });
    });
    expect(await connect(db, 'dan')).toEqual({ ok: true });
    await waitFor(() => status().phase === 'receiving' && status().done >= 1000 && status().done < status().total);
    expect(status().total).toBeGreaterThanOrEqual(3000);
    await client.disconnect(db);
    unsubscribe();
    proxy.fault = { kind: 'none' };
    const account = (await loadAccount(db))!;
    const mirror = new MemoryPouchDB(client.mirrorName(account), { adapter: 'memory' });
    const inMirrorAtStop = (await mirror.changes({ since: 0 })).results.filter((c) => c.id.startsWith('review:')).length;
    // (1000 changes applied include the server's design document.)
    expect(inMirrorAtStop).toBeGreaterThanOrEqual(999);

    // Whole batches only: the reviews here are exactly those of the mirror's changes up to the stored checkpoint.
    const here = ((await db.reviews.toCollection().primaryKeys()) as string[]).sort();
    expect(here.length).toBeGreaterThan(0);
    expect(here.length).toBeLessThan(3000);
    const checkpoint = (await loadCheckpoint(db)) as number;
    const upTo = (await mirror.changes({ since: 0 })).results.filter((c) => c.seq <= checkpoint && c.id.startsWith('review:'));
    expect(upTo.map((c) => c.id.slice('review:'.length)).sort()).toEqual(here);
    await cardsMatchReplay(db);
    // Progress counted up and never past the total.
    expect(seen.length).toBeGreaterThan(1);
    for (const p of seen) expect(p.done).toBeLessThanOrEqual(p.total);
    for (let k = 1; k < seen.length; k++) expect(seen[k]!.done).toBeGreaterThanOrEqual(seen[k - 1]!.done);
    const appliedBefore = await appliedCount(db);

    // Connect again: the rest comes, nothing twice, and what was applied is not applied again.
    const reconnectAt = proxy.log.length;
    expect(await connect(db, 'dan')).toEqual({ ok: true });
    await upToDate();
    expect(await db.reviews.count()).toBe(3000);
    // The mirror carried on from its replication checkpoint, not from 0: no document it already
    // held was downloaded again, and the server's feed (3001 changes with its design document)
    // was listed again only from that checkpoint, which trails what the mirror holds by at most
    // the one batch being written when Disconnect cut it.
    const again = userdbRequests('dan', reconnectAt);
    const docsDownloaded = again.reduce((n, r) => n + (r.docs ?? 0), 0);
    const changesListed = again.reduce((n, r) => n + (r.changes ?? 0), 0);
    expect(docsDownloaded).toBe(3000 - inMirrorAtStop);
    expect(changesListed).toBeGreaterThanOrEqual(3000 - inMirrorAtStop);
    expect(changesListed).toBeLessThanOrEqual(3001 - inMirrorAtStop + 500);
    await cardsMatchReplay(db);
    const inMirror = (await mirror.changes({ since: 0 })).results.length;
    // Applied once each (a document changed twice in the mirror may count twice), not the whole feed again.
    expect(await appliedCount(db)).toBeGreaterThanOrEqual(inMirror);
    expect(await appliedCount(db)).toBeLessThan(inMirror + 10);
    expect(appliedBefore).toBeGreaterThan(0);
    await client.disconnect(db);
  }, 180_000);
});
