import PouchDBModule from 'pouchdb-browser';
import { createStore } from 'zustand/vanilla';
import type { RehearseDb } from '../db/database.ts';
import { appliedCount, loadAccount, outboxSize, relinkAfterReplace, resetSyncProgress, saveAccount, seedOutbox, type SyncAccount } from '../db/sync-repo.ts';
import { pullChanges, pushOutbox, type Mirror } from './sync-engine.ts';
import { isStorageFull, writeFailureMessage } from '../core/write-errors.ts';

/**
 * The running sync: signs in with a CouchDB cookie session (the password is sent once and never
 * stored), keeps a PouchDB mirror replicating live with the learner's database, and runs rounds
 * (outbox → mirror, mirror → Dexie) when something changes, with backoff after failures.
 * Loaded with a dynamic import only when sync is on.
 */

type Replication = { on(event: string, fn: (x: unknown) => void): Replication; cancel(): void };
type PouchDatabase = Mirror & {
  sync(remote: PouchDatabase, options: { live: boolean; retry: boolean; batch_size: number; batches_limit: number; heartbeat: number }): Replication;
  replicate: { from(remote: PouchDatabase, options: { batch_size: number; batches_limit: number }): Replication };
  info(): Promise<{ doc_count: number }>;
  destroy(): Promise<unknown>;
  close(): Promise<unknown>;
};
type PouchCtor = (new (name: string, options?: Record<string, unknown>) => PouchDatabase) & { plugin(plugin: unknown): void };
const PouchDB = PouchDBModule as unknown as PouchCtor;
/** Exact origins the build's CSP lets the page reach besides its own (vite.config.ts, REHEARSE_SYNC_ORIGINS). */
const SYNC_ORIGINS: readonly string[] = __SYNC_ORIGINS__;

let mirrorOptions: Record<string, unknown> = {};
/**
 * Where mirrors are kept: IndexedDB in the app. Node tests pass PouchDB's memory adapter, as
 * fake-indexeddb cannot host PouchDB's IndexedDB adapter.
 */
export function useMirrorAdapter(plugin: unknown, adapter: string): void {
  PouchDB.plugin(plugin);
  mirrorOptions = { adapter };
}

export type SyncState = 'off' | 'connecting' | 'syncing' | 'up-to-date' | 'offline' | 'error' | 'signed-out';
export interface SyncStatus {
  state: SyncState;
  /** While syncing: what moves ('sending' the outbox, 'receiving' a big first sync), how far, and of how many. */
  phase: 'sending' | 'receiving' | null;
  done: number;
  total: number;
  /** Plain words for the learner: what went wrong, what was skipped, when the next try is. */
  message: string | null;
  /** Seconds until the next automatic try after a failure (null when none is planned). */
  retryIn: number | null;
  lastSyncAt: number | null;
  /** Incoming documents skipped because they failed validation (ids and reasons). */
  skipped: string[];
}

const IDLE: Omit<SyncStatus, 'lastSyncAt' | 'skipped'> = { state: 'off', phase: null, done: 0, total: 0, message: null, retryIn: null };
export const syncStatus = createStore<SyncStatus>(() => ({ ...IDLE, lastSyncAt: null, skipped: [] }));

export class SyncError extends Error {}

/** A server answer that is not CouchDB's (an HTML error page from a proxy, say), with its HTTP status. */
class ServerAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
  ) {
    super(`HTTP ${status}`);
    this.name = 'ServerAnswerError';
  }
}

export const SIGNED_OUT = 'Signed out by the server — enter your password to sync again.';

/**
 * A failure of the connection to the server, in plain words, and whether the session is gone
 * (CouchDB answers 401 when the session cookie expired: retrying would only repeat it).
 */
export function describeFailure(error: unknown): { signedOut: boolean; text: string } {
  const e = error as { status?: number; name?: string; message?: string; reason?: string } | null;
  // PouchDB passes some errors on as copies, so their class is lost: read status, name and message.
  const message = `${e?.message ?? ''} ${e?.reason ?? ''}`;
  const status = typeof e?.status === 'number' ? e.status : null;
  if (status === 401) return { signedOut: true, text: SIGNED_OUT };
  if (status !== null && status >= 500) {
    const page = e instanceof ServerAnswerError || e?.name === 'ServerAnswerError';
    return { signedOut: false, text: `The server had an error (HTTP ${status})${page ? ' and sent a web page instead of sync data' : ''}.` };
  }
  if (/fetch failed|failed to fetch|networkerror|load failed|network|ECONNREFUSED|socket/i.test(message)) {
    return { signedOut: false, text: 'Cannot reach the server (it is down, or this device is offline).' };
  }
  if (/terminated|ECONNRESET|other side closed|socket hang up/i.test(message)) return { signedOut: false, text: 'The connection to the server broke off mid-answer.' };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || /timed? ?out|aborted/i.test(message)) return { signedOut: false, text: 'The server did not answer in time.' };
  if (error instanceof SyntaxError || /JSON|Unexpected token|Unexpected end/i.test(message)) {
    return { signedOut: false, text: 'The server sent an answer that was cut off or is not sync data.' };
  }
  if (error instanceof TypeError || /Cannot read propert|is not a function|is not iterable|undefined|null/i.test(message)) {
    return { signedOut: false, text: 'The server sent data of an unexpected shape.' };
  }
  return { signedOut: false, text: `Sync failed: ${e?.reason ?? e?.message ?? String(error)}.` };
}

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

