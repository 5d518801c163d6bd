import { Alert, Loader, Paper, Text, Timeline, Title } from '@mantine/core';
import { IconPencil, IconUserPlus } from '@tabler/icons-react';
import type { AuditEntry } from '../../../../src-shared/api/types';
import { formatDisplayDate, formatDisplayInstant } from '../../../../src-shared/dates';
import { formatAbhaNumber } from '../../../../src-shared/validation/abha';
import { formatIndianMobile } from '../../../../src-shared/validation/phone';
import { usePatientHistory } from '../../api/queries';
import { errorBody } from '../../api/client';
import { useSession } from '../../app/auth';
import { SEX_LABELS, stateName } from '../../lib/format';

/** Human labels for the fields the audit trail names. */
export const PATIENT_FIELD_LABELS: Record<string, string> = {
  fullName: 'Full name',
  sex: 'Sex',
  dateOfBirth: 'Date of birth',
  dobEstimated: 'Date of birth estimated',
  mobile: 'Mobile',
  email: 'E-mail',
  addressLine: 'Address',
  city: 'City',
  stateCode: 'State',
  pincode: 'PIN code',
  emergencyName: 'Emergency contact',
  emergencyRelation: 'Emergency contact relation',
  emergencyPhone: 'Emergency contact phone',
  abhaNumber: 'ABHA number',
  consentMessages: 'Consent to messages',
  consentMessagesAt: 'Consent to messages given',
  consentDataProcessing: 'Consent to data processing',
  consentDataProcessingAt: 'Consent to data processing given',
  mrn: 'MRN',
};

function humanize(field: string): string {
  const words = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatValue(field: string, value: unknown, timeZone: string): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value !== 'string') return String(value);
  switch (field) {
    case 'mobile':
    case 'emergencyPhone':
      return formatIndianMobile(value);
    case 'dateOfBirth':
      return formatDisplayDate(value);
    case 'consentMessagesAt':
    case 'consentDataProcessingAt':
      return formatDisplayInstant(value, timeZone);
    case 'stateCode':
      return stateName(value);
    case 'abhaNumber':
      return formatAbhaNumber(value);
    case 'sex':
      return SEX_LABELS[value as keyof typeof SEX_LABELS] ?? value;
    default:
      return value;
  }
}

/** Timestamps that follow a consent flag are noise in the list; the flag's own line says it all. */
const QUIET_FIELDS = new Set(['consentMessagesAt', 'consentDataProcessingAt']);

function Entry({ entry, timeZone }: { entry: AuditEntry; timeZone: string }) {
  const registered = entry.action === 'patient.registered';
  const changes = entry.changes.filter((c) => !QUIET_FIELDS.has(c.field));
  return (
    <>
      <Text size="sm" fw={500}>
        {registered ? 'Registered' : 'Edited'} by {entry.userName} · {formatDisplayInstant(entry.at, timeZone)}
      </Text>
      {!registered && (
        <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
          {changes.map((c) => (
            <li key={c.field}>
              <Text size="sm" c="dimmed" span>
                {PATIENT_FIELD_LABELS[c.field] ?? humanize(c.field)}: {formatValue(c.field, c.before, timeZone)} → {formatValue(c.field, c.after, timeZone)}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function PatientHistory({ patientId }: { patientId: string }) {
  const session = useSession();
  const history = usePatientHistory(patientId, true);
  const tz = session.clinic.timezone;
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} fz="md" mb="md">
        History
      </Title>
      {history.isPending ? (
        <Loader size="sm" />
      ) : history.isError ? (
        <Alert color="red">{errorBody(history.error).message}</Alert>
      ) : history.data.length === 0 ? (
        <Text c="dimmed" size="sm">
          No changes recorded.
        </Text>
      ) : (
        <Timeline bulletSize={24} lineWidth={2} data-testid="patient-history">
          {history.data.map((entry) => (
            <Timeline.Item key={entry.id} bullet={entry.action === 'patient.registered' ? <IconUserPlus size={13} /> : <IconPencil size={13} />}>
              <Entry entry={entry} timeZone={tz} />
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Paper>
  );
}
