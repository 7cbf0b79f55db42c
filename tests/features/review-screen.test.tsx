import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, within, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { updateSettings } from '../../src/db/settings-repo.ts';
import { createOwnQuestion, updateOwnQuestion } from '../../src/db/library-repo.ts';
import { makeQuestion } from '../fixtures.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
let db: RehearseDb;
let clock: number;
let n = 0;

beforeEach(() => {
  db = openDatabase(`review-screen-${++n}`);
  clock = T0;
});

async function openReview(newPerDay = 2) {
  await updateSettings(db, { newPerDay });
  const user = userEvent.setup();
  render(<App db={db} now={() => clock} initialPath="/review" />);
  await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
  return user;
}

describe('the review screen', () => {
  it('reveals the model answer with Space and grades with the number keys', async () => {
    const user = await openReview();
    const firstPrompt = screen.getByRole('heading', { level: 1 }).textContent;
    expect(screen.queryByRole('group', { name: 'Grade your recall' })).toBeNull();
    await user.keyboard(' ');
    const grades = await screen.findByRole('group', { name: 'Grade your recall' });
    expect(within(grades).getByRole('button', { name: /^Again · 1m/ })).toBeInTheDocument();
    expect(within(grades).getByRole('button', { name: /^Good · 10m/ })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Answer' })).toBeInTheDocument();
    await user.keyboard('3');
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).not.toBe(firstPrompt));
    const log = await db.reviews.toArray();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ rating: 3, reviewedAt: T0 });
  });

  it('suggests nothing before a tick, then a grade with its reason, which the learner can override', async () => {
    const user = await openReview();
    await user.click(screen.getByRole('button', { name: 'Show answer' }));
    const checklist = screen.getByRole('group', { name: /Key points/ });
    const boxes = within(checklist).getAllByRole('checkbox');
    // An untouched checklist says nothing about recall: no button is pre-marked.
    expect(screen.queryByRole('button', { name: /\(suggested\)$/ })).toBeNull();
    expect(screen.queryByText(/Suggested grade:/)).toBeNull();
    await user.click(boxes[0]!);
    expect(screen.getByText(/Suggested grade:/).textContent).toMatch(new RegExp(`Hard \\(1 of ${boxes.length} key points\\)`));
    expect(screen.getByRole('button', { name: /^Hard · .*\(suggested\)$/ })).toBeInTheDocument();
    for (const box of boxes.slice(1)) await user.click(box);
    expect(screen.getByText(/Suggested grade:/).textContent).toMatch(new RegExp(`Good \\(${boxes.length} of ${boxes.length} key points\\)`));
    expect(screen.getByRole('button', { name: /^Good · .*\(suggested\)$/ })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /^Easy/ }));
    await waitFor(async () => expect((await db.reviews.toArray())[0]?.rating).toBe(4));
  });

  it('suggests Again once a typed answer is revealed with nothing ticked', async () => {
    await updateSettings(db, { typeAnswerFirst: true });
    const user = await openReview();
    await user.type(screen.getByRole('textbox', { name: 'Your answer' }), 'no idea');
    await user.click(screen.getByRole('button', { name: 'Show answer' }));
    expect(screen.getByText(/Suggested grade:/).textContent).toMatch(/Again \(0 of \d key points\)/);
  });

  it('undoes the last grade with U, restoring the card and the log', async () => {
    const user = await openReview();
    const cardsBefore = await db.cards.toArray();
    const prompt = screen.getByRole('heading', { level: 1 }).textContent;
    await user.keyboard('{Enter}');
    await screen.findByRole('group', { name: 'Grade your recall' });
    await user.keyboard('1');
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).not.toBe(prompt));
    expect(await db.reviews.count()).toBe(1);
    await user.keyboard('u');
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(prompt));
    expect(await db.reviews.count()).toBe(0);
    expect(await db.cards.toArray()).toEqual(cardsBefore);
    // Ctrl+Z does the same after a fresh grade.
    await user.keyboard('2');
    await waitFor(async () => expect(await db.reviews.count()).toBe(1));
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(async () => expect(await db.reviews.count()).toBe(0));
  });

  it('ends with a summary of cards reviewed, time spent and the share graded Again', async () => {
    const user = await openReview(2);
    for (const rating of ['1', '4']) {
      clock += 8_000;
      await user.keyboard(' ');
      await screen.findByRole('group', { name: 'Grade your recall' });
      clock += 4_000;
      await user.keyboard(rating);
      await waitFor(async () => expect(await db.reviews.count()).toBeGreaterThan(rating === '1' ? 0 : 1));
    }
    // The Again card is in a 1-minute step; with nothing else left it comes back at once.
    await user.keyboard(' ');
    await screen.findByRole('group', { name: 'Grade your recall' });
    await user.keyboard('4');
    const summary = await screen.findByRole('heading', { name: 'Session complete' });
    expect(summary).toBeInTheDocument();
    expect(screen.getByText('Cards studied').nextSibling?.textContent).toBe('2');
    expect(screen.getByText('Reviews').nextSibling?.textContent).toBe('3');
    expect(screen.getByText('Graded Again').nextSibling?.textContent).toBe('33%');
    expect(screen.getByText('Time spent').nextSibling?.textContent).toBe('24s');
  });

  it('lets the learner type an answer first and shows it beside the model answer', async () => {
    await updateSettings(db, { typeAnswerFirst: true });
    const user = await openReview();
    const box = screen.getByRole('textbox', { name: 'Your answer' });
    await user.type(box, 'finally always runs ');
    // Typing a space in the box must not reveal the answer.
    expect(screen.queryByRole('group', { name: 'Grade your recall' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Show answer' }));
    expect(screen.getByRole('textbox', { name: 'Your answer' })).toHaveValue('finally always runs ');
    expect(screen.getByRole('heading', { name: 'Answer' })).toBeInTheDocument();
  });
});

describe('settings during a session', () => {
  it('apply to the next card without a reload', async () => {
    const user = await openReview(3);
    await user.keyboard(' ');
    await screen.findByRole('group', { name: 'Grade your recall' });
    await user.keyboard('3');
    await waitFor(async () => expect(await db.reviews.count()).toBe(1));
    await updateSettings(db, { desiredRetention: 0.8, learningSteps: ['5m'] });
    await user.keyboard(' ');
    // The new learning step shows on the next card's buttons…
    expect(await screen.findByRole('button', { name: /^Again · 5m/ })).toBeInTheDocument();
    await user.keyboard('3');
    await waitFor(async () => expect(await db.reviews.count()).toBe(2));
    // …and the grade was scheduled with the new settings.
    const log = (await db.reviews.toArray()).sort((a, b) => a.reviewedAt - b.reviewedAt || (a.config < b.config ? -1 : 1));
    expect(log.map((r) => r.config.split('|').slice(0, 3).join('|')).sort()).toEqual(['0.8|365|5m', '0.9|365|1m 10m']);
  });

  it('shows an own question in a daily session and follows an edit to it at once', async () => {
    const { id: _id, ...input } = makeQuestion('own-draft', { title: 'Why does my generator stop after one pass?' });
    const created = await createOwnQuestion(db, input, T0);
    if (!created.ok) throw new Error(created.errors.join('; '));
    await openReview(1);
    // Own questions are introduced before the bank's.
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Why does my generator stop after one pass?');
    await updateOwnQuestion(db, created.value.id, { ...input, title: 'Why is my generator empty the second time?' }, T0 + 1);
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Why is my generator empty the second time?'));
  });
});
