import { describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import Dexie from 'dexie';
import { App } from '../../src/app/app.tsx';
import { ServicesProvider } from '../../src/db/hooks/services.tsx';
import ProgressScreen from '../../src/features/progress/progress-screen.tsx';
import { TodayProgress } from '../../src/features/today/today-progress.tsx';
import { openDatabase, SCHEMA_VERSION, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, syncBankCards } from '../../src/db/cards-repo.ts';
import { loadBank } from '../../src/db/bank.ts';
import { loadDerivedBuild } from '../../src/db/derived-build.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import type { Rating } from '../../src/core/scheduling/fsrs.ts';

const at = (m: number, d: number, h: number, min = 0) => new Date(2026, m - 1, d, h, min).getTime();
const T0 = at(5, 10, 9);

/** A studied collection at the current version: the reference for what Progress must show. */
async function studied(name: string): Promise<RehearseDb> {
  const db = openDatabase(name);
  const bank = await loadBank();
  await syncBankCards(db, bank, at(4, 1, 9));
  const python = bank.questions.filter((q) => q.technology === 'python').slice(0, 12);
  const ml = bank.questions.filter((q) => q.technology === 'ml').slice(0, 6);
  const grade = (cardId: string, rating: Rating, now: number) => gradeCard(db, { cardId, rating, now, durationMs: 8_000, settings: DEFAULT_SETTINGS });
  for (const [i, q] of python.entries()) {
    await grade(`${q.id}#answer`, 3, at(4, 20 + (i % 5), 10));
    await grade(`${q.id}#answer`, 3, at(4, 20 + (i % 5), 10, 11));
  }
  for (const q of ml) await grade(`${q.id}#answer`, 1, at(5, 9, 10));
  return db;
}

/** The same cards and log in a database left at schema version 2, as an older release wrote it. */
async function asVersion2(source: RehearseDb, name: string): Promise<void> {
  const v2 = new Dexie(name);
  v2.version(1).stores({ cards: 'id, questionId, [bucket+due], state', reviews: 'id, cardId, reviewedAt', settings: 'key' });
  v2.version(2).stores({ notes: 'questionId, updatedAt', flags: 'questionId', customQuestions: 'id, updatedAt' });
  await v2.table('cards').bulkAdd(await source.cards.toArray());
  await v2.table('reviews').bulkAdd(await source.reviews.toArray());
  v2.close();
}

async function overview(db: RehearseDb): Promise<string> {
  render(<App db={db} now={() => T0} initialPath="/progress" />);
  const summary = await screen.findByLabelText('Overview', undefined, { timeout: 20_000 });
  const figures = () => within(summary).getAllByRole('definition').map((d) => d.textContent).join(' | ');
  // The streak shows '…' until the review tallies are read.
  await waitFor(() => expect(figures()).not.toContain('…'), { timeout: 10_000 });
  const text = figures();
  cleanup();
  return text;
}

describe('Progress right after the update that adds its tables', () => {
  it('says it is preparing and shows nothing partial, then, built in the background, shows the same figures as a collection that never needed the update', async () => {
    const reference = await studied('after-update-reference');
    const expected = await overview(reference);
    expect(expected).toMatch(/^\d+% \| \d+% \| .+ \| \d+$/);

    await asVersion2(reference, 'after-update-v2');
    const db = openDatabase('after-update-v2');
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    const bank = await loadBank();

    // Without the background builder running, the screens show the preparing state and no figures.
    render(
      <ServicesProvider services={{ db, bank, now: () => T0 }}>
        <MemoryRouter>
          <TodayProgress />
          <ProgressScreen />
        </MemoryRouter>
      </ServicesProvider>,
    );
    const preparing = /^Preparing your progress after the update\. This runs in the background: you can review meanwhile\.$/;
    // On Progress and in Today's line (which waits for an idle moment).
    await waitFor(() => expect(screen.getAllByText(preparing)).toHaveLength(2), { timeout: 10_000 });
    expect(screen.queryByLabelText('Overview')).toBeNull();
    expect(screen.getByRole('link', { name: 'Review meanwhile' })).toHaveAttribute('href', '/');
    cleanup();

    // The app builds the tables in the background and Progress then matches the reference.
    expect(await overview(db)).toBe(expected);
    expect(await loadDerivedBuild(db)).toBeNull();
    expect(await db.reviews.count()).toBe(await reference.reviews.count());
  });
});
