import type { SearchService } from '../core/bank/search.ts';
import type { Question, QuestionSummary } from '../core/bank/question.ts';

/** How long the bank's full text may take before searches go ahead on titles, topics and tags. */
export const BANK_WAIT_MS = 8_000;

/**
 * Gives the index the bank: its summaries at once (searches meanwhile get quick partial
 * answers from titles, topics and tags), then its full texts. Texts that fail, or are still
 * loading after `waitMs` (the chunk can queue behind the service worker's precaching on a
 * first visit), leave the summaries searched in full and pages marked limited; texts that
 * arrive late still replace them. `announce` says earlier answers are stale.
 */
export async function feedBank(
  service: SearchService,
  summaries: readonly QuestionSummary[],
  full: Promise<readonly Question[]>,
  announce: () => void,
  waitMs = BANK_WAIT_MS,
): Promise<void> {
  // Synchronously, so a search made right after this call sees the bank's titles.
  void service.setBank(summaries, 'loading');
  const late = setTimeout(() => void service.giveUpBankTexts().then(announce), waitMs);
  try {
    await service.setBank(await full, 'full');
  } catch (error) {
    console.error('search: the full text did not load', error);
    await service.giveUpBankTexts();
  } finally {
    clearTimeout(late);
  }
  announce();
}
