import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { BackupSection } from '../../src/features/settings/backup-section.tsx';
import { ServicesProvider } from '../../src/db/hooks/services.tsx';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, syncBankCards } from '../../src/db/cards-repo.ts';
import { parseBackup } from '../../src/core/backup/parse-backup.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { loadSettings } from '../../src/db/settings-repo.ts';
import { exportBackup } from '../../src/db/backup-repo.ts';
import { formatBackupDate } from '../../src/ui/format.ts';
import { makeQuestion } from '../fixtures.ts';
import { readBackupFile } from '../../src/db/backup-file.ts';
import { backupText, backupTextV1, makeBackup, T0, DAY } from '../core/backup/backup-fixtures.ts';

const questions = ['py-a', 'py-b'].map((id) => makeQuestion(id));
const bank = { version: 'v1', questions, byId: new Map(questions.map((q) => [q.id, q])) };
const NOW = T0 + 40 * DAY;
let db: RehearseDb;
let n = 0;

beforeEach(async () => {
  db = openDatabase(`backup-section-${++n}`);
  await syncBankCards(db, bank, T0);
  await gradeCard(db, { cardId: 'py-b#answer', rating: 3, now: T0 + DAY, durationMs: 2000, settings: DEFAULT_SETTINGS });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function renderSection() {
  const user = userEvent.setup();
  render(
    <MemoryRouter>
      <ServicesProvider services={{ db, bank, now: () => NOW }}>
        <BackupSection />
      </ServicesProvider>
    </MemoryRouter>,
  );
  return user;
}

async function everything() {
  const [cards, reviews, settings, notes, flags, customQuestions] = await Promise.all([
    db.cards.toArray(), db.reviews.toArray(), db.settings.toArray(), db.notes.toArray(), db.flags.toArray(), db.customQuestions.toArray(),
  ]);
  return { cards, reviews, settings, notes, flags, customQuestions };
}

function jsonFile(text: string, name = 'rehearse-backup-2026-06-01.json') {
  return new File([text], name, { type: 'application/json' });
}

async function textOf(blob: Blob): Promise<string> {
  const read = await readBackupFile(blob);
  if (!read.ok) throw new Error(read.error);
  return read.text;
}

/** Captures what the section hands the browser to download. */
function captureDownloads() {
  const files: { name: string; blob: Blob }[] = [];
  let lastBlob: Blob | null = null;
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    lastBlob = blob as Blob;
    return 'blob:test';
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    files.push({ name: this.download, blob: lastBlob! });
  });
  return files;
}

