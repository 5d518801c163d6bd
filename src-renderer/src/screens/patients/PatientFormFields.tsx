import { Anchor, Checkbox, Grid, Input, NumberInput, Paper, SegmentedControl, Stack, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import type { UseFormReturnType } from '@mantine/form';
import type { ReactNode } from 'react';
import { SEXES } from '../../../../src-shared/api/contract';
import { todayIn } from '../../../../src-shared/dates';
import { StateSelect } from '../../components/StateSelect';
import { MobileInput } from '../../components/MobileInput';
import { SEX_LABELS } from '../../lib/format';
import type { PatientFormState } from './patientForm';
import { REQUIRED } from '../../lib/required';

/** "25-11-1980", "25/11/1980", "25.11.1980" or "25111980" → "1980-11-25". */
export function parseDisplayDate(text: string): string | null {
  const t = text.trim();
  const m = /^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$/.exec(t) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(t);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** ABHA digits grouped as they are typed: 12-3456-7890-1234. */
function formatAbhaTyping(raw: string): string {
  if (/[^\d\s-]/.test(raw)) return raw;
  const d = raw.replace(/\D/g, '').slice(0, 14);
  const parts = [d.slice(0, 2), d.slice(2, 6), d.slice(6, 10), d.slice(10, 14)].filter(Boolean);
  return parts.join('-');
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} fz="md" mb="sm" c="dark.6">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

const todayIso = () => todayIn(); // the clinic's calendar (India), not UTC's

export function PatientFormFields({ form, autoFocus }: { form: UseFormReturnType<PatientFormState>; autoFocus?: boolean }) {
  const v = form.getValues();
  const sexProps = form.getInputProps('sex');
  return (
    <Grid gutter="md">
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Stack gap="md">
          <Section title="Patient">
            <Grid gutter="sm">
              <Grid.Col span={12}>
                <TextInput label="Full name" {...REQUIRED} autoComplete="off" autoFocus={autoFocus} data-autofocus={autoFocus} {...form.getInputProps('fullName')} />
              </Grid.Col>
              <Grid.Col span={12}>
                <Input.Wrapper label="Sex" labelElement="div" {...REQUIRED} error={sexProps.error}>
                  <div>
                    <SegmentedControl
                      aria-label="Sex"
                      value={v.sex}
                      onChange={(value) => {
                        form.setFieldValue('sex', value as PatientFormState['sex']);
                        form.clearFieldError('sex');
                      }}
                      data={SEXES.map((s) => ({ value: s, label: SEX_LABELS[s] }))}
                      color="clinic"
                      w={300}
                    />
                  </div>
                </Input.Wrapper>
              </Grid.Col>
              <Grid.Col span={7}>
                {v.dobMode === 'dob' ? (
                  <DateInput
                    key="dob"
                    label="Date of birth"
                    {...REQUIRED}
                    placeholder="dd-mm-yyyy"
                    valueFormat="DD-MM-YYYY"
                    dateParser={parseDisplayDate}
                    maxDate={todayIso()}
                    minDate="1890-01-01"
                    defaultLevel="decade"
                    clearable
                    popoverProps={{ withinPortal: true }}
                    {...form.getInputProps('dateOfBirth')}
                  />
                ) : (
                  <NumberInput
                    key="age"
                    label="Age (years)"
                    {...REQUIRED}
                    description="The date of birth will be estimated from the age"
                    allowDecimal={false}
                    allowNegative={false}
                    min={0}
                    max={130}
                    clampBehavior="none"
                    hideControls
                    {...form.getInputProps('ageYears')}
                  />
                )}
              </Grid.Col>
              <Grid.Col span={5} style={{ display: 'flex', alignItems: 'flex-end' }}>
                <Anchor
                  component="button"
                  type="button"
                  size="sm"
                  mb={8}
                  onClick={() => {
                    form.setFieldValue('dobMode', v.dobMode === 'dob' ? 'age' : 'dob');
                    form.clearFieldError('dateOfBirth');
                    form.clearFieldError('ageYears');
                  }}
                >
                  {v.dobMode === 'dob' ? 'Enter age instead' : 'Enter date of birth instead'}
                </Anchor>
              </Grid.Col>
              <Grid.Col span={6}>
                <MobileInput label="Mobile number" {...REQUIRED} {...form.getInputProps('mobile')} />
              </Grid.Col>
              <Grid.Col span={6}>
                <TextInput label="E-mail" type="email" autoComplete="off" placeholder="name@example.com" {...form.getInputProps('email')} />
              </Grid.Col>
            </Grid>
          </Section>
          <Section title="ABHA and consent">
            <Stack gap="sm">
              <TextInput
                label="ABHA number"
                description="Ayushman Bharat Health Account: 14 digits"
                placeholder="12-3456-7890-1234"
                inputMode="numeric"
                autoComplete="off"
                maw={280}
                {...form.getInputProps('abhaNumber')}
                onChange={(e) => form.setFieldValue('abhaNumber', formatAbhaTyping(e.currentTarget.value))}
              />
              <Checkbox
                label="Consent to messages"
                description="Appointment reminders and bills by SMS, WhatsApp or e-mail"
                {...form.getInputProps('consentMessages', { type: 'checkbox' })}
              />
              <Checkbox
                label="Consent to data processing"
                description="The patient agrees that the clinic keeps and uses their health records for their care"
                {...form.getInputProps('consentDataProcessing', { type: 'checkbox' })}
              />
            </Stack>
          </Section>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Stack gap="md">
          <Section title="Address">
            <Grid gutter="sm">
              <Grid.Col span={12}>
                <TextInput label="Address" autoComplete="off" placeholder="House, street, area" {...form.getInputProps('addressLine')} />
              </Grid.Col>
              <Grid.Col span={6}>
                <TextInput label="City" autoComplete="off" {...form.getInputProps('city')} />
              </Grid.Col>
              <Grid.Col span={6}>
                <TextInput label="PIN code" inputMode="numeric" maxLength={6} autoComplete="off" {...form.getInputProps('pincode')} />
              </Grid.Col>
              <Grid.Col span={12}>
                <StateSelect {...form.getInputProps('stateCode')} />
              </Grid.Col>
            </Grid>
          </Section>
          <Section title="Emergency contact">
            <Grid gutter="sm">
              <Grid.Col span={7}>
                <TextInput label="Emergency contact name" autoComplete="off" {...form.getInputProps('emergencyName')} />
              </Grid.Col>
              <Grid.Col span={5}>
                <TextInput label="Relation" autoComplete="off" placeholder="e.g. Spouse" {...form.getInputProps('emergencyRelation')} />
              </Grid.Col>
              <Grid.Col span={7}>
                <MobileInput label="Emergency contact phone" {...form.getInputProps('emergencyPhone')} />
              </Grid.Col>
            </Grid>
          </Section>
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
