import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from './app-context.tsx';
import { hasReviews, markReviews, reviewsMarked } from '../db/reviews-marker.ts';

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

/** Today's alert when the marker says there were reviews and the database has none. */
export function LostReviewsAlert() {
  const { db } = useServices();
  const present = useLiveQuery(() => hasReviews(db), [db]);
  const [marked, setMarked] = useState(() => reviewsMarked(db));
  if (present !== false || !marked) return null;
  return (
    <div role="alert" className="alert">
      <p>
        Your reviews on this device are gone: Rehearse had saved reviews here, and the browser’s storage for it is now
        empty. If you have a backup file, restore it in <Link to="/settings">Settings → Backup</Link>.
      </p>
      <button
        type="button"
        onClick={() => {
          markReviews(db, false);
          setMarked(false);
        }}
      >
        Dismiss: start afresh
      </button>
    </div>
  );
}
