import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Center, Group, Kbd, Loader, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useNavigate, useSearchParams } from 'react-router';
import type { PatientSearchResult } from '../../../../src-shared/api/types';
import { usePatientSearch } from '../../api/queries';
import { errorBody } from '../../api/client';
import { useSession } from '../../app/auth';
import { useCan } from '../../app/Guard';
import { FOCUS_SEARCH_EVENT } from '../../app/shortcuts';
import { PageHeader } from '../../components/PageHeader';
import { mobile, sexAge } from '../../lib/format';

const KIND_LABELS: Record<PatientSearchResult['kind'], string> = { name: 'name', mobile: 'mobile', mrn: 'MRN', empty: '' };

/** Home for every role: find a patient by name, mobile number or MRN, as you type. */
export function PatientsScreen() {
  const session = useSession();
  const can = useCan();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(() => params.get('q') ?? '');
  const [debounced] = useDebouncedValue(text, 150);
  const [selected, setSelected] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const search = usePatientSearch(debounced);
  const result = debounced.trim() ? search.data : undefined;
  const patients = result?.patients ?? [];

  // Keep the query in the address, so Back from a patient returns to the same results.
  useEffect(() => {
    const q = debounced.trim();
    if ((params.get('q') ?? '') !== q) setParams(q ? { q } : {}, { replace: true });
  }, [debounced, params, setParams]);

  useEffect(() => setSelected(0), [result]);

  useEffect(() => {
    const focus = () => {
      inputRef.current?.focus();
      inputRef.current?.select();
    };
    focus();
    window.addEventListener(FOCUS_SEARCH_EVENT, focus);
    return () => window.removeEventListener(FOCUS_SEARCH_EVENT, focus);
  }, []);

  const open = (id: string) => void navigate(`/patients/${id}`);

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setSelected((i) => Math.min(i + 1, Math.max(patients.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setSelected((i) => Math.max(i - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const p = patients[selected];
      if (p && text.trim() === debounced.trim()) open(p.id);
    } else if (e.key === 'Escape' && text) {
      e.preventDefault();
      setText('');
    }
  };

  useEffect(() => {
    document.getElementById(`patient-row-${selected}`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  return (
    <Stack gap="md">
      <PageHeader
        title="Patients"
        subtitle="Find a patient by name, mobile number or MRN"
        actions={
          can('patients.register') && (
            <Button leftSection={<IconUserPlus size={16} />} title="Alt+N" onClick={() => void navigate('/patients/new')}>
              Register patient
            </Button>
          )
        }
      />
      <Paper withBorder p="md" radius="md">
        <TextInput
          ref={inputRef}
          size="md"
          label="Search patients"
          placeholder="Search patients by name, mobile number or MRN"
          leftSection={<IconSearch size={18} />}
          rightSection={search.isFetching ? <Loader size={16} /> : null}
          rightSectionWidth={36}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
          role="searchbox"
          aria-controls="patient-results"
          description={
            <span>
              Press <Kbd size="xs">F2</Kbd> or <Kbd size="xs">Ctrl</Kbd>+<Kbd size="xs">K</Kbd> from anywhere to come back here. <Kbd size="xs">↑</Kbd>{' '}
              <Kbd size="xs">↓</Kbd> choose, <Kbd size="xs">Enter</Kbd> opens.
            </span>
          }
        />
        {result && result.kind !== 'empty' && (
          <Group gap="xs" mt="sm">
            <Text size="sm" c="dimmed" data-testid="search-kind">
              Searching as: {KIND_LABELS[result.kind]}
            </Text>
            <Badge variant="light" color="gray">
              {patients.length === 0 ? 'No matches' : result.more ? `showing first ${patients.length}, refine your search` : `${patients.length} found`}
            </Badge>
          </Group>
        )}
      </Paper>

      {search.isError && <Alert color="red">{errorBody(search.error).message}</Alert>}

      {!debounced.trim() ? (
        <Paper withBorder radius="md" p="xl">
          <Center>
            <Stack align="center" gap={4}>
              <IconUsers size={36} color="var(--mantine-color-gray-5)" />
              <Text c="dimmed">Type a name (any part), the first digits of a mobile number, or an MRN.</Text>
            </Stack>
          </Center>
        </Paper>
      ) : result && patients.length === 0 ? (
        <Paper withBorder radius="md" p="xl">
          <Center>
            <Stack align="center" gap="sm">
              <Text c="dimmed">No patient matches this search.</Text>
              {can('patients.register') && (
                <Button variant="light" leftSection={<IconUserPlus size={16} />} onClick={() => void navigate('/patients/new')}>
                  Register a new patient
                </Button>
              )}
            </Stack>
          </Center>
        </Paper>
      ) : (
        result && (
          <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
            <Table.ScrollContainer minWidth={700} maxHeight="calc(100vh - 330px)">
              <Table id="patient-results" highlightOnHover stickyHeader verticalSpacing="xs" aria-label="Search results">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={150}>MRN</Table.Th>
                    <Table.Th>Name</Table.Th>
                    <Table.Th w={110}>Sex / age</Table.Th>
                    <Table.Th w={170}>Mobile</Table.Th>
                    <Table.Th w={180}>City</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {patients.map((p, i) => (
                    <Table.Tr
                      key={p.id}
                      id={`patient-row-${i}`}
                      className={i === selected ? 'result-row row-selected' : 'result-row'}
                      aria-selected={i === selected}
                      onClick={() => open(p.id)}
                      onMouseEnter={() => setSelected(i)}
                    >
                      <Table.Td ff="monospace">{p.mrn}</Table.Td>
                      <Table.Td fw={500}>{p.fullName}</Table.Td>
                      <Table.Td>{sexAge(p, session.clinic.timezone)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{mobile(p.mobile)}</Table.Td>
                      <Table.Td>{p.city ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        )
      )}
    </Stack>
  );
}
