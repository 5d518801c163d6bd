import { useEffect, useRef } from 'react';
import { Button, Group, Modal, Text } from '@mantine/core';
import { useBlocker } from 'react-router';
import { dialogOpen } from '../app/shortcuts';

/**
 * Asks before leaving a page with unsaved typing (links, Back, shortcuts, Esc). `allowLeave()` lets
 * the next navigation through, e.g. after saving.
 */
export function useLeaveGuard(dirty: boolean) {
  const dirtyRef = useRef(dirty);
  const allowRef = useRef(false);
  useEffect(() => {
    dirtyRef.current = dirty;
  }, [dirty]);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => !allowRef.current && dirtyRef.current && currentLocation.pathname !== nextLocation.pathname);
  const modal = (
    <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title="Leave without saving?" centered>
      <Text size="sm">What you typed on this page has not been saved. If you leave now, it will be lost.</Text>
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
          Keep editing
        </Button>
        <Button color="red" onClick={() => blocker.proceed?.()}>
          Discard and leave
        </Button>
      </Group>
    </Modal>
  );
  return {
    modal,
    allowLeave() {
      allowRef.current = true;
    },
  };
}

/** Esc on the page (not in a dialog, not in an open dropdown) runs `onEscape`. */
export function useEscape(onEscape: () => void, enabled = true) {
  const ref = useRef(onEscape);
  useEffect(() => {
    ref.current = onEscape;
  }, [onEscape]);
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (dialogOpen()) return;
      const target = e.target as HTMLElement | null;
      if (target?.getAttribute('aria-expanded') === 'true') return;
      if (document.querySelector('.mantine-Popover-dropdown, .mantine-Combobox-dropdown')) return;
      ref.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
