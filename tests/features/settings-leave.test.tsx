import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { loadSettings } from '../../src/db/settings-repo.ts';

let db: RehearseDb;
let n = 0;

beforeEach(() => {
  db = openDatabase(`settings-leave-${++n}`);
});
afterEach(() => vi.restoreAllMocks());

async function openSettings() {
  const user = userEvent.setup();
  render(<App db={db} now={() => new Date(2026, 4, 10, 9).getTime()} initialPath="/settings" />);
  const field = await screen.findByRole('spinbutton', { name: 'New cards per day' }, { timeout: 20_000 });
  await waitFor(() => expect(field).toBeEnabled());
  return { user, field };
}

describe('unsaved settings', () => {
  it('asks before the navigation throws away an unsaved edit, and stays when the learner says no', async () => {
    const { user, field } = await openSettings();
    await user.clear(field);
    await user.type(field, '25');
    expect(screen.getByText('You have unsaved changes.')).toBeInTheDocument();
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    await user.click(screen.getByRole('link', { name: 'Today' }));
    expect(confirm).toHaveBeenCalledWith('Your settings changes are not saved. Leave and lose them?');
    expect(screen.getByRole('spinbutton', { name: 'New cards per day' })).toHaveValue(25);
    // Agreeing leaves, and nothing was saved.
    confirm.mockReturnValue(true);
    await user.click(screen.getByRole('link', { name: 'Today' }));
    await screen.findByRole('heading', { name: 'Today' });
    expect((await loadSettings(db)).settings.newPerDay).toBe(10);
  });

  it('lets the learner leave without a question once the edit is saved', async () => {
    const { user, field } = await openSettings();
    await user.clear(field);
    await user.type(field, '25');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText(/Settings saved/);
    await waitFor(() => expect(screen.queryByText('You have unsaved changes.')).toBeNull());
    const confirm = vi.spyOn(window, 'confirm');
    await user.click(screen.getByRole('link', { name: 'Today' }));
    await screen.findByRole('heading', { name: 'Today' });
    expect(confirm).not.toHaveBeenCalled();
  });
});
