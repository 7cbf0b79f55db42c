#!/usr/bin/env node
// A CouchDB-compatible server on loopback for local use and tests: pouchdb-server (in memory,
// or on disk with --dir), an admin, learner accounts with one database each (named as Apache
// CouchDB's couch_peruser names them: userdb-<hex of the name>), and the design document that
// protects the review log. Production runs Apache CouchDB 3 instead (see README, Sync).
//
//   npm run sync-server -- --port 5984 --user ann:secret [--user bob:pw2] [--dir ./couch-data]
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Reviews are append-only; a review needs a card id and a rating 1–4 (0 logs a reset to new). */
export const VALIDATE_DOC_UPDATE = `function (newDoc, oldDoc, userCtx) {
  var id = newDoc._id;
  function refuse(reason) { throw({ forbidden: reason }); }
  if (id.indexOf('_design/') === 0) return;
  if (id.indexOf('review:') === 0) {
    if (oldDoc && !oldDoc._deleted) refuse('Reviews are append-only: a synced review cannot be changed or deleted.');
    var r = newDoc.review;
    if (newDoc._deleted || !r) refuse('A review document must hold a review.');
    if (typeof r.cardId !== 'string' || r.cardId === '') refuse('A review needs a card id.');
    if ([0, 1, 2, 3, 4].indexOf(r.rating) < 0) refuse('A review rating must be 1-4 (or 0 for a reset to new).');
    if ('review:' + r.id !== id) refuse('A review document id must be review:<review id>.');
  } else if (id.indexOf('review-void:') === 0) {
    if (oldDoc && !oldDoc._deleted) refuse('A void is append-only.');
    if (newDoc._deleted || typeof newDoc.cardId !== 'string' || newDoc.cardId === '') refuse('A void needs a card id.');
  }
}`;

export const databaseFor = (user) => `userdb-${Buffer.from(user, 'utf8').toString('hex')}`;

async function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });
}

async function call(url, method, body, auth) {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok && response.status !== 412) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Adds a learner: a CouchDB user, their database (members: only them) and the design document. */
export async function addLearner(url, admin, user, password) {
  await call(`${url}/_users/org.couchdb.user:${encodeURIComponent(user)}`, 'PUT', { name: user, password, roles: [], type: 'user' }, admin);
  const db = `${url}/${databaseFor(user)}`;
  await call(db, 'PUT', undefined, admin);
  await call(`${db}/_security`, 'PUT', { admins: { names: [], roles: [] }, members: { names: [user], roles: [] } }, admin);
  await call(`${db}/_design/rehearse`, 'PUT', { validate_doc_update: VALIDATE_DOC_UPDATE }, admin);
}

/**
 * Starts pouchdb-server on 127.0.0.1 and waits until it answers. Returns its URL, the admin's
 * "name:password" and stop().
 */
export async function startSyncServer({ port, users = [], dir, adminPassword = `admin-${Math.random().toString(36).slice(2)}` } = {}) {
  const chosen = port ?? (await freePort());
  const work = dir ? resolve(dir) : mkdtempSync(join(tmpdir(), 'rehearse-sync-'));
  mkdirSync(work, { recursive: true });
  const bin = join(root, 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server');
  const args = [bin, '--host', '127.0.0.1', '--port', String(chosen), ...(dir ? ['--dir', work] : ['--in-memory'])];
  const child = spawn(process.execPath, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${chosen}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pouchdb-server exited: ${output}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`pouchdb-server did not start on ${url}: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const admin = `admin:${adminPassword}`;
  await call(`${url}/_config/admins/admin`, 'PUT', adminPassword);
  for (const { user, password } of users) await addLearner(url, admin, user, password);
  return {
    url,
    admin,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done(undefined);
        child.once('exit', () => done(undefined));
        child.kill();
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const value = (flag) => argv[argv.indexOf(flag) + 1];
  const users = argv.flatMap((a, i) => (a === '--user' ? [argv[i + 1]] : [])).map((pair) => {
    const [user, ...rest] = pair.split(':');
    return { user, password: rest.join(':') };
  });
  if (!users.length) users.push({ user: 'learner', password: 'learner' });
  const server = await startSyncServer({ port: argv.includes('--port') ? Number(value('--port')) : 5984, users, dir: argv.includes('--dir') ? value('--dir') : undefined });
  console.log(`Sync server on ${server.url} (admin ${server.admin}); learners: ${users.map((u) => `${u.user} → ${databaseFor(u.user)}`).join(', ')}`);
  console.log('In Rehearse: Settings → Sync, server URL above, one of these users. Ctrl+C stops it.');
  process.on('SIGINT', () => server.stop().then(() => process.exit(0)));
}
