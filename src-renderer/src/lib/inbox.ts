import type { InboxAction, InboxResolution } from '../../../src-shared/api/types';

/** The buttons for the ways the core offers to deal with an item (which ones apply is the core's decision). */
export const INBOX_ACTIONS: Record<InboxAction, { label: string; color: string; variant: 'filled' | 'default' | 'light' }> = {
  rebook: { label: 'Rebook into next free slot', color: 'clinic', variant: 'filled' },
  keep_theirs: { label: "Keep the other desk's version", color: 'gray', variant: 'default' },
  discard: { label: 'Discard', color: 'red', variant: 'light' },
};

/** How a resolved item was dealt with: a word and a colour (never colour alone). */
export const INBOX_RESOLUTIONS: Record<InboxResolution, { word: string; color: string; title: string }> = {
  rebooked: { word: 'Rebooked', color: 'teal', title: 'Booked again' },
  kept_theirs: { word: "Kept the other desk's version", color: 'blue', title: "The other desk's version stays" },
  discarded: { word: 'Discarded', color: 'gray', title: 'Discarded' },
};
