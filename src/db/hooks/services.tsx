import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { RehearseDb } from '../database.ts';
import type { Bank } from '../bank.ts';
import { loadSettings } from '../settings-repo.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings.ts';

/** What screens need from outside: the database, the bank and the clock (injected so tests control time). */
export interface Services {
  db: RehearseDb;
  bank: Bank;
  now: () => number;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices needs a ServicesProvider above it');
  return services;
}

/** Live settings: a change saved anywhere (even in another tab) reaches every screen. */
export function useSettings(): { settings: Settings; problems: string[]; loaded: boolean } {
  const { db } = useServices();
  const result = useLiveQuery(() => loadSettings(db), [db]);
  // The settings table also holds metadata that changes often: keep the same object
  // while the settings themselves are unchanged, so screens do not redo work.
  const key = result ? JSON.stringify(result) : '';
  return useMemo(
    () => (result ? { ...result, loaded: true } : { settings: DEFAULT_SETTINGS, problems: [], loaded: false }),
    [key], // eslint-disable-line react-hooks/exhaustive-deps
  );
}
