import { DEFAULT_SETTINGS, settingsFromStored, validateSettings, type Settings } from '../core/settings.ts';
import type { ValidationResult } from '../core/bank/question.ts';
import type { RehearseDb } from './database.ts';
import { SETTINGS_DOC_ID } from '../core/sync/sync-docs.ts';
import { stampFields, syncedSettingChanges, syncTables } from './sync-repo.ts';

const SETTINGS_KEY = 'settings';

export async function loadSettings(db: RehearseDb): Promise<{ settings: Settings; problems: string[] }> {
  const row = await db.settings.get(SETTINGS_KEY);
  return row ? settingsFromStored(row.value) : { settings: DEFAULT_SETTINGS, problems: [] };
}

/** Validates a change against the current settings; an invalid one is refused and nothing is written. */
export async function updateSettings(db: RehearseDb, change: Partial<Settings>, now = Date.now()): Promise<ValidationResult<Settings>> {
  return db.transaction('rw', [db.settings, ...syncTables(db)], async () => {
    const { settings } = await loadSettings(db);
    const result = validateSettings({ ...settings, ...change });
    if (result.ok) {
      await db.settings.put({ key: SETTINGS_KEY, value: result.value });
      const synced = syncedSettingChanges(settings, result.value);
      if (Object.keys(synced).length) await stampFields(db, SETTINGS_DOC_ID, synced, now);
    }
    return result;
  });
}

export async function getMeta<T>(db: RehearseDb, key: string): Promise<T | undefined> {
  return (await db.settings.get(`meta:${key}`))?.value as T | undefined;
}

export async function setMeta(db: RehearseDb, key: string, value: unknown): Promise<void> {
  await db.settings.put({ key: `meta:${key}`, value });
}