/** How long the app waits on the server, in milliseconds. */
export interface SyncTiming {
  /**
   * Longest silence on one request: no byte of an answer (headers or body) for this long and
   * the request fails, so sync says "offline" and retries with backoff instead of showing
   * "Syncing…" forever on a server that accepted the connection and then went quiet.
   */
  answerTimeoutMs: number;
}
export const DEFAULT_TIMING: SyncTiming = { answerTimeoutMs: 30_000 };
let timing: SyncTiming = DEFAULT_TIMING;

/** Changes the timing for the next requests (tests use a short timeout instead of waiting 30 s). */
export function configureSync(options: Partial<SyncTiming>): void {
  timing = { ...DEFAULT_TIMING, ...options };
}

/**
 * The live changes feed waits for news far longer than the answer timeout; the server keeps it
 * under that timeout by sending a newline this often (CouchDB's heartbeat), so a quiet feed is
 * told apart from a silent server.
 */
const heartbeatMs = () => Math.max(100, Math.min(10_000, Math.floor(timing.answerTimeoutMs / 3)));

/** The server sent nothing for too long. Name and message are the error's own (PouchDB passes errors on as plain copies). */
function silenceError(ms: number): Error {
  const error = new Error(`The server sent nothing for ${ms / 1000} s.`);
  error.name = 'TimeoutError';
  return error;
}

/**
 * Every request to the server: with the session cookie; failing with a TimeoutError once the
 * server sends nothing for `answerTimeoutMs` (before the headers, or between two parts of the
 * body); and an answer that is not CouchDB's (an HTML error page from a proxy) turned into an
 * error that says so, instead of a JSON parse error deep inside PouchDB.
 */
async function serverFetch(url: RequestInfo | URL, init: RequestInit | undefined, stopped: AbortSignal): Promise<Response> {
  const limit = timing.answerTimeoutMs;
  const silent = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const heard = () => {
    clearTimeout(timer);
    timer = setTimeout(() => silent.abort(silenceError(limit)), limit);
  };
  const done = () => clearTimeout(timer);
  heard();
  let response: Response;
  try {
    response = await fetch(url, { ...init, credentials: 'include', signal: AbortSignal.any([stopped, silent.signal, ...(init?.signal ? [init.signal] : [])]) });
  } catch (error) {
    done();
    // After a disconnect, a request still open (the live feed) is cut; PouchDB no longer listens
    // for its answer, so its failure must not surface as an unhandled rejection: it never settles.
    if (stopped.aborted) return new Promise<Response>(() => undefined);
    throw silent.signal.aborted ? silent.signal.reason : error;
  }
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok && !type.includes('json')) {
    done();
    throw new ServerAnswerError(response.status, response.statusText);
  }
  if (!response.body) {
    done();
    return response;
  }
  // The body is read through a stream that restarts the silence timer on every part.
  heard();
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const part = await reader.read();
        if (part.done) {
          done();
          controller.close();
          return;
        }
        heard();
        controller.enqueue(part.value);
      } catch (error) {
        done();
        controller.error(silent.signal.aborted ? silent.signal.reason : error);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** A request outside PouchDB (signing in and out) that gives up after the answer timeout. */
function timedFetch(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, { ...init, credentials: 'include', signal: AbortSignal.timeout(timing.answerTimeoutMs) });
}

