import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { App } from '../../src/app/app.tsx';
import { BackupSection } from '../../src/features/settings/backup-section.tsx';
import { ServicesProvider } from '../../src/db/hooks/services.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, memoryOf, replayLog, syncBankCards } from '../../src/db/cards-repo.ts';
import { loadSettings, updateSettings } from '../../src/db/settings-repo.ts';
import { loadSnapshotInfo, makeSnapshot } from '../../src/db/snapshot-repo.ts';
import { SNAPSHOT_SLOT, snapshotDbFor } from '../../src/db/snapshot-db.ts';
import { formatBackupDate } from '../../src/ui/format.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { makeQuestion } from '../fixtures.ts';
import { backupText, T0, DAY } from '../core/backup/backup-fixtures.ts';

// Each test launches the app two or three times; on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 120_000 });

let db: RehearseDb;
let name: string;
let n = 0;

beforeEach(() => {
  name = `auto-snapshot-${++n}`;
  db = openDatabase(name);
});
afterEach(() => localStorage.clear());

async function collectionOf() {
  const byId = <T,>(key: (row: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : 1);
  return {
    cards: (await db.cards.toArray()).sort(byId((c) => c.id)),
    reviews: (await db.reviews.toArray()).sort(byId((r) => r.id)),
    notes: (await db.notes.toArray()).sort(byId((x) => x.questionId)),
    flags: (await db.flags.toArray()).sort(byId((x) => x.questionId)),
    settings: (await loadSettings(db)).settings,
  };
}

async function gradeOneInTheApp(now: number) {
  await updateSettings(db, { newPerDay: 1 });
  const user = userEvent.setup();
  render(<App db={db} now={() => now} initialPath="/review" />);
  await screen.findByRole('button', { name: 'Show answer' }, { timeout: 30_000 });
  await user.keyboard(' ');
  await screen.findByRole('group', { name: 'Grade your recall' });
  await user.keyboard('4');
  await screen.findByRole('heading', { name: 'Session complete' });
  return user;
}

describe('the daily automatic snapshot', () => {
  it('is made once the learner leaves their first session, and Settings shows it', async () => {
    const user = await gradeOneInTheApp(T0);
    // Not while the review screen is open.
    expect(await loadSnapshotInfo(db)).toBeNull();
    await user.click(screen.getByRole('link', { name: 'Settings' }));
    expect(await screen.findByText(`Automatic snapshot: ${formatBackupDate(T0)}, 1 review.`, {}, { timeout: 30_000 })).toBeInTheDocument();
    expect(await loadSnapshotInfo(db)).toMatchObject({ madeAt: T0, reviews: 1, reason: 'daily' });
  });

  // That it is not made twice in one study day is proven where it can fail: tests/db/snapshot-repo.test.ts.
  it('is made at launch when reviews exist, and again at a launch on the next study day', async () => {
    await gradeOneInTheApp(T0);
    cleanup();
    render(<App db={db} now={() => T0} initialPath="/" />);
    await waitFor(async () => expect(await loadSnapshotInfo(db)).toMatchObject({ madeAt: T0, reviews: 1 }), { timeout: 30_000 });
    cleanup();
    const card = (await db.cards.toArray()).find((c) => c.state === 0)!;
    await gradeCard(db, { cardId: card.id, rating: 3, now: T0 + 3_600_000, durationMs: 1000, settings: DEFAULT_SETTINGS });
    render(<App db={db} now={() => T0 + DAY} initialPath="/" />);
    await waitFor(async () => expect(await loadSnapshotInfo(db)).toMatchObject({ madeAt: T0 + DAY, reviews: 2 }), { timeout: 30_000 });
  });
});

describe('restoring the automatic snapshot', () => {
  const questions = ['py-a', 'py-b'].map((id) => makeQuestion(id));
  const bank = { version: 'v1', questions, byId: new Map(questions.map((q) => [q.id, q])) };
  const NOW = T0 + 40 * DAY;

  async function renderSection() {
    await syncBankCards(db, bank, T0);
    await gradeCard(db, { cardId: 'py-b#answer', rating: 3, now: T0 + DAY, durationMs: 2000, settings: DEFAULT_SETTINGS });
    await gradeCard(db, { cardId: 'py-a#answer', rating: 1, now: T0 + DAY + 60_000, durationMs: 2000, settings: DEFAULT_SETTINGS });
    await db.notes.put({ questionId: 'py-a', text: 'mine', updatedAt: T0 });
    const user = userEvent.setup();
    render(
      <MemoryRouter>
        <ServicesProvider services={{ db, bank, now: () => NOW }}>
          <BackupSection />
        </ServicesProvider>
      </MemoryRouter>,
    );
    await screen.findByText('No automatic snapshot yet: Rehearse keeps one each day you study, and before every Replace.');
    return user;
  }

  it('Replace keeps a snapshot first, and Restore snapshot brings the earlier collection back exactly', async () => {
    const user = await renderSection();
    const before = await collectionOf();
    await user.upload(screen.getByLabelText('Import backup'), new File([backupText()], 'other.json', { type: 'application/json' }));
    await user.click(await screen.findByRole('button', { name: 'Replace…' }));
    await user.click(await screen.findByRole('button', { name: 'Replace everything' }));
    await screen.findByText(/^This device now holds the backup/);
    expect(await db.reviews.count()).toBe(5);
    expect(await screen.findByText(`Automatic snapshot: ${formatBackupDate(NOW)}, 2 reviews.`)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Restore snapshot' }));
    // The same preview as a file: the learner sees what it holds before anything changes.
    const preview = await screen.findByRole('region', { name: `What the automatic snapshot from ${formatBackupDate(NOW)} holds` });
    expect(within(preview).getByText('Reviews').nextElementSibling?.textContent).toBe('2');
    expect(within(preview).getByText('Made').nextElementSibling?.textContent).toMatch(/on this device \(automatic snapshot\)$/);
    expect(await db.reviews.count()).toBe(5);
    await user.click(within(preview).getByRole('button', { name: 'Replace…' }));
    await user.click(await screen.findByRole('button', { name: 'Replace everything' }));
    await screen.findByText(/^This device now holds the backup: \d+ cards, 2 reviews/);
    expect(await collectionOf()).toEqual(before);
    const replayed = await replayLog(db);
    for (const card of await db.cards.toArray()) if (replayed.has(card.id)) expect(memoryOf(card)).toEqual(replayed.get(card.id));
  });

  it('a damaged snapshot gets a clear message and changes nothing', async () => {
    const user = await renderSection();
    await makeSnapshot(db, NOW, 'daily');
    await snapshotDbFor(db).data.put({ slot: SNAPSHOT_SLOT, bytes: new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]).buffer });
    const before = { ...(await collectionOf()), meta: await db.settings.toArray() };
    await user.click(await screen.findByRole('button', { name: 'Restore snapshot' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The automatic snapshot is damaged and cannot be restored. Nothing was changed.');
    expect(alert).toHaveTextContent('damaged compressed (gzip) file');
    expect(screen.queryByRole('region', { name: /holds/ })).toBeNull();
    expect({ ...(await collectionOf()), meta: await db.settings.toArray() }).toEqual(before);
  });
});

describe('Today after the database came back empty', () => {
  it('offers the automatic snapshot, and restoring it brings the reviews back and clears the alert', async () => {
    const user = await gradeOneInTheApp(T0);
    await user.click(screen.getByRole('link', { name: 'Today' }));
    await waitFor(async () => expect(await loadSnapshotInfo(db)).toMatchObject({ reviews: 1 }), { timeout: 30_000 });
    const reviews = await db.reviews.toArray();
    cleanup();
    db.close();
    await db.delete();
    db = openDatabase(name);
    render(<App db={db} now={() => T0 + 60_000} initialPath="/" />);
    const restore = await screen.findByRole('button', { name: `Restore the automatic snapshot from ${formatBackupDate(T0)} (1 review)` }, { timeout: 30_000 });
    expect(restore.closest('[role="alert"]')).toHaveTextContent('Your reviews on this device are gone');
    await user.click(restore);
    expect(await screen.findByText(/^Restored the automatic snapshot from .*: 1 review and \d+ cards are back\.$/, {}, { timeout: 30_000 })).toHaveAttribute('role', 'status');
    expect(screen.queryByText(/Your reviews on this device are gone/)).toBeNull();
    expect(await db.reviews.toArray()).toEqual(reviews);
    // The snapshot of the lost review is still the one kept: the empty database did not take its place.
    expect(await loadSnapshotInfo(db)).toMatchObject({ madeAt: T0, reviews: 1 });
  });

  it('a damaged snapshot gets a clear message on Today and changes nothing', async () => {
    const user = await gradeOneInTheApp(T0);
    await user.click(screen.getByRole('link', { name: 'Today' }));
    await waitFor(async () => expect(await loadSnapshotInfo(db)).not.toBeNull(), { timeout: 30_000 });
    cleanup();
    await snapshotDbFor(db).data.put({ slot: SNAPSHOT_SLOT, bytes: new TextEncoder().encode('not a backup').buffer });
    db.close();
    await db.delete();
    db = openDatabase(name);
    render(<App db={db} now={() => T0} initialPath="/" />);
    await user.click(await screen.findByRole('button', { name: /^Restore the automatic snapshot/ }, { timeout: 30_000 }));
    const alert = screen.getByRole('alert');
    await within(alert).findByText('The automatic snapshot is damaged and cannot be restored. Nothing was changed.');
    expect(await db.reviews.count()).toBe(0);
    expect(alert).toHaveTextContent('Your reviews on this device are gone');
  });
});
