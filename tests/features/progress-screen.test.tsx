import { beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { loadSettings, updateSettings } from '../../src/db/settings-repo.ts';
import { gradeCard, memoryOf, setQuestionSuspended, syncBankCards } from '../../src/db/cards-repo.ts';
import { loadBank } from '../../src/db/bank.ts';
import { encodeConfig, scheduleConfigFrom, type Rating } from '../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { studyDayStart } from '../../src/core/scheduling/day.ts';

const at = (m: number, d: number, h: number, min = 0) => new Date(2026, m - 1, d, h, min).getTime();
const T0 = at(5, 10, 9); // Sunday 10 May 2026, 09:00; the study day starts at 04:00
let db: RehearseDb;
let n = 0;
let strong: string[]; // cards of Python · Testing & Production
let weak: string[]; // cards of Machine learning · ML in Production

async function seed() {
  const bank = await loadBank();
  await syncBankCards(db, bank, at(4, 1, 9));
  const cardsOf = (technology: string, topic: string) =>
    bank.questions.filter((q) => q.technology === technology && q.topic === topic).flatMap((q) => [`${q.id}#answer`, `${q.id}#mistakes`]);
  strong = cardsOf('python', 'Testing & Production');
  weak = cardsOf('ml', 'ML in Production');
  const gradeAt = (cardId: string, rating: Rating, now: number) => gradeCard(db, { cardId, rating, now, durationMs: 10_000, settings: DEFAULT_SETTINGS });
  for (const id of strong) {
    await gradeAt(id, 3, at(4, 10, 10)); // learning step
    await gradeAt(id, 3, at(4, 10, 10, 11)); // graduates to review
    await gradeAt(id, 3, at(4, 30, 10)); // a review-state pass
  }
  for (const id of weak) {
    await gradeAt(id, 1, at(5, 8, 10));
    await gradeAt(id, 1, at(5, 8, 10, 2));
  }
  await gradeAt(strong[0]!, 2, at(5, 9, 10)); // review-state pass
  await gradeAt(strong[1]!, 1, at(5, 9, 10)); // review-state lapse
  await gradeAt(weak[0]!, 3, at(5, 9, 10)); // still learning
  await gradeAt(strong[2]!, 4, at(5, 10, 8)); // review-state pass, today
}

beforeEach(async () => {
  db = openDatabase(`progress-screen-${++n}`);
  await seed();
});

async function openProgress() {
  const user = userEvent.setup();
  const view = render(<App db={db} now={() => T0} initialPath="/progress" />);
  await screen.findByRole('heading', { name: 'Progress', level: 1 }, { timeout: 20_000 });
  return { user, view };
}

function topicRow(name: string): HTMLElement {
  return screen.getByRole('link', { name: `Drill ${name}` }).closest('tr')!;
}
const percentIn = (cell: HTMLElement) => Number(/(\d+)%/.exec(cell.textContent ?? '')![1]);

describe('the Progress screen', () => {
  it('ranks a topic graded Good above one graded Again, with links to its Library view and a focused session', async () => {
    await openProgress();
    const strongRow = topicRow('Testing & Production');
    const weakRow = topicRow('ML in Production');
    const [strongMastery, strongCoverage] = within(strongRow).getAllByRole('cell');
    const [weakMastery, weakCoverage] = within(weakRow).getAllByRole('cell');
    expect(percentIn(strongMastery!)).toBeGreaterThan(percentIn(weakMastery!));
    expect(strongCoverage).toHaveTextContent('100%');
    expect(weakCoverage).toHaveTextContent('100%');
    expect(strongRow).toHaveTextContent(`0 new · 1 learning · ${strong.length - 1} review · 0 suspended`);
    expect(weakRow).toHaveTextContent(`0 new · ${weak.length} learning · 0 review · 0 suspended`);
    expect(within(strongRow).getByRole('link', { name: 'Testing & Production' })).toHaveAttribute(
      'href',
      '/library?technology=python&topic=Testing%20%26%20Production',
    );
    expect(within(strongRow).getByRole('link', { name: 'Drill Testing & Production' })).toHaveAttribute(
      'href',
      '/review?technology=python&topic=Testing%20%26%20Production',
    );
    // Within a technology, the weakest topic comes first; never-studied topics sit at 0%.
    const mlTable = screen.getByRole('table', { name: 'Machine learning' });
    const firstMl = within(mlTable).getAllByRole('row')[1]!;
    expect(percentIn(within(firstMl).getAllByRole('cell')[0]!)).toBe(0);
  });

  it('shows review statistics computed from the log: streak, heatmap, retention, time and grades', async () => {
    await openProgress();
    const total = 3 * strong.length + 2 * weak.length + 4;
    // A first visit tallies the year's reviews after showing mastery.
    expect(await screen.findByText(`${total} reviews on 5 of the last 365 days.`, { exact: false }, { timeout: 20_000 })).toBeInTheDocument();
    const overview = screen.getByLabelText('Overview');
    expect(within(overview).getByText('Current streak').nextSibling).toHaveTextContent('3 days');
    // True retention: 7 days → Hard, Again, Easy on review cards: 2 of 3; 30 days adds the passes of 30 April.
    const retention = screen.getByText('Last 7 days').closest('dl')!;
    expect(within(retention).getByText('Last 7 days').nextSibling).toHaveTextContent('67%');
    const passes30 = strong.length + 2;
    expect(within(retention).getByText('Last 30 days').nextSibling).toHaveTextContent(`${Math.round((passes30 / (passes30 + 1)) * 100)}%`);
    // Time: 10 s a review; 10 April is more than 30 days ago.
    const seconds = (total - 2 * strong.length) * 10;
    expect(screen.getByText(new RegExp(`^${Math.floor(seconds / 60)}m ${seconds % 60 ? `${seconds % 60}s ` : ''}in total`))).toBeInTheDocument();
    const grades = screen.getByRole('table', { name: 'Grades over the last 365 days' });
    const again = within(grades).getByRole('row', { name: /Again/ });
    expect(within(again).getAllByRole('cell').map((c) => c.textContent)).toEqual([
      String(2 * weak.length + 1),
      `${Math.round(((2 * weak.length + 1) / total) * 100)}%`,
    ]);
    const good = within(grades).getByRole('row', { name: /Good/ });
    expect(within(good).getAllByRole('cell')[0]).toHaveTextContent(String(3 * strong.length + 1));
    // Every chart has a text alternative.
    expect(screen.getByRole('table', { name: 'Reviews per month over the last 365 days' })).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Cards due per day' })).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Time spent per day' })).toBeInTheDocument();
  });

  it('forecasts due cards with overdue ones counted today', async () => {
    const tomorrow = studyDayStart(T0, 4, 1);
    const dueToday = (await db.cards.toArray()).filter((c) => c.state !== 0 && !c.suspended && !c.hidden && c.due < tomorrow).length;
    expect(dueToday).toBeGreaterThan(0);
    await openProgress();
    expect(screen.getByText(new RegExp(`^${dueToday} due today \\(overdue included\\)`))).toBeInTheDocument();
    const overview = screen.getByLabelText('Overview');
    expect(within(overview).getByText('Due today').nextSibling).toHaveTextContent(String(dueToday));
  });

  it('counts suspended cards apart and leaves them out of mastery', async () => {
    const bank = await loadBank();
    const question = bank.questions.find((q) => q.technology === 'llm')!;
    await setQuestionSuspended(db, question.id, true);
    await openProgress();
    const row = topicRow(question.topic);
    expect(row).toHaveTextContent('2 suspended');
    const states = screen.getByText('Suspended', { selector: 'dt' }).closest('dl')!;
    expect(within(states).getByText('Suspended').nextSibling).toHaveTextContent('2');
  });

  it('predicts recall on an upcoming interview date and counts the reviews scheduled before it', async () => {
    await updateSettings(db, { interviewDate: '2026-05-20' });
    const interviewStart = new Date(2026, 4, 20, 4).getTime();
    const scheduled = (await db.cards.toArray()).filter((c) => c.state !== 0 && !c.suspended && !c.hidden && c.due < interviewStart).length;
    await openProgress();
    expect(screen.getByText(/Interview on/)).toHaveTextContent(/in 10 days/);
    expect(screen.getByText(/scheduled before it/)).toHaveTextContent(new RegExp(`^${scheduled} reviews? (is|are) scheduled before it`));
    const predicted = screen.getByRole('table', { name: /Predicted recall per topic/ });
    const row = within(predicted).getByRole('row', { name: /ML in Production/ });
    const [onTheDay, today] = within(row).getAllByRole('cell');
    expect(percentIn(onTheDay!)).toBeLessThan(percentIn(today!));
    expect(screen.getByRole('heading', { name: 'Weakest topics on the day' })).toBeInTheDocument();
  });

  it('says when the interview date has passed and shows mastery now', async () => {
    await updateSettings(db, { interviewDate: '2026-05-01' });
    await openProgress();
    expect(screen.getByText(/has passed/)).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: /Predicted recall per topic/ })).toBeNull();
    expect(topicRow('Testing & Production')).toBeInTheDocument();
  });

  it('sets and clears the interview date from the screen', async () => {
    const { user } = await openProgress();
    const input = screen.getByLabelText('Interview date');
    await user.type(input, '2026-06-01');
    await user.click(screen.getByRole('button', { name: 'Save date' }));
    await screen.findByRole('table', { name: /Predicted recall per topic/ }, { timeout: 20_000 });
    expect((await loadSettings(db)).settings.interviewDate).toBe('2026-06-01');
    await user.click(screen.getByRole('button', { name: 'Clear interview date' }));
    await waitFor(() => expect(screen.queryByText(/Interview on/)).toBeNull(), { timeout: 20_000 });
    expect((await loadSettings(db)).settings.interviewDate).toBeNull();
  });

  it('counts reviews merged into a past day after the year was tallied, also after a reload', async () => {
    const first = await openProgress();
    const total = 3 * strong.length + 2 * weak.length + 4;
    await screen.findByText(`${total} reviews on 5 of the last 365 days.`, { exact: false });
    first.view.unmount();
    // A review from another device lands on a day already tallied (as a backup merge writes it).
    const card = (await db.cards.get(weak[0]!))!;
    await db.reviews.add({
      id: 'merged-review-1',
      cardId: card.id,
      rating: 3,
      reviewedAt: at(5, 2, 18),
      durationMs: 12_000,
      before: memoryOf(card),
      config: encodeConfig(scheduleConfigFrom(DEFAULT_SETTINGS, at(5, 2, 18))),
    });
    await openProgress();
    expect(await screen.findByText(`${total + 1} reviews on 6 of the last 365 days.`, { exact: false }, { timeout: 20_000 })).toBeInTheDocument();
    cleanup();
    // A reload: a fresh connection reads the same stored tallies.
    db = openDatabase(db.name);
    await openProgress();
    expect(await screen.findByText(`${total + 1} reviews on 6 of the last 365 days.`, { exact: false }, { timeout: 20_000 })).toBeInTheDocument();
    expect(screen.getByText('Grades over the last 365 days').closest('table')).toHaveTextContent(`Good${3 * strong.length + 2}`);
  });
});

