import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { createOwnQuestion } from '../../src/db/library-repo.ts';
import { updateSettings } from '../../src/db/settings-repo.ts';
import { DEFAULT_PARAMETERS } from '../../src/core/scheduling/fsrs.ts';
import { useWriteFailure } from '../../src/ui/write-failures.tsx';
import { makeQuestion } from '../fixtures.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
let db: RehearseDb;
let n = 0;
/** When set, the real database refuses every write as a full disk would. */
let diskFull = false;
const rejections: unknown[] = [];
const onRejection = (event: PromiseRejectionEvent) => rejections.push(event.reason);

beforeEach(() => {
  diskFull = false;
  rejections.length = 0;
  useWriteFailure.getState().dismiss();
  window.addEventListener('unhandledrejection', onRejection);
  db = openDatabase(`write-failures-${++n}`);
  // A Dexie middleware at the bottom of the stack: the app's own code runs unchanged above it.
  db.use({
    stack: 'dbcore',
    name: 'disk-full',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (request) => (diskFull ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : table.mutate(request)),
        };
      },
    }),
  });
});

afterEach(() => window.removeEventListener('unhandledrejection', onRejection));

async function open(path: string) {
  const user = userEvent.setup();
  render(<App db={db} now={() => T0} initialPath={path} />);
  await screen.findByRole('heading', { level: 1 }, { timeout: 20_000 });
  return user;
}

const FULL = /could not be saved: this device’s storage is full\. Nothing was changed; free some space, then try again\./;

async function everything() {
  const [settings, flags, notes, customQuestions, cards] = await Promise.all([
    db.settings.toArray(), db.flags.toArray(), db.notes.toArray(), db.customQuestions.toArray(), db.cards.toArray(),
  ]);
  return { settings, flags, notes, customQuestions, cards };
}

