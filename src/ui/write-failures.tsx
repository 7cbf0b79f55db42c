import { create } from 'zustand';
import { writeFailureMessage } from '../core/write-errors.ts';

interface WriteFailureState {
  message: string | null;
  show(message: string): void;
  dismiss(): void;
}

/** The last write that failed, shown by <WriteFailureAlert> whichever screen made it. */
export const useWriteFailure = create<WriteFailureState>()((set) => ({
  message: null,
  show: (message) => set({ message }),
  dismiss: () => set({ message: null }),
}));

/**
 * Every write a screen starts goes through here: a refusal becomes one clear message on screen
 * and never an uncaught rejection. Resolves to undefined when the write failed.
 */
export async function runWrite<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    const result = await work();
    useWriteFailure.getState().dismiss();
    return result;
  } catch (error) {
    useWriteFailure.getState().show(writeFailureMessage(what, error));
    return undefined;
  }
}

export function WriteFailureAlert() {
  const { message, dismiss } = useWriteFailure();
  if (!message) return null;
  return (
    <div role="alert" className="alert write-failure">
      <p>{message}</p>
      <button type="button" onClick={dismiss}>Dismiss</button>
    </div>
  );
}
