// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain Node script without type declarations
import { startSyncServer, databaseFor } from '../../src/server/sync-server.mjs';

let server: { url: string; stop(): Promise<void> };
let db: string;
let cookie = '';

async function put(id: string, body: object, rev?: string) {
  const response = await fetch(`${db}/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ ...body, ...(rev ? { _rev: rev } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as { rev?: string; reason?: string } };
}

const review = (id: string, patch: object = {}) => ({
  kind: 'review',
  review: { id, cardId: 'py-a#answer', rating: 3, reviewedAt: 1, durationMs: 1, before: {}, config: '', ...patch },
});

beforeAll(async () => {
  server = await startSyncServer({ users: [{ user: 'ann', password: 'right' }] });
  db = `${server.url}/${databaseFor('ann')}`;
}, 90_000);
afterAll(() => server?.stop());

describe('npm run sync-server', () => {
  it('refuses a wrong password and opens a cookie session for the right one', async () => {
    const login = (password: string) =>
      fetch(`${server.url}/_session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'ann', password }) });
    expect((await login('wrong')).status).toBe(401);
    const ok = await login('right');
    expect(ok.status).toBe(200);
    cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^AuthSession=/);
    // Without the session the learner's database is closed.
    expect((await fetch(db)).status).toBe(401);
  });

  it('keeps the review log append-only and rejects malformed reviews', async () => {
    const first = await put('review:r1', review('r1'));
    expect(first.status).toBe(201);
    const edit = await put('review:r1', review('r1', { rating: 4 }), first.body.rev);
    expect(edit.status).toBe(403);
    expect(edit.body.reason).toMatch(/append-only/);
    expect((await put('review:r2', review('r2', { rating: 7 }))).status).toBe(403);
    expect((await put('review:r3', review('r3', { cardId: '' }))).body.reason).toMatch(/card id/);
    // Mutable documents are ordinary CouchDB documents.
    expect((await put('cardmeta:py-a', { kind: 'cardmeta', fields: {} })).status).toBe(201);
  });
});
