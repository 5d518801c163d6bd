import { Grid, Select, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { gstinProblem, GSTIN_MESSAGES } from '../../../src-shared/validation/gstin';
import { StateSelect } from './StateSelect';
import { MobileInput } from './MobileInput';
import { REQUIRED } from '../lib/required';

export interface ClinicFormValues {
  legalName: string;
  tradeName: string;
  addressLine: string;
  city: string;
  stateCode: string | null;
  pincode: string;
  phone: string;
  gstin: string;
  timezone: string;
}

export const emptyClinic: ClinicFormValues = {
  legalName: '',
  tradeName: '',
  addressLine: '',
  city: '',
  stateCode: null,
  pincode: '',
  phone: '',
  gstin: '',
  timezone: 'Asia/Kolkata',
};

export const CLINIC_PATHS = Object.keys(emptyClinic) as (keyof ClinicFormValues)[];

const TIME_ZONES: string[] = (() => {
  try {
    const zones = Intl.supportedValuesOf('timeZone');
    return zones.includes('Asia/Kolkata') ? zones : ['Asia/Kolkata', ...zones];
  } catch {
    return ['Asia/Kolkata'];
  }
})();

/** What the API takes for a clinic, from the form's strings. */
export function clinicInput(v: ClinicFormValues) {
  return {
    legalName: v.legalName,
    tradeName: v.tradeName,
    addressLine: v.addressLine,
    city: v.city,
    stateCode: v.stateCode ?? '',
    pincode: v.pincode,
    phone: v.phone,
    gstin: v.gstin,
    timezone: v.timezone,
  };
}

/** The GSTIN's problem while typing: shown once all 15 characters are in (or on blur, by the form). */
export function gstinHint(gstin: string, stateCode: string | null): string | null {
  const g = gstin.trim();
  if (g.length < 15) return null;
  const problem = gstinProblem(g, stateCode ?? undefined);
  return problem ? GSTIN_MESSAGES[problem] : null;
}

/**
 * The clinic's fields, shared by first-run setup and Clinic settings. `prefix` is the form path of
 * the clinic object ('clinic.' in setup, '' in settings).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ClinicFields<V extends Record<string, any>>({ form, prefix }: { form: UseFormReturnType<V>; prefix: string }) {
  const p = (name: keyof ClinicFormValues) => `${prefix}${name}`;
  const values = (prefix ? form.getValues()[prefix.slice(0, -1)] : form.getValues()) as ClinicFormValues;
  const gstinProps = form.getInputProps(p('gstin'));
  return (
    <Grid gutter="sm">
      <Grid.Col span={6}>
        <TextInput label="Legal name" description="As registered; printed on bills" {...REQUIRED} autoComplete="off" {...form.getInputProps(p('legalName'))} />
      </Grid.Col>
      <Grid.Col span={6}>
        <TextInput label="Trade name" description="Optional: the name on the signboard" autoComplete="off" {...form.getInputProps(p('tradeName'))} />
      </Grid.Col>
      <Grid.Col span={12}>
        <TextInput label="Address" {...REQUIRED} autoComplete="off" {...form.getInputProps(p('addressLine'))} />
      </Grid.Col>
      <Grid.Col span={4}>
        <TextInput label="City" {...REQUIRED} autoComplete="off" {...form.getInputProps(p('city'))} />
      </Grid.Col>
      <Grid.Col span={5}>
        <StateSelect isRequired {...form.getInputProps(p('stateCode'))} />
      </Grid.Col>
      <Grid.Col span={3}>
        <TextInput label="PIN code" {...REQUIRED} inputMode="numeric" maxLength={6} autoComplete="off" {...form.getInputProps(p('pincode'))} />
      </Grid.Col>
      <Grid.Col span={6}>
        <MobileInput label="Clinic phone" description="Optional: a mobile number" {...form.getInputProps(p('phone'))} />
      </Grid.Col>
      <Grid.Col span={6}>
        <TextInput
          label="GSTIN"
          description="Optional: 15 characters, like 27ABCDE1234F1Z5"
          autoComplete="off"
          maxLength={15}
          styles={{ input: { textTransform: 'uppercase', fontFamily: 'var(--mantine-font-family-monospace)' } }}
          {...gstinProps}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => form.setFieldValue(p('gstin'), e.currentTarget.value.toUpperCase() as never)}
          error={gstinProps.error ?? gstinHint(values.gstin, values.stateCode)}
        />
      </Grid.Col>
      <Grid.Col span={6}>
        <Select label="Time zone" searchable {...REQUIRED} allowDeselect={false} data={TIME_ZONES} {...form.getInputProps(p('timezone'))} />
      </Grid.Col>
    </Grid>
  );
}
