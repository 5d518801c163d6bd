import { useState } from 'react';
import { Alert, Badge, Button, Center, Checkbox, Grid, Group, Loader, Modal, Paper, Radio, Select, Stack, Table, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy, IconPencil, IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { catalogueItemInput, taxProfileInput, type CatalogueItem, type TaxProfile } from '../../../../src-shared/api/billing';
import { todayIn } from '../../../../src-shared/dates';
import { api, errorBody } from '../../api/client';
import { billingKeys, useCatalogue, useTaxProfile } from '../../api/billing';
import { useSession } from '../../app/auth';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { gstinHint } from '../../components/ClinicFields';
import { useLeaveGuard } from '../../components/LeaveGuard';
import { PageHeader } from '../../components/PageHeader';
import { StateSelect } from '../../components/StateSelect';
import { displayDate } from '../../lib/format';
import { zodFieldErrors } from '../../lib/formErrors';
import { fieldsFor, useFormSubmit } from '../../lib/useFormSubmit';
import { COMMON_RATES, money, parseRupees, rateLabel, rupeesInput } from '../../lib/billing';
import { REQUIRED } from '../../lib/required';

// ---------------------------------------------------------------- tax profile

interface ProfileValues {
  legalName: string;
  tradeName: string;
  addressLine: string;
  city: string;
  stateCode: string | null;
  pincode: string;
  gstin: string;
  rounding: 'nearest_rupee' | 'none';
  signatory: string;
  footerText: string;
  limitFrontDesk: string;
  limitAccounts: string;
}

const pct = (bp: number) => String(bp / 100);
const bp = (text: string) => (text.trim() === '' || Number.isNaN(Number(text)) ? Number.NaN : Math.round(Number(text) * 100));

function profileValues(p: TaxProfile): ProfileValues {
  return {
    legalName: p.legalName,
    tradeName: p.tradeName ?? '',
    addressLine: p.addressLine,
    city: p.city,
    stateCode: p.stateCode,
    pincode: p.pincode,
    gstin: p.gstin ?? '',
    rounding: p.rounding,
    signatory: p.signatory,
    footerText: p.footerText ?? '',
    limitFrontDesk: pct(p.discountLimits.front_desk),
    limitAccounts: pct(p.discountLimits.accounts),
  };
}

function profileInput(v: ProfileValues) {
  return {
    legalName: v.legalName,
    tradeName: v.tradeName,
    addressLine: v.addressLine,
    city: v.city,
    stateCode: v.stateCode ?? '',
    pincode: v.pincode,
    gstin: v.gstin,
    rounding: v.rounding,
    signatory: v.signatory,
    footerText: v.footerText,
    discountLimits: { front_desk: bp(v.limitFrontDesk), accounts: bp(v.limitAccounts) },
  };
}

/** API / zod paths → this form's fields. */
const profileErrors = fieldsFor(null, Object.keys(profileValues({ discountLimits: { front_desk: 0, accounts: 0 } } as TaxProfile)), {
  'discountLimits.front_desk': 'limitFrontDesk',
  'discountLimits.accounts': 'limitAccounts',
});

function TaxProfileForm({ profile }: { profile: TaxProfile }) {
  const queryClient = useQueryClient();
  const form = useForm<ProfileValues>({
    initialValues: profileValues(profile),
    validateInputOnBlur: true,
    validate: (v) => {
      const parsed = taxProfileInput.safeParse(profileInput(v));
      const errors = parsed.success ? {} : profileErrors(zodFieldErrors(parsed.error)).errors;
      const g = gstinHint(v.gstin, v.stateCode);
      if (g && !errors.gstin) errors.gstin = g;
      return errors;
    },
  });
  const leave = useLeaveGuard(form.isDirty());
  const { busy, refusal, setRefusal, onSubmit } = useFormSubmit(form, profileErrors);
  const submit = onSubmit(async (v) => {
    const saved = await api.call('billing.saveTaxProfile', profileInput(v));
    queryClient.setQueryData(billingKeys.profile, saved);
    form.setInitialValues(profileValues(saved));
    form.setValues(profileValues(saved));
    form.resetDirty(profileValues(saved));
    notifications.show({ color: 'teal', title: 'Saved', message: 'The tax profile was saved. Bills issued from now on carry it.' });
  });
  const gstinProps = form.getInputProps('gstin');
  return (
    <form onSubmit={submit} noValidate aria-label="Tax profile">
      <Stack gap="md">
        <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} onClose={() => setRefusal(null)} />
        <Paper withBorder radius="md" p="lg">
          <Title order={3} fz="md" mb="sm">
            Supplier on bills
          </Title>
          <Grid gutter="sm">
            <Grid.Col span={6}>
              <TextInput label="Legal name" {...REQUIRED} autoComplete="off" {...form.getInputProps('legalName')} />
            </Grid.Col>
            <Grid.Col span={6}>
              <TextInput label="Trade name" autoComplete="off" {...form.getInputProps('tradeName')} />
            </Grid.Col>
            <Grid.Col span={12}>
              <TextInput label="Address" {...REQUIRED} autoComplete="off" {...form.getInputProps('addressLine')} />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="City" {...REQUIRED} autoComplete="off" {...form.getInputProps('city')} />
            </Grid.Col>
            <Grid.Col span={5}>
              <StateSelect isRequired {...form.getInputProps('stateCode')} />
            </Grid.Col>
            <Grid.Col span={3}>
              <TextInput label="PIN code" {...REQUIRED} maxLength={6} autoComplete="off" {...form.getInputProps('pincode')} />
            </Grid.Col>
            <Grid.Col span={6}>
              <TextInput
                label="GSTIN"
                description="Leave empty if the clinic is not registered (bills then say so)"
                maxLength={15}
                autoComplete="off"
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                {...gstinProps}
                onChange={(e: React.ChangeEvent<HTMLInputElement>) => form.setFieldValue('gstin', e.currentTarget.value.toUpperCase())}
              />
            </Grid.Col>
            <Grid.Col span={6}>
              <TextInput label="Authorised signatory" {...REQUIRED} description="The name printed above “Authorised signatory”" autoComplete="off" {...form.getInputProps('signatory')} />
            </Grid.Col>
            <Grid.Col span={12}>
              <Textarea label="Invoice footer" description="Printed at the foot of every bill (optional)" autosize minRows={2} {...form.getInputProps('footerText')} />
            </Grid.Col>
          </Grid>
        </Paper>
        <Paper withBorder radius="md" p="lg">
          <Title order={3} fz="md" mb="sm">
            Totals and discounts
          </Title>
          <Radio.Group label="Round the bill total" {...form.getInputProps('rounding')}>
            <Group mt={6}>
              <Radio value="nearest_rupee" label="To the nearest rupee (a round-off line)" />
              <Radio value="none" label="Do not round" />
            </Group>
          </Radio.Group>
          <Group mt="md" align="flex-start">
            <TextInput label="Front desk may give up to (%)" w={220} inputMode="decimal" {...form.getInputProps('limitFrontDesk')} />
            <TextInput label="Accounts may give up to (%)" w={220} inputMode="decimal" {...form.getInputProps('limitAccounts')} />
          </Group>
          <Text size="xs" c="dimmed" mt={4}>
            Of a line's value; more needs an administrator's approval on the bill.
          </Text>
        </Paper>
        <Group justify="flex-end" className="sticky-actions">
          <Button variant="default" onClick={() => form.reset()} disabled={!form.isDirty()}>
            Undo changes
          </Button>
          <Button type="submit" loading={busy} leftSection={<IconDeviceFloppy size={16} />}>
            Save tax profile
          </Button>
        </Group>
      </Stack>
      {leave.modal}
    </form>
  );
}

