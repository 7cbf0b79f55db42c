import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, within, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { updateSettings, loadSettings } from '../../src/db/settings-repo.ts';
import { gradeCard, loadTodayQueue } from '../../src/db/cards-repo.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
let db: RehearseDb;
let clock: number;
let n = 0;

beforeEach(() => {
  db = openDatabase(`review-keys-${++n}`);
  clock = T0;
});

async function openReview(newPerDay = 3) {
  await updateSettings(db, { newPerDay });
  const user = userEvent.setup();
  render(<App db={db} now={() => clock} initialPath="/review" />);
  await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
  return user;
}

const prompt = () => screen.getByRole('heading', { level: 1 }).textContent;

async function reveal(user: ReturnType<typeof userEvent.setup>) {
  await user.keyboard(' ');
  return screen.findByRole('group', { name: 'Grade your recall' });
}

describe('review keys with focus on a control', () => {
  it('grades with a number key while a ticked checkbox has focus', async () => {
    const user = await openReview();
    await reveal(user);
    const box = within(screen.getByRole('group', { name: /Key points/ })).getAllByRole('checkbox')[0]!;
    await user.click(box);
    expect(box).toHaveFocus();
    expect(box).toBeChecked();
    await user.keyboard('2');
    await waitFor(async () => expect((await db.reviews.toArray()).map((r) => r.rating)).toEqual([2]));
  });

  it('undoes with U and Ctrl+Z while a details summary has focus', async () => {
    const user = await openReview();
    const first = prompt();
    await reveal(user);
    await user.keyboard('3');
    await waitFor(() => expect(prompt()).not.toBe(first));
    await user.keyboard('u');
    await waitFor(() => expect(prompt()).toBe(first));
    expect(await db.reviews.count()).toBe(0);
    const summary = screen.getByText('Deep explanation');
    summary.focus();
    await user.keyboard('4');
    await waitFor(async () => expect(await db.reviews.count()).toBe(1));
    screen.getByRole('button', { name: 'Show answer' }).focus();
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(async () => expect(await db.reviews.count()).toBe(0));
  });

  it('grades Good with Space on the answer side, but Space on a focused checkbox ticks it', async () => {
    const user = await openReview();
    const first = prompt();
    await reveal(user);
    const box = within(screen.getByRole('group', { name: /Key points/ })).getAllByRole('checkbox')[1]!;
    box.focus();
    await user.keyboard(' ');
    expect(box).toBeChecked();
    expect(await db.reviews.count()).toBe(0);
    // Focus back on the answer: Space is Good.
    screen.getByRole('group', { name: 'Model answer' }).focus();
    await user.keyboard(' ');
    await waitFor(() => expect(prompt()).not.toBe(first));
    expect((await db.reviews.toArray()).map((r) => r.rating)).toEqual([3]);
  });

  it('keeps the keys of a text box: digits typed into the note are text, not grades', async () => {
    const user = await openReview();
    await reveal(user);
    await user.keyboard('n');
    const note = await screen.findByRole('textbox', { name: 'Your note on this question' });
    await waitFor(() => expect(note).toHaveFocus());
    await user.keyboard('use 3 examples ');
    expect(note).toHaveValue('use 3 examples ');
    expect(await db.reviews.count()).toBe(0);
    await user.click(screen.getByRole('group', { name: 'Model answer' }));
    await waitFor(async () => expect((await db.notes.toArray()).map((r) => r.text)).toEqual(['use 3 examples ']));
    expect(screen.getByText('Note saved.')).toBeInTheDocument();
  });

  it('opens a list of shortcuts with ? and closes it with Escape', async () => {
    const user = await openReview();
    await user.keyboard('?');
    const list = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(list).getByText('Bury this card until tomorrow')).toBeInTheDocument();
    expect(within(list).getByText('Grade Again, Hard, Good, Easy')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull();
  });

  it('shows a one-line key hint on the answer side only', async () => {
    const user = await openReview();
    expect(screen.queryByText(/all shortcuts/)).toBeNull();
    await reveal(user);
    expect(screen.getByText(/all shortcuts/).textContent).toMatch(/1–4 grade, Space Good, U undo, \? all shortcuts/);
  });
});

