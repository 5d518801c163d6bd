import { useEffect, useState } from 'react';
import { ActionIcon, Badge, Combobox, Group, Loader, Stack, Text, TextInput, useCombobox } from '@mantine/core';
import { IconSearch, IconX } from '@tabler/icons-react';
import type { Diagnosis } from '../../../../src-shared/api/consult';
import { errorBody } from '../../api/client';
import { useDiagnosisSearch } from '../../api/consult';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export const diagnosisLabel = (d: Diagnosis) => (d.code ? `${d.code} — ${d.title}` : d.title);

const FREE = '__free__';

/**
 * Diagnoses: type a code ("E11.9") or words ("type 2 diab") to search the bundled ICD-10 list, pick with the
 * arrow keys and Enter or a click; "Add as free text" keeps exactly what was typed when no code fits.
 */
export function DiagnosisPicker({ value, onChange, readOnly, error }: { value: Diagnosis[]; onChange?: (d: Diagnosis[]) => void; readOnly?: boolean; error?: string }) {
  const [query, setQuery] = useState('');
  const debounced = useDebounced(query, 250);
  const search = useDiagnosisSearch(debounced);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const typed = query.trim();
  const results = typed.length >= 2 ? (search.data ?? []) : [];
  const taken = new Set(value.map((d) => `${d.code ?? ''}|${d.title.toLowerCase()}`));

  const add = (d: Diagnosis) => {
    if (!taken.has(`${d.code ?? ''}|${d.title.toLowerCase()}`)) onChange?.([...value, d]);
    setQuery('');
    combobox.closeDropdown();
  };

  const list = (
    <Stack gap={4} aria-label="Diagnoses" role="list">
      {value.length === 0 && (
        <Text size="sm" c="dimmed" role="listitem">
          No diagnosis yet.
        </Text>
      )}
      {value.map((d, i) => (
        <Group key={`${d.code ?? 'free'}-${d.title}`} gap={6} wrap="nowrap" role="listitem" aria-label={diagnosisLabel(d)}>
          {d.code ? (
            <Badge variant="light" color="blue" tt="none" miw={64}>
              {d.code}
            </Badge>
          ) : (
            <Badge variant="outline" color="gray" tt="none" miw={64}>
              Free text
            </Badge>
          )}
          <Text size="sm" style={{ flex: 1 }}>
            {d.title}
          </Text>
          {!readOnly && (
            <ActionIcon variant="subtle" color="red" size="sm" aria-label={`Remove ${diagnosisLabel(d)}`} onClick={() => onChange?.(value.filter((_, j) => j !== i))}>
              <IconX size={14} />
            </ActionIcon>
          )}
        </Group>
      ))}
    </Stack>
  );

  if (readOnly) return list;

  const searchError = search.isError && typed.length >= 2 ? errorBody(search.error).message : null;
  return (
    <Stack gap={6}>
      {list}
      <Combobox
        store={combobox}
        onOptionSubmit={(v) => {
          if (v === FREE) {
            if (typed.length >= 2) add({ code: null, title: typed });
            return;
          }
          const hit = results.find((r) => r.code === v);
          if (hit) add({ code: hit.code, title: hit.title });
        }}
      >
        <Combobox.Target>
          <TextInput
            size="xs"
            label="Add diagnosis"
            placeholder="ICD-10 code or words, e.g. E11.9 or type 2 diab"
            leftSection={<IconSearch size={14} />}
            rightSection={search.isFetching ? <Loader size={12} /> : null}
            value={query}
            error={error}
            onChange={(e) => {
              setQuery(e.currentTarget.value);
              combobox.openDropdown();
              combobox.updateSelectedOptionIndex();
            }}
            onFocus={() => typed && combobox.openDropdown()}
            onBlur={() => combobox.closeDropdown()}
            autoComplete="off"
          />
        </Combobox.Target>
        <Combobox.Dropdown hidden={typed.length < 2}>
          <Combobox.Options aria-label="Matching diagnoses" mah={260} style={{ overflowY: 'auto' }}>
            {results.map((r) => (
              <Combobox.Option key={r.code} value={r.code}>
                <Text size="sm">
                  <b>{r.code}</b> — {r.title}
                </Text>
              </Combobox.Option>
            ))}
            {searchError && (
              <Combobox.Empty>
                <Text size="xs" c="red.8">
                  Diagnosis search is not available: {searchError}
                </Text>
              </Combobox.Empty>
            )}
            {!searchError && !search.isFetching && search.isSuccess && results.length === 0 && <Combobox.Empty>No ICD-10 code matches. Add it as free text instead.</Combobox.Empty>}
            <Combobox.Option value={FREE}>
              <Text size="sm" c="dimmed">
                Add as free text: “{typed}”
              </Text>
            </Combobox.Option>
          </Combobox.Options>
        </Combobox.Dropdown>
      </Combobox>
    </Stack>
  );
}
