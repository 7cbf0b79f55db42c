import type { RevlogColumns } from '../core/scheduling/optimiser.ts';

/** The part of fsrs-browser this app uses; the worker passes the loaded module in (tests load it in node). */
export interface FsrsBrowser {
  Fsrs: new (parameters?: Float32Array | null) => {
    computeParametersAnki(
      minuteOffset: number,
      cids: BigInt64Array,
      eases: Uint8Array,
      ids: BigInt64Array,
      types: Uint8Array,
      progress: null | undefined,
      enableShortTerm: boolean,
    ): Float32Array;
    free(): void;
  };
}

/**
 * Fits FSRS-6 weights to a review log with fsrs-rs (through fsrs-browser). Throws with a
 * reason a learner can read when the fit fails or returns something unusable.
 */
export function fitParameters(lib: FsrsBrowser, columns: RevlogColumns, offsetMinutes: number): number[] {
  const model = new lib.Fsrs();
  let fitted: Float32Array;
  // fsrs-rs prints a line per training epoch to the console: keep it quiet.
  const log = console.log;
  console.log = () => {};
  try {
    fitted = model.computeParametersAnki(offsetMinutes, columns.cardIds, columns.ratings, columns.reviewIds, columns.kinds, null, true);
  } catch (error) {
    // computeParameters* consume the instance (and free it themselves) when they throw.
    throw new Error(`the optimiser stopped: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    console.log = log;
  }
  try {
    model.free();
  } catch {
    // already consumed by the call above
  }
  const weights = Array.from(fitted);
  if (weights.length !== 21 || weights.some((w) => !Number.isFinite(w))) {
    throw new Error('the optimiser returned numbers that are not usable parameters');
  }
  return weights;
}