describe('Progress before any review', () => {
  it('shows one empty state that says what will appear, and no tables', async () => {
    db = openDatabase(`progress-empty-${++n}`);
    render(<App db={db} now={() => T0} initialPath="/progress" />);
    expect(await screen.findByText(/Nothing to show yet/, undefined, { timeout: 20_000 })).toBeInTheDocument();
    expect(screen.getByText(/how ready you are for an interview date/)).toBeInTheDocument();
    expect(screen.queryAllByRole('table')).toHaveLength(0);
    expect(screen.queryByText('0%')).toBeNull();
  });
});

describe('the study calendar', () => {
  it('labels months so that none reads as a date: the year shows where it starts or changes', async () => {
    const { view } = await openProgress();
    await waitFor(() => expect(view.container.querySelector('svg.heatmap')).not.toBeNull(), { timeout: 20_000 });
    const labels = [...view.container.querySelectorAll('svg.heatmap text')].map((t) => t.textContent ?? '').filter((t) => /[A-Z]/.test(t));
    expect(labels[0]).toBe('May 2025');
    expect(labels).toContain('Jan 2026');
    expect(labels).toContain('Dec');
    expect(labels.every((l) => !/^[A-Z][a-z]{2} \d{1,2}$/.test(l))).toBe(true);
  });
});
