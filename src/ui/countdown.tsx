import { useEffect, useState } from 'react';
import { formatCountdown } from './format.ts';

/** Time left until `until`, ticking each second; `onDone` runs once when it reaches zero. */
export function Countdown({ until, now, onDone }: { until: number; now: () => number; onDone?: () => void }) {
  const [at, setAt] = useState(now);
  useEffect(() => {
    setAt(now());
    const timer = setInterval(() => {
      const t = now();
      setAt(t);
      if (t >= until) {
        clearInterval(timer);
        onDone?.();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [until, now, onDone]);
  // Not a live region: a screen reader would otherwise announce every second.
  return <span className="countdown">{formatCountdown(until - at)}</span>;
}
