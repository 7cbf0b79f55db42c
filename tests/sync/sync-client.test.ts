import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { loadAccount, saveAccount } from '../../src/db/sync-repo.ts';
import { checkReachable, connect, databaseFor, normaliseServer } from '../../src/sync/sync-client.ts';

describe('connecting a device to a sync account', () => {
  it('refuses to mix this device with a different account without asking, and changes nothing', async () => {
    const db = openDatabase('sync-client-other');
    // A CouchDB under the page's own origin: the only kind the CSP lets a default build reach.
    const ann = { server: `${location.origin}/couchdb`, user: 'ann', database: databaseFor('ann'), connected: false, lastSyncAt: 5 };
    await saveAccount(db, ann);
    const result = await connect(db, { server: `${location.origin}/couchdb/`, user: 'eve', password: 'x' }, 1000);
    expect(result).toEqual({ ok: false, otherAccount: ann });
    expect(await loadAccount(db)).toEqual(ann);
    expect(await db.outbox.count()).toBe(0);
  });

  it('says what is wrong with a server address that is not one', async () => {
    const db = openDatabase('sync-client-url');
    const result = await connect(db, { server: 'couch here', user: 'ann', password: 'x' }, 1000);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/not a web address/) });
    expect(await loadAccount(db)).toBeNull();
  });

  it('keeps the address without a trailing slash (a path serves CouchDB behind a proxy) and names the database as CouchDB per-user databases do', () => {
    expect(normaliseServer(' https://couch.example.org:6984/ ')).toBe('https://couch.example.org:6984');
    expect(normaliseServer('https://app.example.org/couchdb/?x=1')).toBe('https://app.example.org/couchdb');
    expect(() => normaliseServer('ftp://couch.example.org')).toThrow(/https/);
    expect(databaseFor('ann')).toBe('userdb-616e6e');
  });

  it('refuses, before sending anything, a server on an origin this build may not reach', async () => {
    const db = openDatabase('sync-client-origin');
    const result = await connect(db, { server: 'http://127.0.0.1:9/', user: 'ann', password: 'x' }, 1000);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/nothing was sent to http:\/\/127\.0\.0\.1:9/) });
    expect(await loadAccount(db)).toBeNull();
  });

  it('refuses a server the app may not reach (its own origin and the built-in sync origins only) with a message that says how to allow it', () => {
    expect(() => checkReachable('https://app.example.org/couchdb', 'https://app.example.org', [])).not.toThrow();
    expect(() => checkReachable('https://couch.example.org', 'https://app.example.org', ['https://couch.example.org'])).not.toThrow();
    expect(() => checkReachable('https://evil.example.net', 'https://app.example.org', ['https://couch.example.org'])).toThrow(
      /may only connect to https:\/\/app\.example\.org, https:\/\/couch\.example\.org, so nothing was sent to https:\/\/evil\.example\.net.*REHEARSE_SYNC_ORIGINS=https:\/\/evil\.example\.net/,
    );
  });
});
