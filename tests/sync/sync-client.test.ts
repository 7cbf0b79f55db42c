import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { loadAccount, saveAccount } from '../../src/db/sync-repo.ts';
import { connect, databaseFor, normaliseServer } from '../../src/sync/sync-client.ts';

describe('connecting a device to a sync account', () => {
  it('refuses to mix this device with a different account without asking, and changes nothing', async () => {
    const db = openDatabase('sync-client-other');
    const ann = { server: 'http://127.0.0.1:5984', user: 'ann', database: databaseFor('ann'), connected: false, lastSyncAt: 5 };
    await saveAccount(db, ann);
    const result = await connect(db, { server: 'http://127.0.0.1:5984/', user: 'eve', password: 'x' }, 1000);
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

  it('keeps only the origin of the address (what the CSP connect-src must allow) and names the database as CouchDB per-user databases do', () => {
    expect(normaliseServer(' https://couch.example.org:6984/some/path/ ')).toBe('https://couch.example.org:6984');
    expect(() => normaliseServer('ftp://couch.example.org')).toThrow(/https/);
    expect(databaseFor('ann')).toBe('userdb-616e6e');
  });
});