// ---------------------------------------------------------------- catalogue

interface ItemValues {
  code: string;
  name: string;
  kind: 'service' | 'goods';
  sacHsn: string;
  unit: string;
  exempt: boolean;
  price: string;
  priceIncludesTax: boolean;
  active: boolean;
  rate: string;
  rateEffectiveFrom: string | null;
}

const ITEM_FIELDS = ['code', 'name', 'kind', 'sacHsn', 'unit', 'exempt', 'price', 'priceIncludesTax', 'active', 'rate', 'rateEffectiveFrom'];

/** The core's paths → the form's fields (the price is typed in rupees, the rate chosen as a percentage). */
const itemErrors = fieldsFor(null, ITEM_FIELDS, { pricePaise: 'price', rateBp: 'rate' });

function itemInput(v: ItemValues, id?: string) {
  return {
    ...(id ? { id } : {}),
    code: v.code,
    name: v.name,
    kind: v.kind,
    sacHsn: v.sacHsn,
    unit: v.unit,
    exempt: v.exempt,
    pricePaise: parseRupees(v.price) ?? Number.NaN,
    priceIncludesTax: v.priceIncludesTax,
    active: v.active,
    rateBp: v.exempt ? 0 : Number(v.rate),
    rateEffectiveFrom: v.rateEffectiveFrom ?? '',
  };
}

