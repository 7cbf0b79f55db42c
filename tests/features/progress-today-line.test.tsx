import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { ServicesProvider } from '../../src/db/hooks/services.tsx';
import { TodayProgress } from '../../src/features/today/today-progress.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, syncBankCards } from '../../src/db/cards-repo.ts';
import { loadBank, type Bank } from '../../src/db/bank.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';

const at = (m: number, d: number, h: number, min = 0) => new Date(2026, m - 1, d, h, min).getTime();
let db: RehearseDb;
let bank: Bank;
let n = 0;

beforeEach(async () => {
  db = openDatabase(`today-line-${++n}`);
  bank = await loadBank();
  await syncBankCards(db, bank, at(5, 1, 9));
});

function renderLine(now: number) {
  render(
    <ServicesProvider services={{ db, bank, now: () => now }}>
      <MemoryRouter>
        <TodayProgress />
      </MemoryRouter>
    </ServicesProvider>,
  );
  return screen.findByRole('link', { name: /^Progress:/ });
}

describe('the Today progress line', () => {
  it('starts at 0% for every technology with no streak', async () => {
    const line = await renderLine(at(5, 10, 9));
    expect(line).toHaveTextContent('Python 0% · ML 0% · LLMs 0%');
    expect(line).toHaveTextContent('No streak yet');
    expect(line).toHaveAttribute('href', '/progress');
  });

  it('shows mastery per technology and the days in a row with reviews, even before today’s first review', async () => {
    const python = bank.questions.filter((q) => q.technology === 'python');
    // One Python card reviewed on each of three study days; the one at 02:00 belongs to the 8th.
    for (const [i, time] of [at(5, 7, 20), at(5, 9, 2), at(5, 9, 21)].entries()) {
      await gradeCard(db, { cardId: `${python[i]!.id}#answer`, rating: 4, now: time, durationMs: 5000, settings: DEFAULT_SETTINGS });
    }
    const line = await renderLine(at(5, 10, 9));
    const [, pythonPercent] = /^Python (\d+)% · ML 0% · LLMs 0%/.exec(line.textContent ?? '')!;
    // Three of the Python cards are studied and recalled well; the rest count 0.
    const pythonCards = python.length * 2;
    expect(Number(pythonPercent)).toBeGreaterThan(0);
    expect(Number(pythonPercent)).toBeLessThanOrEqual(Math.round((3 / pythonCards) * 100));
    expect(line).toHaveTextContent('3-day streak');
  });
});
