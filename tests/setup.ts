import 'fake-indexeddb/auto';
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Screens load the bank's chunks on first use; on a busy 2-core CI machine that can take seconds.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => cleanup());
