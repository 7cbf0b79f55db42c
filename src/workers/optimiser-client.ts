import type { FromOptimiser, OptimiserStage, ToOptimiser } from './optimiser-messages.ts';

export type OptimiserOutcome = Exclude<FromOptimiser, { type: 'progress' } | { type: 'error' }>;

export interface OptimiserRun {
  /** Settles with the outcome; rejects with the reason when the fit fails. */
  outcome: Promise<OptimiserOutcome>;
  /** Stops the worker at once; the outcome then rejects with `cancelled`. */
  cancel(): void;
}

export class OptimiserCancelled extends Error {
  constructor() {
    super('Optimisation cancelled: your parameters are unchanged.');
  }
}

/** Starts the optimiser in its own worker (which loads the WebAssembly only now). */
export function startOptimiser(
  request: Omit<ToOptimiser, 'type'>,
  onProgress: (stage: OptimiserStage, done: number, total: number) => void,
): OptimiserRun {
  const worker = new Worker(new URL('./optimiser-worker.ts', import.meta.url), { type: 'module', name: 'optimiser' });
  let settle: { resolve: (o: OptimiserOutcome) => void; reject: (e: Error) => void } | null = null;
  const outcome = new Promise<OptimiserOutcome>((resolve, reject) => (settle = { resolve, reject }));
  const finish = () => worker.terminate();
  worker.onmessage = (event: MessageEvent<FromOptimiser>) => {
    const message = event.data;
    if (message.type === 'progress') return onProgress(message.stage, message.done, message.total);
    finish();
    if (message.type === 'error') settle!.reject(new Error(`Optimisation failed: ${message.message}. Your parameters are unchanged.`));
    else settle!.resolve(message);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    finish();
    settle!.reject(new Error(`Optimisation failed: ${event.message || 'the optimiser stopped'}. Your parameters are unchanged.`));
  };
  worker.postMessage({ type: 'start', ...request } satisfies ToOptimiser);
  return {
    outcome,
    cancel() {
      finish();
      settle!.reject(new OptimiserCancelled());
    },
  };
}
