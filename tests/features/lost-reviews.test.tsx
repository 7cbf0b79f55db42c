import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { updateSettings } from '../../src/db/settings-repo.ts';
import { gradeCard } from '../../src/db/cards-repo.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
let db: RehearseDb;
let name: string;
let n = 0;

beforeEach(() => {
  name = `lost-reviews-${++n}`;
  db = openDatabase(name);
});
afterEach(() => localStorage.clear());

const LOST = /Your reviews on this device are gone/;

async function gradeOneInTheApp() {
  await updateSettings(db, { newPerDay: 1 });
  const user = userEvent.setup();
  render(<App db={db} now={() => T0} initialPath="/review" />);
  await screen.findByRole('button', { name: 'Show answer' }, { timeout: 20_000 });
  await user.keyboard(' ');
  await screen.findByRole('group', { name: 'Grade your recall' });
  await user.keyboard('4');
  await screen.findByRole('heading', { name: 'Session complete' });
  return user;
}

/** What a learner sees after the browser recreated the database empty: the next launch of the app. */
async function relaunchAfterWipe() {
  cleanup();
  db.close();
  await db.delete();
  db = openDatabase(name);
  render(<App db={db} now={() => T0} initialPath="/" />);
  await screen.findByRole('heading', { name: 'Today' }, { timeout: 20_000 });
}

describe('noticing that the reviews on this device are gone', () => {
  it('after a grade and a wiped database, Today says so and points to Settings → Backup until the reviews come back', async () => {
    await gradeOneInTheApp();
    await relaunchAfterWipe();
    const alert = await screen.findByText(LOST);
    expect(within(alert).getByRole('link', { name: 'Settings → Backup' })).toHaveAttribute('href', '/settings');
    expect(alert.closest('[role="alert"]')).not.toBeNull();

    // A restore brings reviews back: the alert goes, the marker stays for next time.
    const card = (await db.cards.toArray())[0]!;
    await gradeCard(db, { cardId: card.id, rating: 3, now: T0, durationMs: 1000, settings: DEFAULT_SETTINGS });
    await waitFor(() => expect(screen.queryByText(LOST)).toBeNull());
    await relaunchAfterWipe();
    expect(await screen.findByText(LOST)).toBeInTheDocument();
  });

  it('once dismissed, the alert does not come back on the next launch', async () => {
    await gradeOneInTheApp();
    await relaunchAfterWipe();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Dismiss/ }));
    expect(screen.queryByText(LOST)).toBeNull();
    cleanup();
    render(<App db={db} now={() => T0} initialPath="/" />);
    await screen.findByRole('link', { name: 'Start review' }, { timeout: 20_000 });
    expect(screen.queryByText(LOST)).toBeNull();
  });

  it('says nothing on a first visit, or after the learner undid their only review', async () => {
    render(<App db={db} now={() => T0} initialPath="/" />);
    await screen.findByRole('link', { name: 'Start review' }, { timeout: 20_000 });
    expect(screen.queryByText(LOST)).toBeNull();
    cleanup();

    const user = await gradeOneInTheApp();
    expect(await db.reviews.count()).toBe(1);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(async () => expect(await db.reviews.count()).toBe(0));
    cleanup();
    render(<App db={db} now={() => T0} initialPath="/" />);
    await screen.findByRole('link', { name: 'Start review' }, { timeout: 20_000 });
    expect(screen.queryByText(LOST)).toBeNull();
  });
});
