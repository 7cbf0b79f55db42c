import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { openDatabase } from '../db/database.ts';
import '../ui/styles.css';

const db = openDatabase();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App db={db} now={Date.now} />
  </StrictMode>,
);
