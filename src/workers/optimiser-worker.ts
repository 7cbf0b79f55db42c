/// <reference lib="webworker" />
import init, { Fsrs } from 'fsrs-browser';
import wasmUrl from 'fsrs-browser/fsrs_browser_bg.wasm?url';
import {
  capNote,
  countPredictableReviews,
  dayOffsetMinutes,
  emptySums,
  finishScore,
  groupByCard,
  historyAdvice,
  isBetterFit,
  latestHistories,
  mergeSums,
  scoreParameters,
  toRevlogColumns,
  unreadableNote,
} from '../core/scheduling/optimiser.ts';
import { DEFAULT_PARAMETERS, RESET_RATING, normaliseParameters } from '../core/scheduling/fsrs.ts';
import { openDatabase } from '../db/database.ts';
import { readGradeLog } from '../db/optimiser-repo.ts';
import { fitParameters } from './fit-parameters.ts';
import type { FromOptimiser, ToOptimiser } from './optimiser-messages.ts';

/**
 * Fits FSRS parameters off the main thread: reads the log from IndexedDB, runs fsrs-rs
 * (WebAssembly, single-threaded), then scores the current and the new weights on the same
 * history. It never writes: the page decides and saves, so Cancel (terminate) leaves nothing half-done.
 */
const post = (message: FromOptimiser) => (self as unknown as Worker).postMessage(message);
const CHUNK = 2000;

async function run(request: Extract<ToOptimiser, { type: 'start' }>): Promise<void> {
  const db = openDatabase(request.dbName);
  const { log, unreadable } = await readGradeLog(db, (read) => post({ type: 'progress', stage: 'reading', done: read, total: request.expectedReviews }));
  db.close();
  const damaged = unreadableNote(unreadable);
  const reviewCount = log.reduce((n, entry) => n + (entry.rating === RESET_RATING ? 0 : 1), 0);
  const offset = dayOffsetMinutes(request.utcOffsetMinutes, request.dayStartHour);
  const { histories, kept, total } = latestHistories(groupByCard(log));
  const capped = capNote(kept, total);
  const predictable = countPredictableReviews(histories, offset);
  const advice = historyAdvice(predictable);
  if (advice && !advice.canFit) {
    post({ type: 'too-little', message: [advice.message, damaged].filter(Boolean).join(' '), reviewCount });
    return;
  }
  post({ type: 'progress', stage: 'fitting', done: 0, total: predictable });
  try {
    await init({ module_or_path: wasmUrl });
  } catch (error) {
    throw new Error(`the optimiser could not be loaded (${error instanceof Error ? error.message : String(error)})`);
  }
  const fitted = normaliseParameters(fitParameters({ Fsrs }, toRevlogColumns(histories), offset));
  if (!fitted) throw new Error('the optimiser returned numbers that are not usable parameters');
  const current = request.current ?? [...DEFAULT_PARAMETERS];
  const before = emptySums();
  const after = emptySums();
  for (let from = 0; from < histories.length; from += CHUNK) {
    const to = Math.min(histories.length, from + CHUNK);
    mergeSums(before, scoreParameters(histories, current, offset, { from, to }).sums);
    mergeSums(after, scoreParameters(histories, fitted, offset, { from, to }).sums);
    post({ type: 'progress', stage: 'evaluating', done: to, total: histories.length });
  }
  const beforeScore = finishScore(before);
  const afterScore = finishScore(after);
  post({
    type: 'result',
    weights: fitted,
    before: beforeScore,
    after: afterScore,
    better: isBetterFit(beforeScore, afterScore),
    reviewCount,
    advice: [capped, advice?.message, damaged].filter(Boolean).join(' ') || null,
  });
}

self.onmessage = (event: MessageEvent<ToOptimiser>) => {
  if (event.data.type !== 'start') return;
  run(event.data).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
