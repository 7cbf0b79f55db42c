import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { App } from '../../src/app/app.tsx';
import { openDatabase } from '../../src/db/database.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();

describe('opening the collection', () => {
  it('explains a slow open (an upgrade waiting for an older tab) and carries on once it can', async () => {
    const name = 'app-opening-blocked';
    // An older version of the app, open in another tab, that does not step aside at once.
    const older = new Dexie(name);
    older.version(1).stores({ cards: 'id, questionId, [bucket+due], state', reviews: 'id, cardId, reviewedAt', settings: 'key' });
    older.on('versionchange', () => false);
    await older.open();

    render(<App db={openDatabase(name)} now={() => T0} initialPath="/" />);
    expect(await screen.findByText('Opening your collection…')).toBeInTheDocument();
    expect(await screen.findByText(/Still working\. After an update, Rehearse prepares a large collection once/, {}, { timeout: 20_000 })).toBeInTheDocument();

    older.close();
    expect(await screen.findByRole('heading', { name: 'Today' }, { timeout: 20_000 })).toBeInTheDocument();
    expect(screen.queryByText(/Still working/)).toBeNull();
  });
});
