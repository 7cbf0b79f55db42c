import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { openDatabase } from '../db/database.ts';
import '../ui/styles.css';

const db = openDatabase();
// Ask once; the browser decides (Chromium grants it to installed or engaged sites).
void navigator.storage?.persist?.().catch(() => false);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App db={db} now={Date.now} />
  </StrictMode>,
);