describe('the backup section', () => {
  it('refuses a corrupted file with a clear message and changes nothing', async () => {
    const user = renderSection();
    const before = await everything();
    const text = backupText();
    await user.upload(screen.getByLabelText('Import backup'), jsonFile(text.slice(0, text.length / 2), 'broken.json'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('broken.json cannot be imported. Nothing was changed.');
    expect(alert).toHaveTextContent('This file is not a Rehearse backup: it is not valid JSON (truncated?)');
    expect(screen.queryByRole('button', { name: 'Merge' })).toBeNull();
    expect(await everything()).toEqual(before);
  });

  it('names the bad field of a hostile file', async () => {
    const user = renderSection();
    const data = JSON.parse(backupTextV1());
    data.reviews[2].rating = 9;
    await user.upload(screen.getByLabelText('Import backup'), jsonFile(JSON.stringify(data)));
    expect(await screen.findByRole('alert')).toHaveTextContent('reviews[2].rating must be 1–4');
  });

  it('previews a valid backup, then merges it and shows what was added', async () => {
    const user = renderSection();
    await user.upload(screen.getByLabelText('Import backup'), jsonFile(backupText()));
    const preview = await screen.findByRole('region', { name: /What rehearse-backup-2026-06-01\.json holds/ });
    const fact = (term: string) => within(preview).getByText(term).nextElementSibling?.textContent;
    expect(fact('Reviews')).toBe('5');
    expect(fact('Cards')).toBe('3');
    expect(fact('Own questions')).toBe('1');
    expect(fact('Notes')).toBe('1');
    expect(fact('Made')).toMatch(/on Chrome on Android$/);
    expect(fact('Reviews dated')).toMatch(/2026 – .*2026/);
    expect(await db.reviews.count()).toBe(1);

    await user.click(within(preview).getByRole('button', { name: 'Merge' }));
    expect(await screen.findByText(/^Merged\. Added 5 reviews, 1 card, 1 own question, 1 note and 1 flag/)).toHaveAttribute('role', 'status');
    expect(await db.reviews.count()).toBe(6);
    expect(await db.customQuestions.count()).toBe(1);
    expect((await db.notes.get('py-a'))?.text).toBe('Remember: finally always runs.');
    expect(screen.queryByRole('region', { name: /holds/ })).toBeNull();
  });

  it('replaces after a confirmation that promises an undo, and undoes it', async () => {
    const user = renderSection();
    const before = await everything();
    await user.upload(screen.getByLabelText('Import backup'), jsonFile(backupText()));
    await user.click(await screen.findByRole('button', { name: 'Replace…' }));
    const confirm = screen.getByRole('region', { name: 'Replace everything on this device?' });
    expect(confirm).toHaveTextContent(/A backup of the current data is kept on this device so you can undo this/);
    expect(await db.reviews.count()).toBe(1);
    await user.click(within(confirm).getByRole('button', { name: 'Replace everything' }));
    expect(await screen.findByText(/^This device now holds the backup/)).toBeInTheDocument();
    expect((await db.reviews.toArray()).map((r) => r.id).sort()).toEqual(makeBackup().reviews.map((r) => r.id).sort());

    await user.click(await screen.findByRole('button', { name: 'Undo replace' }));
    expect(await screen.findByText(/^Replace undone/)).toBeInTheDocument();
    // Every row is back; the settings table also holds bookkeeping (the undo copy, now cleared).
    const after = await everything();
    expect({ ...after, settings: null }).toEqual({ ...before, settings: null });
    expect((await loadSettings(db)).settings).toEqual(DEFAULT_SETTINGS);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Undo replace' })).toBeNull());
  });

  it('names the backup’s invalid settings and their defaults in the preview, and again after Replace uses them', async () => {
    const user = renderSection();
    const data = JSON.parse(backupText());
    data.settings.interviewDate = '2026-02-31';
    data.settings.newPerDay = 'lots';
    data.settings.theme = null;
    await user.upload(screen.getByLabelText('Import backup'), jsonFile(JSON.stringify(data)));
    const preview = await screen.findByRole('region', { name: /holds/ });
    expect(preview).toHaveTextContent('Replace would use the defaults instead');
    const items = within(preview).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      'New cards per day: "lots" is not valid, using the default 10',
      'Interview date: "2026-02-31" is not valid, using the default none',
      'Theme: null is not valid, using the default system',
    ]);

    await user.click(within(preview).getByRole('button', { name: 'Replace…' }));
    await user.click(screen.getByRole('button', { name: 'Replace everything' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Some of the backup’s settings were invalid, so their defaults are now used');
    expect(alert).toHaveTextContent('Interview date: "2026-02-31" is not valid, using the default none');
    const { settings, problems } = await loadSettings(db);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({ newPerDay: 10, interviewDate: null, theme: 'system', desiredRetention: makeBackup().settings.desiredRetention });
  });

  it('says nothing about settings after a Merge, which keeps this device’s own', async () => {
    const user = renderSection();
    const data = JSON.parse(backupText());
    data.settings = 'broken';
    await user.upload(screen.getByLabelText('Import backup'), jsonFile(JSON.stringify(data)));
    const preview = await screen.findByRole('region', { name: /holds/ });
    expect(preview).toHaveTextContent('Settings: "broken" is not valid, using the defaults for every setting');
    await user.click(within(preview).getByRole('button', { name: 'Merge' }));
    expect(await screen.findByText(/^Merged\./)).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('tells the learner their storage is full when the import cannot be written, and changes nothing', async () => {
    const user = renderSection();
    const before = await everything();
    db.reviews.hook('creating', () => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    await user.upload(screen.getByLabelText('Import backup'), jsonFile(backupText()));
    await user.click(await screen.findByRole('button', { name: 'Merge' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Your device refused to store the imported data because its storage is full. Nothing was changed: free some space, then try again.',
    );
    expect(await everything()).toEqual(before);
  });

  it('exports a compressed backup file that reads back as this collection, and says when it was made', async () => {
    const files = captureDownloads();
    const user = renderSection();
    expect(await screen.findByText('No backup made yet on this device.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Export backup' }));
    await screen.findByText(/^Backup saved as rehearse-backup-2026-06-19\.json\.gz: 4 cards and 1 review\./);
    expect(files.map((f) => f.name)).toEqual(['rehearse-backup-2026-06-19.json.gz']);
    expect([...new Uint8Array(await files[0]!.blob.slice(0, 2).arrayBuffer())]).toEqual([0x1f, 0x8b]);
    const parsed = parseBackup(await textOf(files[0]!.blob));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.reviews).toEqual(await db.reviews.toArray());
      expect(parsed.value.cards).toHaveLength(4);
      expect(parsed.value.exportedAt).toBe(NOW);
    }
    expect(await screen.findByText(/^Last backup: .*\(today\)\.$/)).toBeInTheDocument();
  });

  it('restores its own compressed export on a device that was wiped', async () => {
    const files = captureDownloads();
    const user = renderSection();
    await user.click(screen.getByRole('button', { name: 'Export backup' }));
    await screen.findByText(/^Backup saved as/);
    const before = await everything();
    await db.reviews.clear();
    await db.cards.clear();
    const file = new File([await files[0]!.blob.arrayBuffer()], files[0]!.name, { type: 'application/gzip' });
    await user.upload(screen.getByLabelText('Import backup'), file);
    await user.click(await screen.findByRole('button', { name: 'Replace…' }));
    await user.click(screen.getByRole('button', { name: 'Replace everything' }));
    expect(await screen.findByText(/^This device now holds the backup: 4 cards, 1 review/)).toBeInTheDocument();
    const after = await everything();
    expect({ cards: after.cards, reviews: after.reviews }).toEqual({ cards: before.cards, reviews: before.reviews });
  });

  it('refuses a damaged compressed file with a clear message and changes nothing', async () => {
    const files = captureDownloads();
    const user = renderSection();
    await user.click(screen.getByRole('button', { name: 'Export backup' }));
    await screen.findByText(/^Backup saved as/);
    const before = await everything();
    const bytes = new Uint8Array(await files[0]!.blob.arrayBuffer());
    await user.upload(screen.getByLabelText('Import backup'), new File([bytes.slice(0, bytes.length - 30)], 'cut.json.gz'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('cut.json.gz cannot be imported. Nothing was changed.');
    expect(alert).toHaveTextContent('This file is not a Rehearse backup: it is a damaged compressed (gzip) file and could not be unpacked.');
    expect(screen.queryByRole('button', { name: 'Merge' })).toBeNull();
    expect(await everything()).toEqual(before);
  });

  it('saves plain JSON where the browser cannot compress', async () => {
    vi.stubGlobal('CompressionStream', undefined);
    try {
      const files = captureDownloads();
      const user = renderSection();
      await user.click(screen.getByRole('button', { name: 'Export backup' }));
      await screen.findByText(/^Backup saved as rehearse-backup-2026-06-19\.json: /);
      expect(files.map((f) => f.name)).toEqual(['rehearse-backup-2026-06-19.json']);
      expect(parseBackup(await files[0]!.blob.text()).ok).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('says how many calendar days ago the last backup was made', async () => {
    await exportBackup(db, NOW - 3 * DAY + 60_000, 'test');
    renderSection();
    expect(await screen.findByText(`Last backup: ${formatBackupDate(NOW - 3 * DAY + 60_000)} (3 days ago).`)).toBeInTheDocument();
  });

  it('exports the review log as CSV', async () => {
    const files = captureDownloads();
    const user = renderSection();
    await user.click(screen.getByRole('button', { name: 'Export review log (CSV)' }));
    await screen.findByText(/^Review log saved as rehearse-review-log-2026-06-19\.csv/);
    expect(await files[0]!.blob.text()).toBe(`card_id,review_time,review_rating,review_state,review_duration\npy-b#answer,${T0 + DAY},3,0,2000\n`);
  });
});
