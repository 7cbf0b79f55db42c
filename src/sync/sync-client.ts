import PouchDBModule from 'pouchdb-browser';
import { createStore } from 'zustand/vanilla';
import type { RehearseDb } from '../db/database.ts';
import { loadAccount, outboxSize, resetSyncProgress, saveAccount, seedOutbox, type SyncAccount } from '../db/sync-repo.ts';
import { pullChanges, pushOutbox, type Mirror } from './sync-engine.ts';

/**
 * The running sync: signs in with a CouchDB cookie session (the password is sent once and never
 * stored), keeps a PouchDB mirror replicating live with the learner's database, and runs rounds
 * (outbox → mirror, mirror → Dexie) when something changes, with backoff after failures.
 * Loaded with a dynamic import only when sync is on.
 */

type Replication = { on(event: string, fn: (x: unknown) => void): Replication; cancel(): void };
type PouchDatabase = Mirror & {
  sync(remote: PouchDatabase, options: { live: boolean; retry: boolean }): Replication;
  destroy(): Promise<unknown>;
  close(): Promise<unknown>;
};
type PouchCtor = new (name: string, options?: Record<string, unknown>) => PouchDatabase;
const PouchDB = PouchDBModule as unknown as PouchCtor;
/** Exact origins the build's CSP lets the page reach besides its own (vite.config.ts, REHEARSE_SYNC_ORIGINS). */
const SYNC_ORIGINS: readonly string[] = __SYNC_ORIGINS__;

export type SyncState = 'off' | 'connecting' | 'syncing' | 'up-to-date' | 'offline' | 'error';
export interface SyncStatus {
  state: SyncState;
  /** Documents moved in the current round, and how many were waiting when it began. */
  done: number;
  total: number;
  message: string | null;
  lastSyncAt: number | null;
  /** Incoming documents skipped because they failed validation (ids and reasons). */
  skipped: string[];
}

export const syncStatus = createStore<SyncStatus>(() => ({ state: 'off', done: 0, total: 0, message: null, lastSyncAt: null, skipped: [] }));

export class SyncError extends Error {}

/**
 * The server's address without a trailing slash, query or fragment. A path is kept, so a
 * CouchDB served under the app's own origin (a reverse proxy at /couchdb) works.
 */
export function normaliseServer(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new SyncError('The server URL is not a web address (for example https://couch.example.org).');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SyncError('The server URL must start with https:// (or http:// on this computer).');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The Content-Security-Policy lets the page reach only its own origin and the sync origins
 * named when the app was built (REHEARSE_SYNC_ORIGINS): refuse any other server up front with
 * a message, instead of letting the browser block it with a console error.
 */
export function checkReachable(server: string, appOrigin: string | null, allowed: readonly string[]): void {
  // Outside a page (node tests, tools) there is no policy to respect.
  if (appOrigin === null) return;
  const origin = new URL(server).origin;
  if (origin === appOrigin || allowed.includes(origin)) return;
  const may = [appOrigin, ...allowed].join(', ');
  throw new SyncError(
    `This copy of Rehearse may only connect to ${may}, so nothing was sent to ${origin}. Serve CouchDB under this app's address (for example at /couchdb through your web server), or rebuild the app with REHEARSE_SYNC_ORIGINS=${origin}.`,
  );
}

/** Apache CouchDB's couch_peruser names each learner's database userdb-<name in hex>. */
export function databaseFor(user: string): string {
  return `userdb-${[...new TextEncoder().encode(user)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const withCookies = (url: RequestInfo | URL, init?: RequestInit) => fetch(url, { ...init, credentials: 'include' });

async function signIn(server: string, user: string, password: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${server}/_session`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: user, password }),
    });
  } catch {
    throw new SyncError(`Cannot reach ${server}: check the address, your connection, and that the server allows this app (CORS).`);
  }
  if (response.status === 401) throw new SyncError('Wrong user name or password. Nothing was synced.');
  if (!response.ok) throw new SyncError(`The server refused to sign in (HTTP ${response.status}). Nothing was synced.`);
}

export type ConnectResult = { ok: true } | { ok: false; message: string } | { ok: false; otherAccount: SyncAccount };

let running: { db: RehearseDb; mirror: PouchDatabase; remote: PouchDatabase; replication: Replication; timer: ReturnType<typeof setTimeout> | null; stop: AbortController } | null = null;

/**
 * Signs in and starts syncing. A device that was linked to another account (or server) refuses
 * to mix the two collections unless `mixCollections` is set (the learner confirmed it).
 */
export async function connect(db: RehearseDb, input: { server: string; user: string; password: string; mixCollections?: boolean }, now: number): Promise<ConnectResult> {
  let server: string;
  try {
    server = normaliseServer(input.server);
    checkReachable(server, globalThis.location?.origin ?? null, SYNC_ORIGINS);
    if (!input.user.trim()) throw new SyncError('Enter your user name.');
    const previous = await loadAccount(db);
    const user = input.user.trim();
    const other = previous && (previous.server !== server || previous.user !== user);
    if (other && !input.mixCollections) return { ok: false, otherAccount: previous };
    syncStatus.setState({ state: 'connecting', message: null });
    await signIn(server, user, input.password);
    await stop();
    if (other) {
      await resetSyncProgress(db);
      await new PouchDB(mirrorName(previous)).destroy();
    }
    const account: SyncAccount = { server, user, database: databaseFor(user), connected: true, lastSyncAt: other ? null : (previous?.lastSyncAt ?? null) };
    await saveAccount(db, account);
    // First link (or a new account): the whole collection goes out once.
    if (!previous || other) await seedOutbox(db, now);
    start(db, account);
    return { ok: true };
  } catch (error) {
    const message = error instanceof SyncError ? error.message : `Could not connect: ${String(error)}`;
    syncStatus.setState({ state: 'error', message });
    return { ok: false, message };
  }
}

