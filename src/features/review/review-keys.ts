import type { Rating } from '../../core/scheduling/fsrs.ts';

export type ReviewKeyAction =
  | { type: 'reveal' }
  | { type: 'grade'; rating: Rating }
  | { type: 'undo' }
  | { type: 'help' }
  | { type: 'flag' }
  | { type: 'suspend' }
  | { type: 'bury' }
  | { type: 'note' };

/** Inputs whose keys are text: everything else (checkboxes, radios, buttons) leaves letters and digits to us. */
const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

export function isTextEntry(target: Element | null): boolean {
  if (!target) return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  if (target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  if (target.tagName === 'INPUT') return !NON_TEXT_INPUTS.has((target as HTMLInputElement).type);
  return false;
}

/** Controls that Space activates (or toggles): Space there belongs to the control, not to grading. */
function usesSpace(target: Element | null): boolean {
  if (!target) return false;
  if (['BUTTON', 'SUMMARY', 'SELECT'].includes(target.tagName)) return true;
  if (target.tagName === 'INPUT') return true;
  const role = target.getAttribute('role');
  return role === 'button' || role === 'checkbox' || role === 'switch';
}

/** Controls that Enter activates (buttons, links, summaries): Enter there is theirs. */
function usesEnter(target: Element | null): boolean {
  if (!target) return false;
  return ['BUTTON', 'SUMMARY', 'A', 'SELECT'].includes(target.tagName) || target.getAttribute('role') === 'button';
}

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

/**
 * What a key press means on the review screen. Only text entry keeps its keys; any
 * other focused control (a ticked checkbox, a summary, a button) still lets 1–4, U,
 * Ctrl/Cmd+Z and the card shortcuts through, as Anki does.
 */
export function reviewKeyAction(event: KeyLike, revealed: boolean): ReviewKeyAction | null {
  const target = event.target instanceof Element ? event.target : null;
  const typing = isTextEntry(target);
  if (typing) return null;
  if ((event.key === 'z' || event.key === 'Z') && (event.ctrlKey || event.metaKey) && !event.altKey) return { type: 'undo' };
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  const key = event.key;
  if (key === '?') return { type: 'help' };
  if (key === ' ' || key === 'Enter') {
    if (key === ' ' ? usesSpace(target) : usesEnter(target)) return null;
    if (!revealed) return { type: 'reveal' };
    // Space on the answer side grades Good (Anki's habit); Enter stays a reveal key only.
    return key === ' ' ? { type: 'grade', rating: 3 } : null;
  }
  if (revealed && ['1', '2', '3', '4'].includes(key)) return { type: 'grade', rating: Number(key) as Rating };
  switch (key.toLowerCase()) {
    case 'u':
      return { type: 'undo' };
    case 'f':
      return { type: 'flag' };
    case 's':
      return { type: 'suspend' };
    case 'b':
      return { type: 'bury' };
    case 'n':
      return { type: 'note' };
    default:
      return null;
  }
}

/** The shortcuts list the `?` key opens, in the order a learner meets them. */
export const SHORTCUTS: readonly [keys: string, what: string][] = [
  ['Space or Enter', 'Show answer'],
  ['1 2 3 4', 'Grade Again, Hard, Good, Easy'],
  ['Space (answer side)', 'Grade Good'],
  ['U or Ctrl/Cmd+Z', 'Undo the last grade'],
  ['F', 'Flag or unflag this question'],
  ['B', 'Bury this card until tomorrow'],
  ['S', 'Suspend this card'],
  ['N', 'Write a note on this question'],
  ['?', 'Show or hide this list'],
];