describe('card actions during a review', () => {
  it('buries the card with B: it leaves today’s queue and returns on the next study day', async () => {
    const user = await openReview(3);
    const first = prompt();
    const firstId = (await loadTodayQueue(db, await loadSettings(db).then((s) => s.settings), clock)).cards[0]!.id;
    await user.keyboard('b');
    await waitFor(() => expect(prompt()).not.toBe(first));
    expect(screen.getByText('Buried until tomorrow.')).toBeInTheDocument();
    expect(screen.getByText('0 of 2')).toBeInTheDocument();
    const settings = (await loadSettings(db)).settings;
    const later = await loadTodayQueue(db, settings, clock + 3 * 3_600_000);
    expect(later.cards.map((c) => c.id)).not.toContain(firstId);
    // The study day starts at 04:00: the next morning it is back.
    const tomorrow = new Date(2026, 4, 11, 4, 30).getTime();
    expect((await loadTodayQueue(db, settings, tomorrow)).cards.map((c) => c.id)).toContain(firstId);
    // Burying is not a grade: the log stays empty.
    expect(await db.reviews.count()).toBe(0);
  });

  it('suspends the card with S, flags the question with F, by key and by button', async () => {
    const user = await openReview(3);
    const firstId = (await loadTodayQueue(db, (await loadSettings(db)).settings, clock)).cards[0]!.id;
    const questionId = firstId.split('#')[0]!;
    await user.keyboard('f');
    await waitFor(async () => expect(await db.flags.get(questionId)).toBeDefined());
    expect(await screen.findByRole('button', { name: /^Flagged/, pressed: true })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /^Flagged/ }));
    await waitFor(async () => expect(await db.flags.get(questionId)).toBeUndefined());
    await user.keyboard('s');
    await waitFor(async () => expect((await db.cards.get(firstId))?.suspended).toBe(true));
    expect(await screen.findByText(/Suspended: it stays out of reviews/)).toBeInTheDocument();
    const secondPrompt = prompt();
    const secondId = (await loadTodayQueue(db, (await loadSettings(db)).settings, clock)).cards[0]!.id;
    await user.click(screen.getByRole('button', { name: /^Bury until tomorrow/ }));
    await waitFor(() => expect(prompt()).not.toBe(secondPrompt));
    const queue = (await loadTodayQueue(db, (await loadSettings(db)).settings, clock)).cards.map((c) => c.id);
    expect(queue).not.toContain(firstId);
    expect(queue).not.toContain(secondId);
    // A month on, the suspended card is still out; the buried one is back.
    const later = (await loadTodayQueue(db, { ...(await loadSettings(db)).settings, newPerDay: 500 }, clock + 30 * 86_400_000)).cards.map((c) => c.id);
    expect(later).not.toContain(firstId);
    expect(later).toContain(secondId);
  });
});

describe('Study it now from the Library', () => {
  it('does not warn about early reviews on a question never studied, but does on one not yet due', async () => {
    const view = render(<App db={db} now={() => clock} initialPath="/review?question=py-context-managers&ahead=1" />);
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    expect(screen.queryByText(/Practising ahead/)).toBeNull();
    view.unmount();

    const settings = (await loadSettings(db)).settings;
    for (const cardId of ['py-context-managers#answer', 'py-context-managers#mistakes']) {
      await gradeCard(db, { cardId, rating: 4, now: clock - 86_400_000, durationMs: 5_000, settings });
    }
    render(<App db={db} now={() => clock} initialPath="/review?question=py-context-managers&ahead=1" />);
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    expect(screen.getByText(/Practising ahead reviews cards before they are due/)).toBeInTheDocument();
  });
});