const mirrorName = (account: SyncAccount) => `rehearse-mirror-${databaseFor(account.user)}-${new URL(account.server).host.replace(/[^a-z0-9]/gi, '_')}`;

/** Resumes a connected account when the app opens (the session cookie is still there, or the status says to sign in). */
export async function resume(db: RehearseDb): Promise<void> {
  const account = await loadAccount(db);
  if (account?.connected && !running) start(db, account);
}

function start(db: RehearseDb, account: SyncAccount): void {
  const mirror = new PouchDB(mirrorName(account));
  const remote = new PouchDB(`${account.server}/${account.database}`, { fetch: withCookies, skip_setup: true });
  const stopper = new AbortController();
  running = { db, mirror, remote, replication: replicate(mirror, remote), timer: null, stop: stopper };
  syncStatus.setState({ lastSyncAt: account.lastSyncAt });
  schedule(0);
}

/** Live two-way replication of the mirror with the server; PouchDB retries with its own backoff. */
function replicate(mirror: PouchDatabase, remote: PouchDatabase): Replication {
  const replication = mirror.sync(remote, { live: true, retry: true });
  replication
    .on('change', () => schedule(0))
    .on('paused', (error) => {
      if (error) syncStatus.setState({ state: 'offline', message: 'Offline: will retry.' });
      else schedule(0);
    })
    .on('denied', (error) => syncStatus.setState({ state: 'error', message: `The server refused a document: ${reason(error)}` }))
    .on('error', (error) => syncStatus.setState({ state: 'error', message: `Sync stopped: ${reason(error)}. Sign in again.` }));
  return replication;
}

// Back online: do not wait for the replication's backoff.
if (typeof window !== 'undefined') window.addEventListener('online', () => syncNow());

function reason(error: unknown): string {
  const e = error as { reason?: string; message?: string; status?: number };
  if (e?.status === 401) return 'your session has expired';
  return e?.reason ?? e?.message ?? String(error);
}

let failures = 0;
let roundRunning = false;
let again = false;
/** How often a connected device looks at its outbox (a grade goes out within this time). */
const OUTBOX_POLL_MS = 1000;

function schedule(delay: number): void {
  if (!running) return;
  if (running.timer) clearTimeout(running.timer);
  running.timer = setTimeout(() => void round(), delay);
}

/** One round: outbox → mirror (replication carries it on), then mirror → Dexie. */
async function round(): Promise<void> {
  const current = running;
  if (!current) return;
  if (roundRunning) {
    again = true;
    return;
  }
  roundRunning = true;
  try {
    const waiting = await outboxSize(current.db);
    if (waiting) syncStatus.setState({ state: 'syncing', done: 0, total: waiting });
    await pushOutbox(current.db, current.mirror, Date.now(), (done) => syncStatus.setState({ done }), current.stop.signal);
    const pulled = await pullChanges(current.db, current.mirror, Date.now(), (done) => syncStatus.setState({ state: 'syncing', done }), current.stop.signal);
    const now = Date.now();
    const account = await loadAccount(current.db);
    if (account && running === current) await saveAccount(current.db, { ...account, lastSyncAt: now });
    failures = 0;
    const { state } = syncStatus.getState();
    syncStatus.setState({
      state: state === 'offline' || state === 'error' ? state : 'up-to-date',
      lastSyncAt: now,
      skipped: pulled.skipped.length ? pulled.skipped.map((s) => `${s.id}: ${s.reason}`) : syncStatus.getState().skipped,
      ...(pulled.skipped.length ? { message: `${pulled.skipped.length} document(s) from the server failed validation and were skipped.` } : {}),
    });
    schedule(again ? 0 : OUTBOX_POLL_MS);
  } catch (error) {
    failures++;
    syncStatus.setState({ state: 'error', message: `Sync failed: ${reason(error)}. Retrying.` });
    schedule(Math.min(60_000, 1000 * 2 ** failures));
  } finally {
    roundRunning = false;
    again = false;
  }
}

/** "Sync now": a round at once (replication retries on its own). */
export function syncNow(): void {
  failures = 0;
  if (running) {
    // A replication waiting out its backoff starts again at once.
    running.replication.cancel();
    running.replication = replicate(running.mirror, running.remote);
    syncStatus.setState({ state: 'syncing', done: 0, total: 0, message: null });
  }
  schedule(0);
}

async function stop(): Promise<void> {
  const current = running;
  if (!current) return;
  running = null;
  current.stop.abort();
  if (current.timer) clearTimeout(current.timer);
  current.replication.cancel();
  await current.mirror.close().catch(() => undefined);
}

/** Stops syncing; every local row stays, and the account is remembered so a reconnect cannot mix collections silently. */
export async function disconnect(db: RehearseDb): Promise<void> {
  await stop();
  const account = await loadAccount(db);
  if (account) await saveAccount(db, { ...account, connected: false });
  await fetch(`${account?.server}/_session`, { method: 'DELETE', credentials: 'include' }).catch(() => undefined);
  syncStatus.setState({ state: 'off', message: null, done: 0, total: 0 });
}
