import type { Table } from 'dexie';
import type { WriteReport } from '../core/backup/write-backup.ts';
import { SCHEMA_VERSION, type RehearseDb } from './database.ts';
import { loadSettings } from './settings-repo.ts';
import { syncTables } from './sync-repo.ts';

/** Meta key (settings table) of the small description of the data kept from before the last Replace. */
export const UNDO_INFO_KEY = 'undoReplaceInfo';

/** Every table a backup or an import touches. */
export function allTables(db: RehearseDb): Table[] {
  return [db.cards, db.reviews, db.settings, db.notes, db.flags, db.customQuestions, ...syncTables(db)];
}

/**
 * The backup file's text for the whole collection, read in one read transaction (so it is one
 * consistent moment) and made in pieces as they are consumed. Shared by the export and the
 * automatic snapshot, so both are the same format.
 */
export async function backupPieces(db: RehearseDb, now: number, device: string): Promise<{ pieces: Iterable<string>; report: WriteReport }> {
  const { rows, settings } = await db.transaction('r', allTables(db), async () => {
    const [cards, reviews, notes, flags, customQuestions, loaded] = await Promise.all([
      db.cards.toArray(),
      db.reviews.toArray(),
      db.notes.toArray(),
      db.flags.toArray(),
      db.customQuestions.toArray(),
      loadSettings(db),
    ]);
    return { rows: { cards, reviews, notes, flags, customQuestions }, settings: loaded.settings };
  });
  const { writeBackup } = await import('../core/backup/write-backup.ts');
  return writeBackup({ rows, settings, exportedAt: now, device, schemaVersion: SCHEMA_VERSION });
}