function CatalogueItemDialog({ item, onClose }: { item: CatalogueItem | null; onClose: () => void }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const today = todayIn(session.clinic.timezone);
  const form = useForm<ItemValues>({
    initialValues: item
      ? { code: item.code, name: item.name, kind: item.kind, sacHsn: item.sacHsn, unit: item.unit, exempt: item.exempt, price: rupeesInput(item.pricePaise), priceIncludesTax: item.priceIncludesTax, active: item.active, rate: String(item.rateBp), rateEffectiveFrom: today }
      : { code: '', name: '', kind: 'service', sacHsn: '', unit: 'nos', exempt: false, price: '', priceIncludesTax: false, active: true, rate: '1800', rateEffectiveFrom: today },
    validate: (v) => {
      const parsed = catalogueItemInput.safeParse(itemInput(v, item?.id));
      const out = parsed.success ? {} : itemErrors(zodFieldErrors(parsed.error)).errors;
      if (parseRupees(v.price) === null) out.price = 'Enter the price in rupees, like 500 or 118.50.';
      return out;
    },
  });
  const { busy, refusal, setRefusal, onSubmit } = useFormSubmit(form, itemErrors);
  const submit = onSubmit(async (v) => {
    await api.call('catalogue.save', itemInput(v, item?.id));
    await queryClient.invalidateQueries({ queryKey: ['billing', 'catalogue'] });
    notifications.show({ color: 'teal', title: 'Saved', message: `${v.name} was saved.` });
    onClose();
  });
  const exempt = form.getValues().exempt;
  const rates = COMMON_RATES.filter((r) => r > 0);
  const rateData = [...rates, ...(item && !item.exempt && !rates.includes(item.rateBp) ? [item.rateBp] : [])].map((r) => ({ value: String(r), label: rateLabel(r) }));
  return (
    <Modal opened onClose={onClose} title={item ? `Edit ${item.name}` : 'New catalogue item'} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} onClose={() => setRefusal(null)} />
          <Grid gutter="sm">
            <Grid.Col span={4}>
              <TextInput label="Code" {...REQUIRED} description="Short, e.g. DRESS" autoComplete="off" {...form.getInputProps('code')} onChange={(e) => form.setFieldValue('code', e.currentTarget.value.toUpperCase())} data-autofocus />
            </Grid.Col>
            <Grid.Col span={8}>
              <TextInput label="Name" {...REQUIRED} description="As printed on the bill" autoComplete="off" {...form.getInputProps('name')} />
            </Grid.Col>
            <Grid.Col span={4}>
              <Select label="Kind" data={[{ value: 'service', label: 'Service' }, { value: 'goods', label: 'Goods' }]} allowDeselect={false} {...form.getInputProps('kind')} comboboxProps={{ withinPortal: true }} />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="SAC/HSN code" {...REQUIRED} maxLength={8} autoComplete="off" {...form.getInputProps('sacHsn')} />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="Unit" {...REQUIRED} description="nos, visit, session, ml…" autoComplete="off" {...form.getInputProps('unit')} />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="Price (₹)" {...REQUIRED} inputMode="decimal" autoComplete="off" {...form.getInputProps('price')} />
            </Grid.Col>
            <Grid.Col span={8} pt={30}>
              <Checkbox label="Price includes GST" {...form.getInputProps('priceIncludesTax', { type: 'checkbox' })} />
            </Grid.Col>
            <Grid.Col span={12}>
              <Checkbox label="Exempt from GST (health care by a clinical establishment)" {...form.getInputProps('exempt', { type: 'checkbox' })} />
            </Grid.Col>
            {!exempt && (
              <>
                <Grid.Col span={4}>
                  <Select label="GST rate" data={rateData} allowDeselect={false} {...form.getInputProps('rate')} comboboxProps={{ withinPortal: true }} />
                </Grid.Col>
                <Grid.Col span={4}>
                  <DateInput label="Rate effective from" valueFormat="DD-MM-YYYY" {...form.getInputProps('rateEffectiveFrom')} popoverProps={{ withinPortal: true }} />
                </Grid.Col>
              </>
            )}
            <Grid.Col span={12}>
              <Checkbox label="Active (offered on new bills)" {...form.getInputProps('active', { type: 'checkbox' })} />
            </Grid.Col>
          </Grid>
          {item && item.rates.length > 0 && (
            <div>
              <Text size="sm" fw={600}>
                Rate history
              </Text>
              <Table fz="sm" aria-label="Rate history" maw={320}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>From</Table.Th>
                    <Table.Th>Rate</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {item.rates.map((r) => (
                    <Table.Tr key={`${r.effectiveFrom}-${r.rateBp}`}>
                      <Table.Td>{displayDate(r.effectiveFrom)}</Table.Td>
                      <Table.Td>{rateLabel(r.rateBp)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save item
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function CatalogueTab() {
  const items = useCatalogue(true);
  const [editing, setEditing] = useState<CatalogueItem | 'new' | null>(null);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Services and goods offered on bills, with their SAC/HSN code, price and GST rate. A new rate applies from its date; older bills keep theirs.
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          Add item
        </Button>
      </Group>
      {items.isPending ? (
        <Center py="lg">
          <Loader />
        </Center>
      ) : items.isError ? (
        <Alert color="red">{errorBody(items.error).message}</Alert>
      ) : items.data.length === 0 ? (
        <Text c="dimmed">No items yet. Visits are billed at the doctor's fee even without any.</Text>
      ) : (
        <Paper withBorder radius="md">
          <Table fz="sm" aria-label="Catalogue" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>SAC/HSN</Table.Th>
                <Table.Th ta="right">Price</Table.Th>
                <Table.Th>GST</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.data.map((i) => (
                <Table.Tr key={i.id} opacity={i.active ? 1 : 0.55}>
                  <Table.Td ff="monospace">{i.code}</Table.Td>
                  <Table.Td>
                    {i.name} {!i.active && <Badge color="gray">Inactive</Badge>}
                  </Table.Td>
                  <Table.Td>{i.sacHsn}</Table.Td>
                  <Table.Td ta="right">
                    {money(i.pricePaise)}
                    {i.priceIncludesTax ? ' incl. GST' : ''}
                  </Table.Td>
                  <Table.Td>
                    {i.exempt ? 'Exempt' : rateLabel(i.rateBp)}
                    {i.rates.length > 1 && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        ({i.rates.length} rates)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => setEditing(i)} aria-label={`Edit ${i.name}`}>
                      Edit
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {editing && <CatalogueItemDialog item={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

/** #/billing-settings — the tax profile printed on bills, and the catalogue (administrators). */
export function BillingSettingsScreen() {
  const profile = useTaxProfile();
  return (
    <>
      <PageHeader title="Billing settings" subtitle="The supplier's particulars on bills, rounding and discount limits, and the catalogue" />
      <Tabs defaultValue="profile" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="profile">Tax profile</Tabs.Tab>
          <Tabs.Tab value="catalogue">Catalogue</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="profile">
          {profile.isPending ? (
            <Center py="xl">
              <Loader />
            </Center>
          ) : profile.isError ? (
            <Alert color="red">{errorBody(profile.error).message}</Alert>
          ) : (
            <TaxProfileForm profile={profile.data} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="catalogue">
          <CatalogueTab />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
