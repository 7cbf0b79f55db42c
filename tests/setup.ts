import 'fake-indexeddb/auto';
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Screens load the bank's chunks on first use; on a busy 2-core CI machine (other jobs, other test
// workers) that can take many seconds. These are ceilings on waits for what a user sees, not targets.
configure({ asyncUtilTimeout: 20_000 });

afterEach(() => cleanup());