async function signIn(server: string, user: string, password: string): Promise<void> {
  let response: Response;
  try {
    response = await timedFetch(`${server}/_session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: user, password }),
    });
  } catch (error) {
    if ((error as Error)?.name === 'TimeoutError') {
      throw new SyncError(`${server} did not answer within ${timing.answerTimeoutMs / 1000} s. Check the address, or try again later. Nothing was synced.`);
    }
    throw new SyncError(`Cannot reach ${server}: check the address, your connection, and that the server allows this app (CORS).`);
  }
  if (response.status === 401) throw new SyncError('Wrong user name or password. Nothing was synced.');
  if (!response.ok) throw new SyncError(`The server refused to sign in (HTTP ${response.status}). Nothing was synced.`);
}

export type ConnectResult = { ok: true } | { ok: false; message: string } | { ok: false; otherAccount: SyncAccount };

interface Running {
  db: RehearseDb;
  mirror: PouchDatabase;
  remote: PouchDatabase;
  replication: Replication | null;
  /** True once the replication has caught up (PouchDB's 'paused' without an error). */
  idle: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  retry: ReturnType<typeof setTimeout> | null;
  failures: number;
  stop: AbortController;
  /** A first sync (or a long absence): the server held this many more changes than applied here at the start. */
  big: { base: number; expected: number } | null;
  /** Set when a full disk refused the mirror: it is opened afresh then (see reopenMirror). */
  reopen: ReturnType<typeof setTimeout> | null;
}
let running: Running | null = null;

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
    syncStatus.setState({ ...IDLE, state: 'connecting', skipped: [] });
    await signIn(server, user, input.password);
    await stop();
    if (other) {
      await resetSyncProgress(db);
      await new PouchDB(mirrorName(previous), mirrorOptions).destroy();
    }
    const account: SyncAccount = { server, user, database: databaseFor(user), connected: true, lastSyncAt: other ? null : (previous?.lastSyncAt ?? null) };
    await saveAccount(db, account);
    // First link (or a new account): the whole collection goes out once.
    if (!previous || other) await seedOutbox(db, now);
    // Data replaced from a backup while disconnected: merge it with the account again (nothing lost on either side).
    else await relinkAfterReplace(db, now);
    start(db, account);
    return { ok: true };
  } catch (error) {
    const message =
      error instanceof SyncError
        ? error.message
        : isStorageFull(error)
          ? writeFailureMessage('Connecting to sync', error)
          : `Could not connect: ${String(error)}`;
    syncStatus.setState({ ...IDLE, state: 'error', message });
    return { ok: false, message };
  }
}

/** The local PouchDB database that mirrors an account's server database. */
export const mirrorName = (account: Pick<SyncAccount, 'user' | 'server'>) => `rehearse-mirror-${databaseFor(account.user)}-${new URL(account.server).host.replace(/[^a-z0-9]/gi, '_')}`;

/** Resumes a connected account when the app opens (the session cookie is still there, or the status says to sign in). */
export async function resume(db: RehearseDb): Promise<void> {
  const account = await loadAccount(db);
  if (account?.connected && !running) start(db, account);
}

/** Changes per replication batch, and batches PouchDB may hold in memory at once. */
const BATCH_SIZE = 500;
const BATCHES_LIMIT = 4;

function start(db: RehearseDb, account: SyncAccount): void {
  const mirror = new PouchDB(mirrorName(account), mirrorOptions);
  const stopController = new AbortController();
  const remote = new PouchDB(`${account.server}/${account.database}`, {
    fetch: (url: RequestInfo | URL, init?: RequestInit) => serverFetch(url, init, stopController.signal),
    skip_setup: true,
  });
  const current: Running = { db, mirror, remote, replication: null, idle: false, timer: null, retry: null, failures: 0, stop: stopController, big: null, reopen: null };
  running = current;
  syncStatus.setState({ ...IDLE, state: 'syncing', lastSyncAt: account.lastSyncAt });
  void measureBacklog(current);
  replicate(current);
  schedule(0);
}

/**
 * How far behind this device is: the server's document count against the changes applied
 * here. Only a big gap (a first sync) is shown as "N of M"; a failure here shows up through
 * the replication anyway.
 */
async function measureBacklog(current: Running): Promise<void> {
  try {
    const [{ doc_count }, base] = await Promise.all([current.remote.info(), appliedCount(current.db)]);
    if (doc_count - base > BATCH_SIZE && running === current) current.big = { base, expected: doc_count };
  } catch {
    // reported by the replication
  }
}

/**
 * Live two-way replication of the mirror with the server. PouchDB's own retry is off: a failure
 * stops it, the status says why in plain words, and it starts again after a growing pause
 * (1 s, 2 s, 4 s … at most a minute), except after a 401, where only the learner's password helps.
 */
function replicate(current: Running): void {
  current.idle = false;
  // First a one-off pull until the mirror holds everything on the server (PouchDB's live mode
  // says "paused" before its first answer, so it cannot tell when a first sync is done) …
  const catchUp = current.mirror.replicate.from(current.remote, { batch_size: BATCH_SIZE, batches_limit: BATCHES_LIMIT });
  current.replication = catchUp;
  follow(current, catchUp, () => {
    // … then both ways, live.
    const live = current.mirror.sync(current.remote, { live: true, retry: false, batch_size: BATCH_SIZE, batches_limit: BATCHES_LIMIT, heartbeat: heartbeatMs() });
    current.replication = live;
    current.idle = true;
    follow(current, live, null);
    schedule(0);
  });
}

function follow(current: Running, replication: Replication, onComplete: (() => void) | null): void {
  const mine = () => running === current && current.replication === replication;
  // The server answers again: the "offline" message goes.
  const reached = () => {
    if (syncStatus.getState().state === 'offline') syncStatus.setState({ state: 'syncing', phase: null, message: null, retryIn: null });
  };
  replication
    .on('active', () => {
      if (!mine()) return;
      current.idle = false;
    })
    .on('change', () => {
      if (!mine()) return;
      current.idle = false;
      reached();
      schedule(0);
    })
    .on('paused', (error) => {
      if (!mine() || error || onComplete) return;
      // The live replication caught up with the server: a failure streak is over.
      current.idle = true;
      current.failures = 0;
      reached();
      schedule(0);
    })
    .on('complete', (info) => {
      if (!mine() || !onComplete || (info as { status?: string })?.status !== 'complete') return;
      current.failures = 0;
      reached();
      onComplete();
    })
    .on('denied', (error) => {
      if (mine()) syncStatus.setState({ message: `The server refused a document: ${(error as { reason?: string })?.reason ?? String(error)}` });
    })
    .on('error', (error) => {
      if (mine()) failed(current, error);
    });
}

const RETRY_MS = [1000, 2000, 4000, 8000, 16_000, 30_000, 60_000];

function failed(current: Running, error: unknown): void {
  current.replication?.cancel();
  current.replication = null;
  current.idle = false;
  if (current.retry) clearTimeout(current.retry);
  current.retry = null;
  const failure = describeFailure(error);
  if (failure.signedOut) {
    // No retries: each would be refused again. Local data and both checkpoints stay as they are.
    syncStatus.setState({ state: 'signed-out', phase: null, message: SIGNED_OUT, retryIn: null });
    return;
  }
  const delay = RETRY_MS[Math.min(current.failures, RETRY_MS.length - 1)]!;
  current.failures++;
  syncStatus.setState({ state: 'offline', phase: null, message: `${failure.text} Working offline; will retry in ${delay / 1000} s.`, retryIn: delay / 1000 });
  current.retry = setTimeout(() => {
    current.retry = null;
    if (running === current && !current.replication) replicate(current);
  }, delay);
}

// Back online: do not wait for the backoff.
if (typeof window !== 'undefined') window.addEventListener('online', () => syncNow());

let roundRunning = false;
let again = false;
/** How often a connected device looks at its outbox (a grade goes out within this time). */
const OUTBOX_POLL_MS = 1000;

function schedule(delay: number): void {
  if (!running) return;
  if (running.timer) clearTimeout(running.timer);
  running.timer = setTimeout(() => void round(), delay);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** One round: outbox → mirror (replication carries it on), then mirror → Dexie. Local work only: it runs offline too. */
async function round(): Promise<void> {
  const current = running;
  if (!current) return;
  if (roundRunning) {
    again = true;
    return;
  }
  roundRunning = true;
  const connected = () => syncStatus.getState().state !== 'offline' && syncStatus.getState().state !== 'signed-out';
  // Caught up only if the replication was already idle when this round began: then the mirror
  // held everything from the server, and this round's pull applied it.
  const idleAtStart = current.idle;
  try {
    const waiting = await outboxSize(current.db);
    if (waiting && connected()) syncStatus.setState({ state: 'syncing', phase: 'sending', done: 0, total: waiting });
    const pushed = await pushOutbox(current.db, current.mirror, Date.now(), (done) => connected() && syncStatus.setState({ done: Math.min(done, waiting) }), current.stop.signal);
    // Documents just put in the mirror still have to reach the server: wait for the replication's next pause.
    if (pushed.pushed) current.idle = false;
    const big = current.big;
    // Each round counts from what is applied when it starts (not from the connect): otherwise the
    // progress would start again from 0 every round.
    const appliedAtStart = big ? await appliedCount(current.db) : 0;
    const onPulled = (seen: number) => {
      if (!big || !connected() || running !== current) return;
      const done = Math.min(big.expected, Math.max(big.base, appliedAtStart + seen));
      syncStatus.setState({ state: 'syncing', phase: 'receiving', done: done - big.base, total: big.expected - big.base });
    };
    if (big) onPulled(0);
    const pulled = await pullChanges(current.db, current.mirror, Date.now(), onPulled, current.stop.signal);
    if (running !== current) return;
    const skipped = pulled.skipped.map((s) => `${s.id}: ${s.reason}`);
    if (skipped.length) {
      syncStatus.setState({
        skipped,
        message: `${plural(skipped.length, 'document', 'documents')} from the server ${skipped.length === 1 ? 'was' : 'were'} skipped: ${skipped.slice(0, 3).join('; ')}${skipped.length > 3 ? ' …' : ''}`,
      });
    }
    if (!connected()) return;
    const caughtUp = idleAtStart && current.idle && !(await outboxSize(current.db));
    if (caughtUp) {
      const now = Date.now();
      const account = await loadAccount(current.db);
      // Stored when the device catches up, and at most once a minute while it stays so.
      const wasUpToDate = syncStatus.getState().state === 'up-to-date';
      if (account && running === current && (!wasUpToDate || now - (account.lastSyncAt ?? 0) > 60_000)) await saveAccount(current.db, { ...account, lastSyncAt: now });
      current.big = null;
      const keep = syncStatus.getState().skipped.length ? {} : { message: null };
      syncStatus.setState({ state: 'up-to-date', phase: null, done: 0, total: 0, retryIn: null, lastSyncAt: now, ...keep });
    } else if (syncStatus.getState().state !== 'syncing') {
      syncStatus.setState({ state: 'syncing', phase: current.big ? 'receiving' : null, retryIn: null });
    }
  } catch (error) {
    // Only IndexedDB work fails here (the server is the replication's business): say so and try again soon.
    if (running === current) {
      const full = isStorageFull(error);
      const message = full
        ? `${writeFailureMessage('Changes from your other devices', error)} Sync tries again on its own.`
        : `Could not apply sync changes on this device: ${(error as Error)?.message ?? String(error)}. Trying again.`;
      syncStatus.setState({ state: 'error', message });
      // A PouchDB database refused by a full disk keeps failing even once there is space again:
      // open the mirror afresh after a pause (or at once with "Sync now").
      if (full && !current.reopen) current.reopen = setTimeout(() => void reopenMirror(current), REOPEN_MS);
    }
  } finally {
    roundRunning = false;
    const more = again;
    again = false;
    if (running === current && !current.reopen) schedule(more ? 0 : OUTBOX_POLL_MS);
  }
}

/** Pause before the mirror is opened afresh after a full disk refused it. */
const REOPEN_MS = 5000;

async function reopenMirror(current: Running): Promise<void> {
  if (running !== current) return;
  const account = await loadAccount(current.db);
  if (running !== current) return;
  await stop();
  if (account?.connected && !running) start(current.db, account);
}

/** "Sync now": try the server at once, even during a pause after failures. */
export function syncNow(): void {
  const current = running;
  if (!current) return;
  if (syncStatus.getState().state === 'signed-out') return;
  if (current.reopen) return void reopenMirror(current);
  current.failures = 0;
  if (current.retry) clearTimeout(current.retry);
  current.retry = null;
  current.replication?.cancel();
  syncStatus.setState({ state: 'syncing', phase: null, done: 0, total: 0, retryIn: null, message: null });
  replicate(current);
  schedule(0);
}

async function stop(): Promise<void> {
  const current = running;
  if (!current) return;
  running = null;
  current.stop.abort();
  if (current.timer) clearTimeout(current.timer);
  if (current.retry) clearTimeout(current.retry);
  if (current.reopen) clearTimeout(current.reopen);
  current.replication?.cancel();
  // A batch being applied finishes (or rolls back) in its own transaction before the mirror closes.
  while (roundRunning) await new Promise((r) => setTimeout(r, 20));
  await current.mirror.close().catch(() => undefined);
}

/** Stops syncing; every local row stays, and the account is remembered so a reconnect cannot mix collections silently. */
export async function disconnect(db: RehearseDb): Promise<void> {
  await stop();
  const account = await loadAccount(db);
  if (account) {
    try {
      await saveAccount(db, { ...account, connected: false });
    } catch (error) {
      // Refused (storage full): the account is still stored as connected, so sync carries on
      // as before rather than stopping until the next launch. The caller says what failed.
      if (account.connected) start(db, account);
      throw error;
    }
  }
  // A server that does not answer cannot keep Disconnect waiting longer than the answer timeout.
  if (account) await timedFetch(`${account.server}/_session`, { method: 'DELETE' }).catch(() => undefined);
  syncStatus.setState({ ...IDLE });
}
