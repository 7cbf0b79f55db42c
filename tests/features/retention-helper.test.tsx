import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { RetentionSection } from '../../src/features/settings/retention-section.tsx';
import { ServicesProvider } from '../../src/db/hooks/services.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, syncBankCards } from '../../src/db/cards-repo.ts';
import { loadSettings, updateSettings } from '../../src/db/settings-repo.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { makeQuestion } from '../fixtures.ts';

const DAY = 86_400_000;
const T0 = new Date(2026, 9, 1, 9).getTime();
const NOW = T0 + 20 * DAY;
const questions = Array.from({ length: 40 }, (_, i) => makeQuestion(`py-q${i}`));
const bank = { version: 'v1', questions, byId: new Map(questions.map((q) => [q.id, q])) };
let db: RehearseDb;
let n = 0;

beforeEach(async () => {
  db = openDatabase(`retention-helper-${++n}`);
  await syncBankCards(db, bank, T0);
  // Three weeks of study: 30 answer cards, each graded on its first day and again days later.
  for (let i = 0; i < 30; i++) {
    const cardId = `py-q${i}#answer`;
    const first = T0 + (i % 10) * DAY;
    await gradeCard(db, { cardId, rating: 3, now: first, durationMs: 5000, settings: DEFAULT_SETTINGS });
    await gradeCard(db, { cardId, rating: i % 7 === 0 ? 1 : 3, now: first + 3 * DAY, durationMs: 5000, settings: DEFAULT_SETTINGS });
  }
});

function show(formUnsaved = false) {
  render(
    <MemoryRouter>
      <ServicesProvider services={{ db, bank, now: () => NOW }}>
        <RetentionSection formUnsaved={formUnsaved} />
      </ServicesProvider>
    </MemoryRouter>,
  );
  return userEvent.setup();
}

async function compare(user: ReturnType<typeof userEvent.setup>) {
  const button = await screen.findByRole('button', { name: 'Compare retentions' });
  await waitFor(() => expect(button).toBeEnabled());
  await user.click(button);
  return screen.findByRole('table', {}, { timeout: 20_000 });
}

const figures = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent ?? '');

describe('the retention helper in Settings', () => {
  it('shows, for 80–95 %, the reviews a day it would take and the recall it would buy on the learner’s own cards', async () => {
    const user = show();
    const table = await compare(user);
    expect(within(table).getByText(/on 30 studied cards/)).toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['80 %', '85 %', '90 % (yours)', '95 %']);
    const reviews = rows.map((r) => Number(figures(r)[0]!.replace(/,/g, '')));
    const recall = rows.map((r) => Number.parseFloat(figures(r)[2]!));
    expect(reviews[3]!).toBeGreaterThan(reviews[0]!);
    expect(recall[3]!).toBeGreaterThan(recall[0]!);
    for (const r of recall) expect(r).toBeGreaterThan(50);
  });

  it('with an interview date, names the retention that gives the best recall on the day and can apply it', async () => {
    await updateSettings(db, { interviewDate: '2026-11-15', desiredRetention: 0.7 });
    const user = show();
    await compare(user);
    const advice = await screen.findByText(/For your interview in \d+ days: aim for/);
    const aim = Number(/aim for (\d+) %/.exec(advice.textContent ?? '')![1]);
    expect(aim).toBeGreaterThanOrEqual(75);
    await user.click(screen.getByRole('button', { name: `Use ${aim} %` }));
    expect(await screen.findByText(`Desired retention set to ${aim} %. It applies from the next card.`)).toBeInTheDocument();
    expect((await loadSettings(db)).settings.desiredRetention).toBeCloseTo(aim / 100);
  });

  it('does not overwrite unsaved edits in the settings form when a retention is applied', async () => {
    await updateSettings(db, { interviewDate: '2026-11-15', desiredRetention: 0.7 });
    const user = show(true);
    await compare(user);
    await screen.findByText(/For your interview/);
    await user.click(screen.getByRole('button', { name: /^Use \d+ %$/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Save or undo your changes in the form above first');
    expect((await loadSettings(db)).settings.desiredRetention).toBe(0.7);
  });
});
