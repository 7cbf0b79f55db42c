import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src/app/app.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { loadSettings } from '../../src/db/settings-repo.ts';

let db: RehearseDb;
let n = 0;

beforeEach(() => {
  db = openDatabase(`invalid-settings-${++n}`);
});

const NOW = new Date(2026, 4, 10, 9).getTime();

describe('settings stored in an invalid shape', () => {
  it('Settings names each invalid value and the default used, and saving clears the message', async () => {
    await db.settings.put({ key: 'settings', value: { interviewDate: '2026-02-31', newPerDay: null, dayStartHour: 6 } });
    const user = userEvent.setup();
    render(<App db={db} now={() => NOW} initialPath="/settings" />);
    const alert = await screen.findByRole('alert', {}, { timeout: 20_000 });
    expect(within(alert).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'New cards per day: null is not valid, using the default 10',
      'Interview date: "2026-02-31" is not valid, using the default none',
    ]);
    // The valid one is kept, the invalid ones show their defaults.
    const field = screen.getByRole('spinbutton', { name: 'New cards per day' });
    await waitFor(() => expect(field).toBeEnabled());
    expect(field).toHaveValue(10);
    expect(screen.getByRole('spinbutton', { name: /Study day starts at/ })).toHaveValue(6);

    await user.click(screen.getByRole('button', { name: /Save/ }));
    await waitFor(() => expect(screen.queryByText(/Some saved settings were invalid/)).toBeNull());
    expect(await loadSettings(db)).toMatchObject({ problems: [], settings: { newPerDay: 10, dayStartHour: 6, interviewDate: null } });
  });

  it('Today says that settings stored as a bare string were replaced by the defaults', async () => {
    await db.settings.put({ key: 'settings', value: 'corrupt' });
    render(<App db={db} now={() => NOW} initialPath="/" />);
    const alert = await screen.findByRole('alert', {}, { timeout: 20_000 });
    expect(alert).toHaveTextContent('Settings: "corrupt" is not valid, using the defaults for every setting');
  });
});
