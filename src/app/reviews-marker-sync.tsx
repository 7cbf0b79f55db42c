import { useEffect, useRef } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../db/hooks/services.tsx';
import { hasReviews, markReviews } from '../db/reviews-marker.ts';

/**
 * Keeps the "this database had reviews" marker in step while the app runs: set after any grade,
 * import or sync that leaves reviews; cleared only when the reviews go away in front of the app
 * (undoing the only review, replacing with an empty backup). An empty database found at start
 * leaves the marker alone, so Today can say the reviews are gone.
 */
export function ReviewsMarkerSync() {
  const { db } = useServices();
  const present = useLiveQuery(() => hasReviews(db), [db]);
  const seen = useRef(false);
  useEffect(() => {
    if (present === undefined) return;
    if (present) {
      seen.current = true;
      markReviews(db, true);
    } else if (seen.current) {
      markReviews(db, false);
    }
  }, [db, present]);
  return null;
}