describe('with storage full, every write says what was not saved and changes nothing', () => {
  it('Settings: saving the form and changing the theme', async () => {
    const user = await open('/settings');
    await screen.findByRole('button', { name: 'Save settings' });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Save settings' })).toBeEnabled());
    const before = await everything();
    diskFull = true;
    await user.click(screen.getByRole('radio', { name: 'dark' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(new RegExp(`^The theme ${FULL.source}`));
    const perDay = screen.getByRole('spinbutton', { name: 'New cards per day' });
    await user.clear(perDay);
    await user.type(perDay, '7');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(new RegExp(`^Your settings ${FULL.source}`)));
    // What was typed stays in the form, and is not claimed as saved.
    expect(perDay).toHaveValue(7);
    expect(screen.queryByText(/^Saved/)).toBeNull();
    diskFull = false;
    expect(await everything()).toEqual(before);
    expect(rejections).toEqual([]);
  });

  it('a question: flag, suspend, note, and adding an own question', async () => {
    await createOwnQuestion(db, { ...makeQuestion('x'), title: 'Why do generators pause?' }, T0);
    const own = (await db.customQuestions.toArray())[0]!;
    const user = await open(`/library/${own.id}`);
    const before = await everything();
    diskFull = true;
    await user.click(screen.getByRole('button', { name: 'Flag' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(new RegExp(`^The flag ${FULL.source}`));
    expect(screen.getByRole('button', { name: 'Flag' })).toHaveAttribute('aria-pressed', 'false');
    await user.click(screen.getByRole('button', { name: 'Suspend' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(new RegExp(`^Suspending this question ${FULL.source}`)));
    await user.type(screen.getByRole('textbox', { name: 'Your note' }), 'x');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(new RegExp(`^Your note ${FULL.source}`)), { timeout: 20_000 });
    expect(screen.getByText('The note could not be saved.')).toBeInTheDocument();
    diskFull = false;
    expect(await everything()).toEqual(before);
    expect(rejections).toEqual([]);
  });

  it('adding an own question keeps the form filled and stores nothing', async () => {
    const user = await open('/library/new');
    await user.type(screen.getByLabelText('Question'), 'What does a full disk do?');
    await user.type(screen.getByLabelText('Topic'), 'Storage');
    await user.clear(screen.getByLabelText('Difficulty (1–10)'));
    await user.type(screen.getByLabelText('Difficulty (1–10)'), '5');
    await user.type(screen.getByLabelText('Answer'), 'It refuses writes.');
    await user.type(screen.getByLabelText('Key points'), 'One{enter}Two{enter}Three');
    await user.type(screen.getByLabelText('Deep explanation'), 'Deep.');
    await user.type(screen.getByLabelText('Real-world example'), 'Example.');
    await user.type(screen.getByLabelText('Common mistakes'), '**A.** a{enter}**B.** b{enter}**C.** c');
    await user.type(screen.getByLabelText('Production scenario'), 'Scenario.');
    await user.type(screen.getByLabelText('Follow-up questions'), 'Why?{enter}How?');
    const before = await everything();
    diskFull = true;
    await user.click(screen.getByRole('button', { name: 'Add question' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(new RegExp(`^Your question ${FULL.source}`));
    expect(screen.getByLabelText('Question')).toHaveValue('What does a full disk do?');
    diskFull = false;
    expect(await everything()).toEqual(before);
    expect(rejections).toEqual([]);
  });

  it('review: a refused grade, undo, bury or suspend keeps the card on screen and says so in the one message', async () => {
    const user = await open('/review');
    const prompt = () => screen.getByRole('heading', { level: 1 }).textContent;
    await user.click(await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 }));
    await user.click(screen.getByRole('button', { name: /^Good/ }));
    await user.click(await screen.findByRole('button', { name: 'Show answer' }));
    const shown = prompt();
    const before = { ...(await everything()), reviews: await db.reviews.toArray() };
    diskFull = true;
    await user.click(screen.getByRole('button', { name: /^Good/ }));
    expect((await screen.findByRole('alert')).textContent).toMatch(new RegExp(`^This grade ${FULL.source}`));
    expect(prompt()).toBe(shown);
    expect(screen.getByRole('button', { name: /^Good/ })).toBeEnabled();
    for (const [button, what] of [['Undo', 'Undoing your last grade'], ['Bury until tomorrow', 'Burying this card'], ['Suspend', 'Suspending this card']] as const) {
      await user.click(screen.getByRole('button', { name: button }));
      await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(new RegExp(`^${what} ${FULL.source}`)));
      expect(prompt()).toBe(shown);
    }
    diskFull = false;
    expect({ ...(await everything()), reviews: await db.reviews.toArray() }).toEqual(before);
    // With space again the same grade goes through, and the message goes away.
    await user.click(screen.getByRole('button', { name: /^Good/ }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(await db.reviews.count()).toBe(2);
    expect(rejections).toEqual([]);
  });

  it('Settings: the retention helper’s Use and Reset to default parameters say what was not saved, not a raw error', async () => {
    await updateSettings(db, { interviewDate: '2026-06-20', desiredRetention: 0.7, fsrsParameters: [...DEFAULT_PARAMETERS] });
    const user = await open('/settings');
    const compare = await screen.findByRole('button', { name: 'Compare retentions' });
    await waitFor(() => expect(compare).toBeEnabled());
    await user.click(compare);
    const use = await screen.findByRole('button', { name: /^Use \d+ %$/ }, { timeout: 20_000 });
    const before = await everything();
    diskFull = true;
    await user.click(use);
    expect((await screen.findByRole('alert')).textContent).toMatch(new RegExp(`^The desired retention ${FULL.source}`));
    expect(screen.queryByText(/^Nothing changed:/)).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Reset to default parameters' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(new RegExp(`^Going back to the default parameters ${FULL.source}`)));
    expect(screen.queryByText(/^Nothing changed:/)).toBeNull();
    diskFull = false;
    expect(await everything()).toEqual(before);
    expect(rejections).toEqual([]);
  });
});
