import { describe, expect, it } from 'vitest';
import { parseBackup } from '../../../src/core/backup/parse-backup.ts';
import { writeBackup, type RawCollection } from '../../../src/core/backup/write-backup.ts';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.ts';
import { backupText, backupTextV1, gradedCard, makeBackup, T0 } from './backup-fixtures.ts';

function errorsOf(text: string, maxBytes?: number): string[] {
  const result = parseBackup(text, maxBytes);
  if (result.ok) throw new Error('expected the backup to be refused');
  return result.errors;
}

/** The fixture as a version 1 file's JSON data (rows as objects), to damage one field at a time. */
function data(): Record<string, any> {
  return JSON.parse(backupTextV1());
}

/** The fixture as a version 2 file's JSON data (card and review rows as arrays). */
function dataV2(): Record<string, any> {
  return JSON.parse(backupText());
}

describe('reading a backup file', () => {
  it('reads back exactly what was written, one row per line', () => {
    const backup = makeBackup();
    const text = backupText(backup);
    expect(text.split('\n').length).toBeGreaterThan(backup.reviews.length);
    expect(parseBackup(text)).toEqual({ ok: true, value: backup, correctedCards: 0, settingsProblems: [], replayed: expect.any(Map) });
  });

  it('still reads a version 1 file (rows as objects) as the same backup', () => {
    const backup = makeBackup();
    expect(JSON.parse(backupTextV1(backup)).reviews[0]).toHaveProperty('before');
    expect(parseBackup(backupTextV1(backup))).toEqual({ ok: true, value: { ...backup, version: 1 }, correctedCards: 0, settingsProblems: [], replayed: expect.any(Map) });
  });

  it('writes card and review rows as arrays with a legend, each schedule once: under half the size of version 1', () => {
    const many = Array.from({ length: 40 }, (_, i) => gradedCard(`py-q${i}#answer`, [3, 3, 1, 3, 4, 3, 2, 3, 3, 4], T0, crypto.randomUUID()));
    const backup = makeBackup({ cards: many.map((m) => m.card), reviews: many.flatMap((m) => m.reviews) });
    const v2 = JSON.parse(backupText(backup));
    expect(v2.columns.reviews.slice(0, 6)).toEqual(['id', 'cardId', 'rating', 'reviewedAt', 'durationMs', 'config']);
    expect(v2.reviews[0]).toEqual(expect.any(Array));
    expect(v2.configs).toHaveLength(1);
    expect(backupText(backup).length).toBeLessThan(backupTextV1(backup).length / 2);
    expect(parseBackup(backupText(backup))).toEqual({ ok: true, value: backup, correctedCards: 0, settingsProblems: [], replayed: expect.any(Map) });
  });
  it('reads a backup with empty tables and a byte-order mark', () => {
    const backup = makeBackup({ cards: [], reviews: [], notes: [], flags: [], customQuestions: [] });
    expect(parseBackup(`\uFEFF${backupText(backup)}`)).toEqual({ ok: true, value: backup, correctedCards: 0, settingsProblems: [], replayed: expect.any(Map) });
  });

  it('says a truncated file is not valid JSON', () => {
    const text = backupText();
    expect(errorsOf(text.slice(0, Math.floor(text.length / 2)))).toEqual([
      'This file is not a Rehearse backup: it is not valid JSON (truncated?)',
    ]);
  });

  it('says a corrupted or empty file is not a backup', () => {
    const text = backupText();
    expect(errorsOf(text.replace('"reviews":[', '"reviews":[}'))[0]).toMatch(/not valid JSON/);
    expect(errorsOf('')).toEqual(['This file is not a Rehearse backup: it is empty.']);
    expect(errorsOf('[1,2,3]')[0]).toMatch(/^This file is not a Rehearse backup: it holds a list/);
    expect(errorsOf('{"cards":[]}')[0]).toMatch(/lacks the "format": "rehearse-backup" marker/);
    expect(errorsOf(JSON.stringify({ ...data(), format: 'anki' }))[0]).toMatch(/lacks the "format"/);
  });

  it('refuses a backup from a newer version of Rehearse, saying so', () => {
    const [message] = errorsOf(JSON.stringify({ ...dataV2(), version: 3 }));
    expect(message).toMatch(/made by a newer version of Rehearse \(backup format 3; this version reads formats up to 2\)/);
    expect(message).toMatch(/Update Rehearse/);
    expect(errorsOf(JSON.stringify({ ...data(), version: 0 }))).toEqual(['version must be 1 or 2 (this file says 0), so none of its rows can be read.']);
    expect(errorsOf(JSON.stringify({ ...data(), version: '1' }))).toEqual(['version must be 1 or 2 (this file says "1"), so none of its rows can be read.']);
  });

  it('a backup with a bad version gets exactly one message, not one per row', () => {
    for (const version of ['x', null, 0, 1.5, -1, '2']) {
      for (const d of [data(), dataV2()]) {
        d.version = version;
        expect(errorsOf(JSON.stringify(d))).toEqual([`version must be 1 or 2 (this file says ${JSON.stringify(version)}), so none of its rows can be read.`]);
      }
    }
  });

  it('refuses an oversized file before parsing it', () => {
    const text = backupText();
    expect(errorsOf(text, 1024)).toEqual(['This file is not a Rehearse backup: it is larger than the 1 kB a backup can be.']);
    // Multi-byte characters count in bytes, not characters.
    const wide = JSON.stringify({ ...data(), device: 'é'.repeat(300) });
    expect(parseBackup(wide, wide.length + 100).ok).toBe(false);
    expect(errorsOf(wide, wide.length + 100)[0]).toMatch(/larger than/);
  });

  it('names the path and the rule of every bad field', () => {
    const d = data();
    d.reviews[1].rating = 7;
    d.reviews[2].before.state = 9;
    d.cards[0].due = 'tomorrow';
    d.cards[1].id = '';
    delete d.reviews[0].cardId;
    d.reviews[3].config = 'rm -rf /';
    d.notes[0].updatedAt = -5;
    d.flags[0] = 'py-a';
    d.settings.desiredRetention = 2;
    d.customQuestions[0].difficulty = 9;
    d.cards[2].stability = null;
    expect(errorsOf(JSON.stringify(d)).sort()).toEqual(
      [
        'reviews[1].rating must be 1–4 (or 0 for a reset to new)',
        'reviews[2].before.state must be 0–3 (new, learning, review, relearning)',
        'cards[0].due must be a time (milliseconds since 1970)',
        'cards[1].id must be a card id: a question id then #answer or #mistakes',
        'reviews[0].cardId is missing',
        'reviews[3].config must be a schedule such as "0.9|365|1m 10m|10m|"',
        'notes[0].updatedAt must be a time (milliseconds since 1970)',
        'flags[0] must be an object',
        'customQuestions[0] has difficulty outside 1–3, the range for level beginner',
        'cards[2].stability must be a number',
      ].sort(),
    );
  });

  it('names the row and field of a bad value in a version 2 file, whose rows are arrays', () => {
    const d = dataV2();
    d.reviews[1][2] = 7; // rating
    d.reviews[2][9] = 9; // the state before
    d.reviews[3][5] = 4; // a schedule position past the end of configs
    d.reviews[4] = { id: 'x' };
    d.cards[0][5] = 'tomorrow'; // due
    d.cards[1].pop();
    d.configs.push('rm -rf /');
    d.reviews[0][5] = 1;
    expect(errorsOf(JSON.stringify(d)).sort()).toEqual(
      [
        'reviews[0].config must be a schedule such as "0.9|365|1m 10m|10m|"',
        'reviews[1].rating must be 1–4 (or 0 for a reset to new)',
        'reviews[2].before.state must be 0–3 (new, learning, review, relearning)',
        'reviews[3].config must be the position of a schedule in configs',
        'reviews[4] must be a list of 15 values',
        'cards[0].due must be a time (milliseconds since 1970)',
        'cards[1] must be a list of 14 values',
      ].sort(),
    );
    expect(errorsOf(JSON.stringify({ ...dataV2(), configs: undefined }))).toContain('configs is missing');
    expect(errorsOf(JSON.stringify({ ...dataV2(), columns: { cards: [], reviews: dataV2().columns.reviews } }))[0]).toMatch(/^columns\.cards must be \["id","questionId"/);
  });

  it('refuses numbers too large to be real (1e400 is Infinity) and fractional counts', () => {
    const text = backupTextV1().replace(/"reps":\d+/, '"reps":1e400').replace(/"lapses":\d+/, '"lapses":0.5');
    expect(errorsOf(text)).toEqual(['cards[0].reps must be a finite number', 'cards[0].lapses must be a whole number']);
    const d = data();
    d.reviews[0].reviewedAt = 1e300;
    d.cards[0].difficulty = 11;
    expect(errorsOf(JSON.stringify(d))).toEqual([
      'cards[0].difficulty must be between 0 and 10',
      'reviews[0].reviewedAt must be a time (milliseconds since 1970)',
    ]);
  });

  it('accepts reset entries (rating 0, no schedule) but no grade without a schedule', () => {
    const d = data();
    d.reviews.push({ ...d.reviews[3], id: 'reset-1', rating: 0, config: '', durationMs: 0, reviewedAt: d.reviews[3].reviewedAt + 1 });
    const result = parseBackup(JSON.stringify(d));
    expect(result.ok && result.value.reviews.at(-1)).toMatchObject({ rating: 0, config: '' });
    d.reviews.at(-1).rating = 3;
    expect(errorsOf(JSON.stringify(d))).toEqual(['reviews[5].config must be a schedule such as "0.9|365|1m 10m|10m|"']);
  });

  it('refuses a card whose id does not match its question and kind', () => {
    const d = data();
    d.cards[0].questionId = 'py-b';
    expect(errorsOf(JSON.stringify(d))).toEqual(['cards[0] has an id that is not "<questionId>#<kind>"']);
  });

  it('refuses card ids the app could never make, such as spreadsheet formulas', () => {
    for (const bad of ['=1+1', '+cmd', '-2', '@SUM(A1)', '\tpy-a', 'Py-A', 'py--a']) {
      const d = data();
      d.cards[0].id = `${bad}#answer`;
      d.cards[0].questionId = bad;
      for (const r of d.reviews) if (r.cardId === 'py-a#answer') r.cardId = `${bad}#answer`;
      const errors = errorsOf(JSON.stringify(d));
      expect(errors).toContain('cards[0].id must be a card id: a question id then #answer or #mistakes');
      expect(errors).toContain('cards[0].questionId must be a question id: lowercase letters, digits and single hyphens');
      expect(errors).toContain('reviews[0].cardId must be a card id: a question id then #answer or #mistakes');
    }
    const note = data();
    note.notes[0].questionId = '=HYPERLINK("http://x")';
    expect(errorsOf(JSON.stringify(note))).toEqual(['notes[0].questionId must be a question id: lowercase letters, digits and single hyphens']);
    const flag = data();
    flag.flags[0].questionId = 'own-ab12#answer';
    expect(errorsOf(JSON.stringify(flag))).toEqual(['flags[0].questionId must be a question id: lowercase letters, digits and single hyphens']);
  });

  it('refuses duplicate review ids and reviews of cards the backup lacks', () => {
    const d = data();
    d.reviews[2].id = d.reviews[0].id;
    d.reviews[3].cardId = 'py-zzz#answer';
    expect(errorsOf(JSON.stringify(d))).toEqual([
      'reviews[2] has the same id as reviews[0] ("py-a#answer-r0")',
      'reviews[3] is for card "py-zzz#answer", which is not among the backup\'s cards',
    ]);
    const twice = data();
    twice.cards.push(twice.cards[0]);
    expect(errorsOf(JSON.stringify(twice))).toEqual(['cards[3] has the same id as cards[0] ("py-a#answer")']);
  });

  it('lists at most twenty problems and says how many more there are', () => {
    const d = data();
    d.reviews = Array.from({ length: 500 }, (_, i) => ({ ...d.reviews[0], id: `r${i}`, rating: 5 }));
    const errors = errorsOf(JSON.stringify(d));
    expect(errors).toHaveLength(21);
    expect(errors[20]).toBe('…and 480 more problems.');
  });

  it('ignores prototype-pollution keys and unknown fields, polluting nothing', () => {
    const text = backupTextV1()
      .replace('{"format"', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"format"')
      .replace('"rating":3', '"__proto__":{"rating":9},"rating":3');
    const result = parseBackup(text);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
      expect(Object.keys(result.value)).not.toContain('__proto__');
      expect(Object.hasOwn(result.value.reviews[0]!, '__proto__')).toBe(false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives deeply nested values without throwing', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const result = parseBackup(backupText().replace('"device":"Chrome on Android"', `"device":${deep}`));
    expect(result).toEqual({ ok: false, errors: [expect.stringMatching(/device must be text|could not be read/)] });
  });

  it('refuses input that is not text at all', () => {
    expect(parseBackup(42 as unknown as string)).toEqual({ ok: false, errors: ['This file is not a Rehearse backup: it is not a text file.'] });
  });
});

function written(rows: RawCollection) {
  const { pieces, report } = writeBackup({ rows, settings: DEFAULT_SETTINGS, exportedAt: T0, device: 'Firefox on Linux', schemaVersion: 2 });
  const text = [...pieces].join('');
  return { text, report };
}

describe('making a backup from stored rows', () => {
  it('leaves out damaged rows, names them, and the file still imports', () => {
    const good = makeBackup();
    const { text, report } = written({
      cards: [...good.cards, { id: 'py-x#answer', questionId: 'py-x', kind: 'answer', stability: 'broken' }],
      reviews: [...good.reviews, { ...good.reviews[0], id: 'orphan', cardId: 'py-x#answer' }, { id: 'bad', rating: 12 }],
      notes: good.notes,
      flags: [...good.flags, null],
      customQuestions: good.customQuestions,
    });
    expect(report.leftOut).toEqual([
      'card "py-x#answer"',
      'review "orphan" (its card "py-x#answer" is missing or damaged)',
      'review "bad"',
      'flag of (no id)',
    ]);
    expect(report).toMatchObject({ cards: good.cards.length, reviews: good.reviews.length });
    const parsed = parseBackup(text);
    expect(parsed.ok && parsed.value.cards).toEqual(good.cards);
    expect(parsed.ok && parsed.value.reviews).toEqual(good.reviews);
  });

  it('fills in missing suspended/hidden flags of old rows as false and drops the bucket', () => {
    const card: Record<string, unknown> = { ...makeBackup().cards[0]! };
    delete card.hidden;
    delete card.suspended;
    const { text, report } = written({ cards: [{ ...card, bucket: 2 }], reviews: [], notes: [], flags: [], customQuestions: [] });
    expect(report.leftOut).toEqual([]);
    const parsed = parseBackup(text);
    expect(parsed.ok && parsed.value.cards[0]).toMatchObject({ hidden: false, suspended: false });
    expect(parsed.ok && parsed.value.cards[0]).not.toHaveProperty('bucket');
  });

  it('makes its text in pieces of at most a thousand rows', () => {
    const many = Array.from({ length: 250 }, (_, i) => gradedCard(`py-q${i}#answer`, [3, 3, 1, 3, 4, 3, 2, 3, 3, 4], T0));
    const { pieces } = writeBackup({
      rows: { cards: many.map((m) => m.card), reviews: many.flatMap((m) => m.reviews), notes: [], flags: [], customQuestions: [] },
      settings: DEFAULT_SETTINGS, exportedAt: T0, device: '', schemaVersion: 2,
    });
    const list = [...pieces];
    expect(Math.max(...list.map((p) => p.split('\n').length - 1))).toBeLessThanOrEqual(1000);
    expect(parseBackup(list.join('')).ok).toBe(true);
  });
});

describe('a backup whose settings are invalid', () => {
  it('is accepted with each invalid setting replaced by its default, and says which', () => {
    const d = data();
    d.settings.desiredRetention = 2;
    d.settings.learningSteps = ['soon'];
    const result = parseBackup(JSON.stringify(d));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.settingsProblems).toEqual([
      'Desired retention: 2 is not valid, using the default 0.9',
      'Learning steps: ["soon"] is not valid, using the default 1m 10m',
    ]);
    expect(result.value.settings).toEqual({ ...d.settings, desiredRetention: 0.9, learningSteps: ['1m', '10m'] });
  });

  it('falls back to every default when the settings are missing or not an object', () => {
    const missing = data();
    delete missing.settings;
    const none = parseBackup(JSON.stringify(missing));
    expect(none.ok && none.settingsProblems).toEqual(['Settings: missing from the file, using the defaults for every setting']);
    const nulled = parseBackup(JSON.stringify({ ...data(), settings: null }));
    expect(nulled.ok && nulled.value.settings).toEqual(DEFAULT_SETTINGS);
    expect(nulled.ok && nulled.settingsProblems).toEqual(['Settings: null is not valid, using the defaults for every setting']);
  });

  it('reports nothing for valid settings', () => {
    const result = parseBackup(backupText());
    expect(result.ok && result.settingsProblems).toEqual([]);
  });
});
