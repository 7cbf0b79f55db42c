import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { updateSettings } from '../../src/db/settings-repo.ts';
import { formatInterval } from '../../src/core/scheduling/fsrs.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
const MIN = 60_000;
let db: RehearseDb;
let clock: number;
let n = 0;

beforeEach(() => {
  db = openDatabase(`review-learning-${++n}`);
  clock = T0;
});

async function open(path: string, settings: Parameters<typeof updateSettings>[1]) {
  await updateSettings(db, settings);
  const user = userEvent.setup();
  render(<App db={db} now={() => clock} initialPath={path} />);
  return user;
}

const prompt = () => screen.getByRole('heading', { level: 1 }).textContent;
const progressText = () => screen.getByRole('progressbar', { name: 'Session progress' }).nextElementSibling?.textContent;

async function gradeShown(user: ReturnType<typeof userEvent.setup>, key: string) {
  await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
  await user.keyboard(' ');
  await screen.findByRole('group', { name: 'Grade your recall' });
  await user.keyboard(key);
}

describe('learning cards in a session', () => {
  it('shows a learning card again at once when it is due within the learn-ahead limit and nothing else is left', async () => {
    const user = await open('/review', { newPerDay: 1, learnAheadMinutes: 20 });
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    const first = prompt();
    await gradeShown(user, '3'); // Good: back in 10 minutes
    await waitFor(async () => expect(await db.reviews.count()).toBe(1));
    await screen.findByRole('button', { name: 'Show answer' });
    expect(prompt()).toBe(first);
    expect(progressText()).toBe('1 of 1 · 1 coming back');
  });

  it('beyond the limit, says when the card comes back, counts down, and brings it back without navigation', async () => {
    const user = await open('/review', { newPerDay: 1, learnAheadMinutes: 5 });
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    const first = prompt();
    await gradeShown(user, '3');
    const heading = await screen.findByRole('heading', { name: 'Session complete' });
    const back = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(T0 + 5 * MIN));
    expect(screen.getByText(/learning card comes back later today/).textContent).toBe(
      `1 learning card comes back later today. The next shows here today at ${back}, in 5:00.`,
    );
    expect(heading).toHaveFocus();
    clock += 5 * MIN;
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    expect(prompt()).toBe(first);
  });

  it('after a restart, keeps learning cards due later today in the session instead of forgetting them', async () => {
    const user = await open('/review', { newPerDay: 2, learnAheadMinutes: 0 });
    await gradeShown(user, '3');
    await waitFor(async () => expect(await db.reviews.count()).toBe(1));
    await gradeShown(user, '3');
    await screen.findByRole('heading', { name: 'Session complete' });
    expect(screen.getByText(/2 learning cards come back later today/)).toBeInTheDocument();
    // Open Today, then start again: the two learning cards are counted and waited for.
    await user.click(screen.getByRole('link', { name: 'Back to Today' }));
    const counts = await screen.findByLabelText('Due today');
    expect(within(counts).getByText('Learning').nextSibling?.textContent).toBe('2');
    expect(screen.getByText(/2 learning cards come back later today/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Start review' })).toBeNull();
    clock += 10 * MIN;
    // No navigation: Today notices the cards falling due by itself.
    await screen.findByRole('link', { name: 'Start review' }, { timeout: 20_000 });
    expect(within(await screen.findByLabelText('Due today')).getByText('Learning').nextSibling?.textContent).toBe('2');
    expect(screen.queryByText(/come back later today/)).toBeNull();
    await user.click(screen.getByRole('link', { name: 'Start review' }));
    await screen.findByRole('button', { name: 'Show answer' });
    expect(progressText()).toBe('0 of 2');
  });
});

describe('the end of a session', () => {
  it('counts cards and reviews apart, says when the next card is due, and offers Study more in one step', async () => {
    const user = await open('/review', { newPerDay: 1, learnAheadMinutes: 20 });
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    expect(progressText()).toBe('0 of 1');
    await gradeShown(user, '1'); // Again: back in a minute, shown at once (learn ahead)
    await waitFor(() => expect(progressText()).toBe('1 of 1 · 1 coming back'));
    await gradeShown(user, '4');
    const heading = await screen.findByRole('heading', { name: 'Session complete' });
    expect(heading).toHaveFocus();
    expect(screen.getByText('Cards studied').nextSibling?.textContent).toBe('1');
    expect(screen.getByText('Reviews').nextSibling?.textContent).toBe('2');
    expect(await screen.findByText(/^Your next card is due /)).toBeInTheDocument();
    const more = screen.getByRole('button', { name: 'Study more' });
    expect(more).toHaveAccessibleDescription('Study more: 10 new cards beyond today’s limit.');
    await user.click(more);
    await screen.findByRole('button', { name: 'Show answer' });
    expect(progressText()).toBe('0 of 10');
    expect(await db.reviews.count()).toBe(2);
  });
});

describe('grading safely', () => {
  it('ignores a key pressed while a grade is in flight: one grade, and the next card is not graded', async () => {
    const user = await open('/review', { newPerDay: 3 });
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    const first = prompt();
    await user.keyboard(' ');
    await screen.findByRole('group', { name: 'Grade your recall' });
    await user.keyboard('31');
    await waitFor(() => expect(prompt()).not.toBe(first));
    expect(screen.getByRole('button', { name: 'Show answer' })).toBeInTheDocument();
    const log = await db.reviews.toArray();
    expect(log.map((r) => r.rating)).toEqual([3]);
  });

  it('keeps the same card on screen with the reason when a grade fails', async () => {
    const user = await open('/review', { newPerDay: 2 });
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    const first = prompt();
    await user.keyboard(' ');
    await screen.findByRole('group', { name: 'Grade your recall' });
    // The card's row vanishes underneath (another tab replaced the collection): the grade cannot be saved.
    const shown = (await db.cards.toArray()).filter((c) => c.bucket === 0).sort((a, b) => a.due - b.due)[0]!.id;
    await db.cards.delete(shown);
    await user.keyboard('3');
    expect(await screen.findByRole('alert')).toHaveTextContent(`This grade could not be saved: Card ${shown} does not exist. Nothing was changed; try again.`);
    expect(prompt()).toBe(first);
    expect(screen.getByRole('group', { name: 'Grade your recall' })).toBeInTheDocument();
    expect(await db.reviews.count()).toBe(0);
  });
});

describe('the interval on a grade button', () => {
  it('is the interval the grade schedules, even when the learner grades a while after the reveal', async () => {
    const user = await open('/review', { newPerDay: 1 });
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    await user.keyboard(' ');
    const easy = await screen.findByRole('button', { name: /^Easy · / });
    const shown = /^Easy · (\d+(?:\.\d)?(?:mo|[mhdy]))/.exec(easy.textContent ?? '')![1];
    clock += 90_000; // a minute and a half spent reading the model answer
    await user.keyboard('4');
    await waitFor(async () => expect(await db.reviews.count()).toBe(1));
    const [review] = await db.reviews.toArray();
    const card = await db.cards.get(review!.cardId);
    expect(formatInterval(card!.due - review!.reviewedAt)).toBe(shown);
    expect(review!.reviewedAt).toBe(T0);
    expect(review!.durationMs).toBe(90_000);
  });

  it('is recomputed when a new study day begins with the answer open, before any grade is saved', async () => {
    clock = new Date(2026, 4, 10, 3, 59).getTime(); // the study day starts at 04:00
    const user = await open('/review', { newPerDay: 1, dayStartHour: 4 });
    await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
    await user.keyboard(' ');
    await screen.findByRole('group', { name: 'Grade your recall' });
    clock = new Date(2026, 4, 10, 4, 1).getTime();
    await user.keyboard('3');
    expect(await screen.findByRole('alert')).toHaveTextContent('A new study day began while this answer was open');
    expect(await db.reviews.count()).toBe(0);
    await user.keyboard('3');
    await waitFor(async () => expect(await db.reviews.count()).toBe(1));
    expect((await db.reviews.toArray())[0]!.reviewedAt).toBe(clock);
  });
});
