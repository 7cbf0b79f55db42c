import { describe, expect, it } from 'vitest';
import { backupFileName, describeDevice, reviewLogFileName, summarizeBackup } from '../../../src/core/backup/backup-summary.ts';
import { backupNudge } from '../../../src/core/backup/backup-nudge.ts';
import { reviewLogCsv, REVIEW_LOG_CSV_HEADER } from '../../../src/core/backup/review-log-csv.ts';
import { backupFailureMessage, isQuotaError } from '../../../src/core/backup/storage-errors.ts';
import { makeBackup, T0, DAY } from './backup-fixtures.ts';

describe('the import preview summary', () => {
  it('counts what the backup holds and the dates its reviews span', () => {
    const backup = makeBackup();
    const times = backup.reviews.map((r) => r.reviewedAt);
    expect(summarizeBackup(backup)).toEqual({
      exportedAt: backup.exportedAt,
      device: 'Chrome on Android',
      cards: 3,
      reviews: 5,
      ownQuestions: 1,
      notes: 1,
      flags: 1,
      firstReviewAt: Math.min(...times),
      lastReviewAt: Math.max(...times),
      correctedCards: 0,
    });
    expect(summarizeBackup(makeBackup({ reviews: [] }))).toMatchObject({ reviews: 0, firstReviewAt: null, lastReviewAt: null });
  });

  it('names the browser and system from a user agent, nothing more', () => {
    expect(describeDevice('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36')).toBe('Chrome on Android');
    expect(describeDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')).toBe('Safari on iPhone');
    expect(describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0')).toBe('Edge on Windows');
    expect(describeDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0')).toBe('Firefox on macOS');
    expect(describeDevice('')).toBe('Unknown browser');
  });

  it('names files by the local date, compressed backups ending .json.gz', () => {
    expect(backupFileName(new Date(2026, 0, 5, 23, 59).getTime())).toBe('rehearse-backup-2026-01-05.json.gz');
    expect(backupFileName(new Date(2026, 0, 5, 23, 59).getTime(), false)).toBe('rehearse-backup-2026-01-05.json');
    expect(reviewLogFileName(new Date(2026, 10, 25, 0, 1).getTime())).toBe('rehearse-review-log-2026-11-25.csv');
  });
});

describe('the backup nudge', () => {
  const now = T0 + 100 * DAY;
  it('stays quiet without reviews, or with a recent backup', () => {
    expect(backupNudge({ lastBackupAt: null, firstReviewAt: null, lastReviewAt: null }, now)).toBeNull();
    expect(backupNudge({ lastBackupAt: now - 3 * DAY, firstReviewAt: T0, lastReviewAt: now - DAY }, now)).toBeNull();
    expect(backupNudge({ lastBackupAt: null, firstReviewAt: now - 10 * DAY, lastReviewAt: now }, now)).toBeNull();
  });
  it('nudges when the last backup is over 14 days old and reviews came after it', () => {
    expect(backupNudge({ lastBackupAt: now - 15 * DAY, firstReviewAt: T0, lastReviewAt: now - DAY }, now)).toEqual({ daysSinceBackup: 15 });
    // Nothing new since the backup: nothing at risk.
    expect(backupNudge({ lastBackupAt: now - 30 * DAY, firstReviewAt: T0, lastReviewAt: now - 31 * DAY }, now)).toBeNull();
  });
  it('nudges when there was never a backup and reviewing began over 14 days ago', () => {
    expect(backupNudge({ lastBackupAt: null, firstReviewAt: now - 15 * DAY, lastReviewAt: now }, now)).toEqual({ daysSinceBackup: null });
  });
});

describe('the review log as CSV', () => {
  it('has the FSRS header and one line per review in time order, state before the grade', () => {
    const backup = makeBackup();
    const shuffled = [...backup.reviews].reverse();
    const lines = reviewLogCsv(shuffled).join('').trimEnd().split('\n');
    expect(lines[0]).toBe(REVIEW_LOG_CSV_HEADER);
    expect(lines[0]).toBe('card_id,review_time,review_rating,review_state,review_duration');
    const sorted = [...backup.reviews].sort((a, b) => a.reviewedAt - b.reviewedAt);
    expect(lines.slice(1)).toEqual(sorted.map((r) => `${r.cardId},${r.reviewedAt},${r.rating},${r.before.state},${r.durationMs}`));
    expect(lines[1]).toBe(`py-a#answer,${T0},3,0,4000`);
  });
  it('breaks time ties by review id and quotes awkward ids', () => {
    const base = makeBackup().reviews[0]!;
    const csv = reviewLogCsv([
      { ...base, id: 'b', cardId: 'x,"y"#answer' },
      { ...base, id: 'a' },
    ]).join('');
    expect(csv.split('\n').slice(1, 3)).toEqual([`py-a#answer,${T0},3,0,4000`, `"x,""y""#answer",${T0},3,0,4000`]);
    expect(reviewLogCsv([]).join('')).toBe(`${REVIEW_LOG_CSV_HEADER}\n`);
  });

  it('shows ids that a spreadsheet would run as formulas as plain text (prefixed with a quote)', () => {
    const base = makeBackup().reviews[0]!;
    const hostile = ['=1+1#answer', '+1#answer', '-1#answer', '@SUM(A1)#answer', '\tx#answer', '\rx#answer', '=HYPERLINK("http://x","y")#answer'];
    const lines = reviewLogCsv(hostile.map((cardId, i) => ({ ...base, id: `r${i}`, cardId }))).join('').split('\n').slice(1, -1);
    expect(lines.map((line) => line.slice(0, line.lastIndexOf(`,${T0},`)))).toEqual([
      "'=1+1#answer",
      "'+1#answer",
      "'-1#answer",
      "'@SUM(A1)#answer",
      "'\tx#answer",
      '"\'\rx#answer"',
      '"\'=HYPERLINK(""http://x"",""y"")#answer"',
    ]);
    // Not one cell, as a spreadsheet reads it after unquoting, starts with a formula character.
    expect(lines.every((line) => !/^"?[=+\-@\t\r]/.test(line))).toBe(true);
  });
});

describe('storage failures', () => {
  it('recognises a full disk however the error is wrapped', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: quota })).toBe(true);
    expect(isQuotaError({ name: 'BulkError', failures: [quota] })).toBe(true);
    expect(isQuotaError({ name: 'BulkError', failures: { 3: quota } })).toBe(true);
    expect(isQuotaError(new Error('ConstraintError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
  it('says storage is full and that nothing changed', () => {
    const message = backupFailureMessage(new DOMException('full', 'QuotaExceededError'), 'import');
    expect(message).toMatch(/storage is full/);
    expect(message).toMatch(/Nothing was changed/);
    expect(backupFailureMessage(new Error('boom'), 'import')).toBe('The import failed, so nothing was changed: boom.');
  });
});
