/** The header FSRS tools (e.g. the parameter optimiser) read. */
export const REVIEW_LOG_CSV_HEADER = 'card_id,review_time,review_rating,review_state,review_duration';

export interface CsvReview {
  id: string;
  cardId: string;
  rating: number;
  reviewedAt: number;
  durationMs: number;
  before: { state: number };
}

/**
 * One CSV cell: a text starting with = + - @ tab or CR is prefixed with ' so a spreadsheet shows
 * it as text instead of running it as a formula (OWASP's rule), then RFC 4180 quoting where needed.
 */
export function csvField(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

/**
 * The review log as CSV, oldest first (ties by review id, as replay orders them):
 * review_time in epoch ms, review_state is the FSRS state before the grade (0–3),
 * review_duration in ms. A reset of a card to new is a row with review_rating 0, as in Anki's
 * own log, so tools can start that card's history over there. Returned in pieces for a Blob.
 */
export function reviewLogCsv(reviews: readonly CsvReview[]): string[] {
  const sorted = [...reviews].sort((a, b) => a.reviewedAt - b.reviewedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const parts = [`${REVIEW_LOG_CSV_HEADER}\n`];
  const CHUNK = 5000;
  for (let start = 0; start < sorted.length; start += CHUNK) {
    parts.push(
      sorted
        .slice(start, start + CHUNK)
        .map((r) => `${csvField(r.cardId)},${r.reviewedAt},${r.rating},${r.before.state},${Math.round(r.durationMs)}\n`)
        .join(''),
    );
  }
  return parts;
}
