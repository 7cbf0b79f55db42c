import { useEffect, useState } from 'react';
import { useServices } from './services.tsx';
import { loadSnapshotInfo, onSnapshotChange } from '../snapshot-repo.ts';
import type { SnapshotInfo } from '../../core/backup/snapshot-policy.ts';

/**
 * The automatic snapshot's info: undefined while it loads, null when none is kept (or its store
 * cannot be opened, which offers nothing either). Read again whenever this page makes a new one.
 */
export function useSnapshotInfo(): SnapshotInfo | null | undefined {
  const { db } = useServices();
  const [state, setState] = useState<{ info: SnapshotInfo | null } | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = () => {
      void loadSnapshotInfo(db)
        .catch(() => null)
        .then((info) => {
          if (live) setState({ info });
        });
    };
    load();
    const stop = onSnapshotChange(load);
    return () => {
      live = false;
      stop();
    };
  }, [db]);
  return state?.info;
}
