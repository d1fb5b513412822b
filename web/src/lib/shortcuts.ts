// Keyboard shortcuts: `/` search, `j`/`k` next and previous conversation, `?` the list. Keys typed
// into a field are the field's.
import { useEffect } from 'react';

export const shortcutList: { keys: string; what: string }[] = [
  { keys: '/', what: 'Search on this screen' },
  { keys: 'j', what: 'Next conversation (Inbox)' },
  { keys: 'k', what: 'Previous conversation (Inbox)' },
  { keys: 'Enter', what: 'Send the message (in the composer)' },
  { keys: 'Shift + Enter', what: 'New line in the message' },
  { keys: '/ in the composer', what: 'Canned replies' },
  { keys: 'Esc', what: 'Close a dialog, leave a field' },
  { keys: '?', what: 'This list of shortcuts' },
];

export const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** Listens for a plain key (no modifier) outside text fields. */
export function useKey(key: string, fn: (e: KeyboardEvent) => void, enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== key || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      fn(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [key, fn, enabled]);
}
