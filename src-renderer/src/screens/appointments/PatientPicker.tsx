import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Badge, Button, Group, Paper, ScrollArea, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconSearch, IconUserPlus, IconX } from '@tabler/icons-react';
import type { PatientSummary } from '../../../../src-shared/api/types';
import { usePatientSearch } from '../../api/queries';
import { mobile, sexAge } from '../../lib/format';
import { InlinePatientRegistration } from '../patients/InlinePatientRegistration';

/**
 * Type to search, ArrowDown/ArrowUp to move, Enter to pick. The search field is focused on open.
 * "Register new patient" swaps the search for the registry's form in place; the registered patient
 * is then picked. `onRegisteringChange` lets the dialog make room (and keep Esc from closing it).
 */
export function PatientPicker({
  value,
  onChange,
  onSubmitShortcut,
  onRegisteringChange,
}: {
  value: PatientSummary | null;
  onChange: (p: PatientSummary | null) => void;
  onSubmitShortcut?: () => void;
  onRegisteringChange?: (registering: boolean) => void;
}) {
  const [query, setQuery] = useState('');
  const [registering, setRegistering] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const search = usePatientSearch(query);
  const input = useRef<HTMLInputElement>(null);
  const results = query.trim() === '' ? [] : (search.data?.patients ?? []).slice(0, 8);
  useEffect(() => {
    const t = setTimeout(() => input.current?.focus(), 50);
    return () => clearTimeout(t);
  }, []);

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSubmitShortcut?.();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, results.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const p = results[active];
      if (p) {
        onChange(p);
        setQuery('');
      }
    }
  };

  const register = (typed: string | null) => {
    setRegistering(typed);
    onRegisteringChange?.(typed !== null);
  };

  if (registering !== null) {
    return (
      <InlinePatientRegistration
        typed={registering}
        onCancel={() => {
          register(null);
          setTimeout(() => input.current?.focus(), 0);
        }}
        onDone={(p) => {
          onChange(p);
          setQuery('');
          register(null);
        }}
      />
    );
  }

  return (
    <Stack gap={6}>
      {value ? (
        <Paper withBorder p="xs" radius="sm" bg="clinic.0">
          <Group justify="space-between" wrap="nowrap">
            <div>
              <Text fw={600} data-testid="picked-patient">
                {value.fullName}
              </Text>
              <Text size="xs" c="dimmed">
                {value.mrn} · {sexAge(value)} · {mobile(value.mobile)}
              </Text>
            </div>
            <UnstyledButton
              aria-label="Change patient"
              onClick={() => {
                onChange(null);
                setTimeout(() => input.current?.focus(), 0);
              }}
            >
              <IconX size={16} />
            </UnstyledButton>
          </Group>
        </Paper>
      ) : null}
      <TextInput
        ref={input}
        label={value ? 'Pick a different patient' : 'Patient'}
        aria-label="Find patient"
        placeholder="Name, mobile number or MRN"
        leftSection={<IconSearch size={16} />}
        value={query}
        onChange={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKey}
        autoComplete="off"
      />
      {results.length > 0 && (
        <ScrollArea.Autosize mah={220}>
          <Stack gap={2} role="listbox" aria-label="Matching patients">
            {results.map((p, i) => (
              <UnstyledButton
                key={p.id}
                role="option"
                aria-selected={i === active}
                p={6}
                style={{ borderRadius: 4, background: i === active ? 'var(--mantine-color-blue-0)' : undefined }}
                onMouseEnter={() => setActive(i)}
                onClick={() => {
                  onChange(p);
                  setQuery('');
                }}
              >
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm" fw={500}>
                    {p.fullName}
                  </Text>
                  <Group gap={6} wrap="nowrap">
                    <Text size="xs" c="dimmed">
                      {sexAge(p)} · {mobile(p.mobile)}
                    </Text>
                    <Badge variant="outline" size="sm">
                      {p.mrn}
                    </Badge>
                  </Group>
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      )}
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" c="dimmed">
          {query.trim() !== '' && search.isSuccess && results.length === 0 ? 'No patient matches. A new patient can be registered here.' : ''}
        </Text>
        <Button size="xs" variant="light" leftSection={<IconUserPlus size={14} />} onClick={() => register(query)} style={{ flexShrink: 0 }}>
          Register new patient
        </Button>
      </Group>
    </Stack>
  );
}
