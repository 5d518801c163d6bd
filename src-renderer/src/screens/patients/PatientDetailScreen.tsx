import { useState, type ReactNode } from 'react';
import { ActionIcon, Alert, Anchor, Badge, Button, Center, CopyButton, Grid, Group, Loader, Paper, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconCheck, IconCopy, IconFlask, IconPencil, IconPhone } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import type { Patient } from '../../../../src-shared/api/types';
import { formatDisplayInstant } from '../../../../src-shared/dates';
import { formatAbhaNumber } from '../../../../src-shared/validation/abha';
import { usePatient } from '../../api/queries';
import { errorBody } from '../../api/client';
import { useSession } from '../../app/auth';
import { useCan } from '../../app/Guard';
import { displayDate, mobile, sexAgeLong, stateLabel } from '../../lib/format';
import { PatientEditor } from './PatientEditor';
import { PatientHistory } from './PatientHistory';
import { HistoryTimeline } from '../consult/HistoryTimeline';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children ?? '—'}
      </Text>
    </div>
  );
}

function consentText(given: boolean, at: string | null, tz: string) {
  if (!given) return 'Not given';
  return at ? `Given on ${formatDisplayInstant(at, tz)}` : 'Given';
}

function Demographics({ p, tz }: { p: Patient; tz: string }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} fz="md" mb="md">
        Details
      </Title>
      <SimpleGrid cols={2} spacing="xl" verticalSpacing="md">
        <Field label="Full name">{p.fullName}</Field>
        <Field label="Sex and age">{sexAgeLong(p, tz)}</Field>
        <Field label="Date of birth">
          {displayDate(p.dateOfBirth)}
          {p.dateOfBirth && p.dobEstimated && (
            <Text span c="dimmed" size="sm">
              {' '}
              (estimated)
            </Text>
          )}
        </Field>
        <Field label="Mobile number">{mobile(p.mobile)}</Field>
        <Field label="E-mail">{p.email ?? '—'}</Field>
        <Field label="ABHA number">{p.abhaNumber ? formatAbhaNumber(p.abhaNumber) : '—'}</Field>
        <Field label="Address">{p.addressLine ?? '—'}</Field>
        <Field label="City">{p.city ?? '—'}</Field>
        <Field label="State">{stateLabel(p.stateCode)}</Field>
        <Field label="PIN code">{p.pincode ?? '—'}</Field>
        <Field label="Emergency contact">
          {p.emergencyName ? `${p.emergencyName}${p.emergencyRelation ? ` (${p.emergencyRelation})` : ''}` : '—'}
        </Field>
        <Field label="Emergency contact phone">{mobile(p.emergencyPhone)}</Field>
        <Field label="Consent to messages">{consentText(p.consentMessages, p.consentMessagesAt, tz)}</Field>
        <Field label="Consent to data processing">{consentText(p.consentDataProcessing, p.consentDataProcessingAt, tz)}</Field>
        <Field label="Registered">{formatDisplayInstant(p.createdAt, tz)}</Field>
        <Field label="Last changed">{formatDisplayInstant(p.updatedAt, tz)}</Field>
      </SimpleGrid>
    </Paper>
  );
}

/** #/patients/:id — one patient: who they are, edit (desk roles), the change history, and the visit history (as the role may see it). */
export function PatientDetailScreen() {
  const { id = '' } = useParams();
  const session = useSession();
  const can = useCan();
  const tz = session.clinic.timezone;
  const patient = usePatient(id);
  const [editing, setEditing] = useState(false);

  if (patient.isPending) {
    return (
      <Center py={80}>
        <Loader />
      </Center>
    );
  }
  if (patient.isError) {
    return (
      <Stack>
        <Anchor component={Link} to="/patients" size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} /> Back to search
          </Group>
        </Anchor>
        <Alert color="red">{errorBody(patient.error).message}</Alert>
      </Stack>
    );
  }
  const p = patient.data;

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/patients" size="sm" w="fit-content">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Back to search
        </Group>
      </Anchor>
      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={6}>
            <Title order={2} fz={24}>
              {p.fullName}
            </Title>
            <Group gap="md">
              <Group gap={4} wrap="nowrap">
                <Badge variant="light" size="lg" radius="sm" ff="monospace" data-testid="patient-mrn" tt="none">
                  MRN {p.mrn}
                </Badge>
                <CopyButton value={p.mrn} timeout={1500}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? 'Copied' : 'Copy MRN'} withArrow>
                      <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label="Copy MRN">
                        {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                      </ActionIcon>
                    </Tooltip>
                  )}
                </CopyButton>
              </Group>
              <Text c="dimmed">{sexAgeLong(p, tz)}</Text>
              <Group gap={4} c="dimmed">
                <IconPhone size={16} />
                <Text>{mobile(p.mobile)}</Text>
              </Group>
            </Group>
          </Stack>
          <Group gap="sm" wrap="nowrap">
            {can('labs.list') && (
              <Button component={Link} to={`/labs/${p.id}`} variant="default" leftSection={<IconFlask size={16} />}>
                Lab results
              </Button>
            )}
            {!editing && can('patients.update') && (
              <Button leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
                Edit
              </Button>
            )}
          </Group>
        </Group>
      </Paper>
      <Grid gutter="md">
        <Grid.Col span={editing ? 12 : { base: 12, lg: can('patients.history') ? 7 : 12 }}>
          {editing ? <PatientEditor patient={p} onDone={() => setEditing(false)} /> : <Demographics p={p} tz={tz} />}
        </Grid.Col>
        {can('patients.history') && (
          <Grid.Col span={editing ? 12 : { base: 12, lg: 5 }}>
            <PatientHistory patientId={p.id} />
          </Grid.Col>
        )}
      </Grid>
      {can('consult.history') && <HistoryTimeline patientId={p.id} />}
    </Stack>
  );
}
