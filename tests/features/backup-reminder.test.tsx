import { beforeEach, describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { BackupReminder } from '../../src/features/today/backup-reminder.tsx';
import { formatBackupDate } from '../../src/ui/format.ts';
import { ServicesProvider } from '../../src/db/hooks/services.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, syncBankCards } from '../../src/db/cards-repo.ts';
import { exportBackup, loadBackupReminderStatus } from '../../src/db/backup-repo.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { makeQuestion } from '../fixtures.ts';
import { T0, DAY } from '../core/backup/backup-fixtures.ts';

const questions = [makeQuestion('py-a')];
const bank = { version: 'v1', questions, byId: new Map(questions.map((q) => [q.id, q])) };
let db: RehearseDb;
let n = 0;

beforeEach(async () => {
  db = openDatabase(`backup-reminder-${++n}`);
  await syncBankCards(db, bank, T0);
});

function show(now: number) {
  return render(
    <MemoryRouter>
      <ServicesProvider services={{ db, bank, now: () => now }}>
        <BackupReminder />
      </ServicesProvider>
    </MemoryRouter>,
  );
}

const review = (at: number) => gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: at, durationMs: 1000, settings: DEFAULT_SETTINGS });

describe('the backup reminder on Today', () => {
  it('says nothing about backups to someone who has not graded a card yet', async () => {
    const { container } = show(T0 + 30 * DAY);
    // The same read, queued after the component's: once it answers, the component's has too.
    await act(async () => {
      await loadBackupReminderStatus(db);
    });
    expect(container.textContent).toBe('');
    expect(screen.queryByText(/backup/i)).toBeNull();
  });

  it('says there is no backup yet once reviews exist', async () => {
    await review(T0);
    show(T0 + 2 * DAY);
    expect(await screen.findByText('No backup yet')).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('nudges when reviews began over 14 days ago and there was never a backup', async () => {
    await review(T0);
    show(T0 + 15 * DAY);
    const nudge = await screen.findByRole('status');
    expect(nudge).toHaveTextContent(/over 14 days of reviews and no backup/);
    expect(screen.getByRole('link', { name: 'Export a backup in Settings' })).toHaveAttribute('href', '/settings');
  });

  it('shows the last backup date and stays quiet while it is recent', async () => {
    await review(T0);
    await exportBackup(db, T0 + 10 * DAY, 'test');
    await review(T0 + 11 * DAY);
    show(T0 + 20 * DAY);
    expect(await screen.findByText(`Last backup: ${formatBackupDate(T0 + 10 * DAY)}`)).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('nudges when the last backup is over 14 days old and there are reviews since', async () => {
    await review(T0);
    await exportBackup(db, T0 + DAY, 'test');
    await review(T0 + 2 * DAY);
    show(T0 + 21 * DAY);
    expect(await screen.findByRole('status')).toHaveTextContent('Your last backup is 20 days old and you have reviewed since.');
  });
});
