import { useState } from 'react';
import { Alert, Button, Center, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { MonthPickerInput } from '@mantine/dates';
import { IconDownload } from '@tabler/icons-react';
import { DOC_TYPE_LABELS, type GstSummary } from '../../../../src-shared/api/billing';
import { todayIn } from '../../../../src-shared/dates';
import { errorBody } from '../../api/client';
import { useGstSummary } from '../../api/billing';
import { useSession } from '../../app/auth';
import { PageHeader } from '../../components/PageHeader';
import { csvAmount, downloadText, formatQuantity, money, rateLabel, toCsv } from '../../lib/billing';

/** The month's summary as one CSV: sections one after another, each with its own header row. */
export function gstCsv(s: GstSummary): string {
  const rows: Array<Array<string | number>> = [];
  rows.push(['GST summary', s.month]);
  rows.push([]);
  rows.push(['By rate']);
  rows.push(['Rate %', 'Taxable value', 'CGST', 'SGST', 'IGST']);
  for (const r of s.byRate) rows.push([r.rateBp / 100, csvAmount(r.taxablePaise), csvAmount(r.cgstPaise), csvAmount(r.sgstPaise), csvAmount(r.igstPaise)]);
  rows.push(['Total', csvAmount(s.totals.taxablePaise), csvAmount(s.totals.cgstPaise), csvAmount(s.totals.sgstPaise), csvAmount(s.totals.igstPaise)]);
  rows.push(['Exempt', csvAmount(s.exemptPaise)]);
  rows.push([]);
  rows.push(['HSN/SAC summary']);
  rows.push(['HSN/SAC', 'Description', 'Unit', 'Quantity', 'Rate %', 'Taxable value', 'CGST', 'SGST', 'IGST']);
  for (const h of s.hsn) rows.push([h.sacHsn, h.description, h.unit, formatQuantity(h.quantityMilli).replace('−', '-'), h.rateBp / 100, csvAmount(h.taxablePaise), csvAmount(h.cgstPaise), csvAmount(h.sgstPaise), csvAmount(h.igstPaise)]);
  rows.push([]);
  rows.push(['Documents issued']);
  rows.push(['Series', 'Document', 'From', 'To', 'Count', 'Cancelled (credited in full)']);
  for (const d of s.documents) rows.push([d.series, DOC_TYPE_LABELS[d.docType], d.first, d.last, d.count, d.cancelled.join(' ')]);
  return toCsv(rows.map((r) => r.map((v) => (typeof v === 'string' ? v.replace(/−/g, '-') : v))));
}

/** #/gst-summary — a month's GST figures for the return: by rate, exempt, HSN/SAC, and each series' number range. */
export function GstSummaryScreen() {
  const session = useSession();
  const [month, setMonth] = useState(todayIn(session.clinic.timezone).slice(0, 7));
  const summary = useGstSummary(month);
  const s = summary.data;
  return (
    <>
      <PageHeader
        title="GST summary"
        subtitle="Issued documents of the month, credit notes netted in"
        actions={
          <>
            <MonthPickerInput aria-label="Month" w={160} valueFormat="MMMM YYYY" value={`${month}-01`} onChange={(v) => v && setMonth(v.slice(0, 7))} popoverProps={{ withinPortal: true }} />
            <Button leftSection={<IconDownload size={16} />} variant="default" disabled={!s} onClick={() => s && downloadText(`gst-summary-${s.month}.csv`, gstCsv(s))}>
              Export CSV
            </Button>
          </>
        }
      />
      {summary.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : summary.isError || !s ? (
        <Alert color="red">{errorBody(summary.error).message}</Alert>
      ) : (
        <Stack gap="md">
          <Paper withBorder radius="md" p="md" component="section" aria-label="By rate">
            <Title order={3} fz="md" mb="xs">
              Taxable supplies by rate
            </Title>
            <Table fz="sm" aria-label="By rate table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Rate</Table.Th>
                  <Table.Th ta="right">Taxable value</Table.Th>
                  <Table.Th ta="right">CGST</Table.Th>
                  <Table.Th ta="right">SGST</Table.Th>
                  <Table.Th ta="right">IGST</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.byRate.map((r) => (
                  <Table.Tr key={r.rateBp}>
                    <Table.Td>{rateLabel(r.rateBp)}</Table.Td>
                    <Table.Td ta="right">{money(r.taxablePaise)}</Table.Td>
                    <Table.Td ta="right">{money(r.cgstPaise)}</Table.Td>
                    <Table.Td ta="right">{money(r.sgstPaise)}</Table.Td>
                    <Table.Td ta="right">{money(r.igstPaise)}</Table.Td>
                  </Table.Tr>
                ))}
                <Table.Tr fw={700}>
                  <Table.Td>Total</Table.Td>
                  <Table.Td ta="right">{money(s.totals.taxablePaise)}</Table.Td>
                  <Table.Td ta="right">{money(s.totals.cgstPaise)}</Table.Td>
                  <Table.Td ta="right">{money(s.totals.sgstPaise)}</Table.Td>
                  <Table.Td ta="right">{money(s.totals.igstPaise)}</Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            <Text mt="sm" data-testid="exempt-total">
              Exempt supplies (bills of supply): <b>{money(s.exemptPaise)}</b> · {s.totals.documents} documents
            </Text>
          </Paper>
          <Paper withBorder radius="md" p="md" component="section" aria-label="HSN/SAC summary">
            <Title order={3} fz="md" mb="xs">
              HSN/SAC summary
            </Title>
            {s.hsn.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing issued this month.
              </Text>
            ) : (
              <Table fz="sm" aria-label="HSN/SAC table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>HSN/SAC</Table.Th>
                    <Table.Th>Description</Table.Th>
                    <Table.Th ta="right">Quantity</Table.Th>
                    <Table.Th ta="right">Rate</Table.Th>
                    <Table.Th ta="right">Taxable value</Table.Th>
                    <Table.Th ta="right">CGST</Table.Th>
                    <Table.Th ta="right">SGST</Table.Th>
                    <Table.Th ta="right">IGST</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {s.hsn.map((h) => (
                    <Table.Tr key={`${h.sacHsn}-${h.rateBp}`}>
                      <Table.Td>{h.sacHsn || '—'}</Table.Td>
                      <Table.Td>{h.description}</Table.Td>
                      <Table.Td ta="right">
                        {formatQuantity(h.quantityMilli)} {h.unit}
                      </Table.Td>
                      <Table.Td ta="right">{rateLabel(h.rateBp)}</Table.Td>
                      <Table.Td ta="right">{money(h.taxablePaise)}</Table.Td>
                      <Table.Td ta="right">{money(h.cgstPaise)}</Table.Td>
                      <Table.Td ta="right">{money(h.sgstPaise)}</Table.Td>
                      <Table.Td ta="right">{money(h.igstPaise)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
          <Paper withBorder radius="md" p="md" component="section" aria-label="Documents issued">
            <Title order={3} fz="md" mb="xs">
              Documents issued
            </Title>
            {s.documents.length === 0 ? (
              <Text size="sm" c="dimmed">
                No documents this month.
              </Text>
            ) : (
              <Table fz="sm" aria-label="Documents table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Series</Table.Th>
                    <Table.Th>Document</Table.Th>
                    <Table.Th>From</Table.Th>
                    <Table.Th>To</Table.Th>
                    <Table.Th ta="right">Count</Table.Th>
                    <Table.Th>Cancelled</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {s.documents.map((d) => (
                    <Table.Tr key={`${d.series}-${d.docType}`}>
                      <Table.Td>{d.series}</Table.Td>
                      <Table.Td>{DOC_TYPE_LABELS[d.docType]}</Table.Td>
                      <Table.Td ff="monospace">{d.first}</Table.Td>
                      <Table.Td ff="monospace">{d.last}</Table.Td>
                      <Table.Td ta="right">{d.count}</Table.Td>
                      <Table.Td>{d.cancelled.length ? d.cancelled.join(', ') : '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </Stack>
      )}
    </>
  );
}
