/** App-wide keyboard shortcuts talk to screens through window events (no shared state needed). */
export const FOCUS_SEARCH_EVENT = 'clinicdesk:focus-search';

export function requestSearchFocus() {
  window.dispatchEvent(new Event(FOCUS_SEARCH_EVENT));
}

/** Is a Mantine modal (or our lock screen) open? Page shortcuts then stay out of the way. */
export function dialogOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"], .mantine-Modal-root [role="dialog"]') !== null;
}
