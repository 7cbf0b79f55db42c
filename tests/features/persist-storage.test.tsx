import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { getMeta, updateSettings } from '../../src/db/settings-repo.ts';
import { PERSIST_ASKED_KEY } from '../../src/features/review/persist-storage.tsx';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
let db: RehearseDb;
let n = 0;

/** The browser's StorageManager, as far as persistence goes: the browser API is stubbed, not our code. */
function stubStorage(answer: boolean) {
  const calls = { persist: 0, persisted: 0 };
  Object.defineProperty(navigator, 'storage', {
    configurable: true,
    value: {
      persisted: async () => {
        calls.persisted++;
        return false;
      },
      persist: async () => {
        calls.persist++;
        return answer;
      },
    },
  });
  return calls;
}

beforeEach(() => {
  db = openDatabase(`persist-storage-${++n}`);
});
afterEach(() => {
  Reflect.deleteProperty(navigator, 'storage');
});

async function finishOneCard(user: ReturnType<typeof userEvent.setup>) {
  await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
  await user.keyboard(' ');
  await screen.findByRole('group', { name: 'Grade your recall' });
  await user.keyboard('4');
  await screen.findByRole('heading', { name: 'Session complete' });
}

describe('asking the browser to keep the data', () => {
  it('asks only after the first finished session, once, and explains a refusal with a way to Backup', async () => {
    const calls = stubStorage(false);
    await updateSettings(db, { newPerDay: 1 });
    const user = userEvent.setup();
    render(<App db={db} now={() => T0} initialPath="/" />);
    await user.click(await screen.findByRole('link', { name: 'Start review' }, { timeout: 20_000 }));
    // A first visit has nothing to lose yet: no request.
    expect(calls.persist).toBe(0);
    await finishOneCard(user);

    const note = await screen.findByText(/did not agree to keep Rehearse’s data for good/);
    expect(note).toHaveTextContent('it may clear it if the device runs short of space');
    expect(screen.getByRole('link', { name: 'Settings → Backup' })).toHaveAttribute('href', '/settings');
    expect(calls.persist).toBe(1);
    expect(await getMeta(db, PERSIST_ASKED_KEY)).toEqual({ at: T0, granted: false });

    // The next session does not ask again, nor repeat the note.
    cleanup();
    await updateSettings(db, { newPerDay: 2 });
    render(<App db={db} now={() => T0} initialPath="/review" />);
    await finishOneCard(user);
    await waitFor(() => expect(calls.persisted).toBe(1));
    expect(calls.persist).toBe(1);
    expect(screen.queryByText(/did not agree to keep/)).toBeNull();
  });

  it('says nothing when the browser agrees, and remembers it asked', async () => {
    const calls = stubStorage(true);
    await updateSettings(db, { newPerDay: 1 });
    const user = userEvent.setup();
    render(<App db={db} now={() => T0} initialPath="/review" />);
    await finishOneCard(user);
    await waitFor(async () => expect(await getMeta(db, PERSIST_ASKED_KEY)).toEqual({ at: T0, granted: true }));
    expect(calls.persist).toBe(1);
    expect(screen.queryByText(/did not agree to keep/)).toBeNull();
  });
});
