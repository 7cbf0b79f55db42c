import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { loadSettings } from '../../src/db/settings-repo.ts';
import { applyIncoming, readFields } from '../../src/db/sync-repo.ts';
import { replayTouchedCards } from '../../src/db/backup-repo.ts';
import { parseSyncDoc } from '../../src/core/sync/parse-sync-doc.ts';

const NOW = new Date(2026, 4, 10, 9).getTime();

it('a settings document from a newer app applies the settings this version knows and keeps the rest for the server', async () => {
  const db = openDatabase('sync-newer-fields');
  const parsed = parseSyncDoc({
    _id: 'settings:profile',
    kind: 'settings',
    fields: { newPerDay: { value: 15, at: NOW - 1000 }, dailyGoalMinutes: { value: 25, at: NOW - 1000 } },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join());
  await applyIncoming(db, [parsed.doc], 1, NOW, replayTouchedCards);

  const { settings, problems } = await loadSettings(db);
  expect(problems).toEqual([]);
  expect(settings.newPerDay).toBe(15);
  expect(settings).not.toHaveProperty('dailyGoalMinutes');
  expect(await readFields(db, 'settings:profile')).toMatchObject({ dailyGoalMinutes: { value: 25, at: NOW - 1000 } });
});
