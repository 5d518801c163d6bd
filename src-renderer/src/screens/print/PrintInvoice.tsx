import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import { Alert, Button, Center, Loader } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconFileTypePdf, IconPrinter } from '@tabler/icons-react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { DOC_TYPE_LABELS, type Invoice, type Supplier } from '../../../../src-shared/api/billing';
import { errorBody } from '../../api/client';
import { installBridge } from '../../bridge';
import { useInvoice } from '../../api/billing';
import { displayDate } from '../../lib/format';
import { formatQuantity, halfRateLabel, money, rateLabel, stateWithCode } from '../../lib/billing';
import './print.css';

/**
 * Print views, rendered without the app's chrome (routes outside the layout): the A4 GST document, the
 * A4 or A5 prescription and the 80 mm payment receipt. With ?print=1 (the Print buttons) printing starts once the document is on screen: the
 * browser's print dialog in browser mode, Electron's (window.clinic.print) on the desktop, which can also save
 * the page as a PDF.
 */
export function PrintFrame({ ready, page, fileName, children, back }: { ready: boolean; page: 'a4' | 'a5' | 'receipt'; fileName: string; children: ReactNode; back: string }) {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const printed = useRef(false);
  const bridge = installBridge();
  const paper = page === 'a4' ? 'A4' : page === 'a5' ? 'A5' : 'receipt80';
  const print = useCallback(
    (mode: 'printer' | 'pdf') => {
      if (!bridge.print) return window.print();
      void bridge.print({ mode, paper, fileName }).then((r) => {
        if (!r.ok) notifications.show({ color: 'orange', title: mode === 'pdf' ? 'Not saved' : 'Not printed', message: r.message });
      });
    },
    [bridge, paper, fileName],
  );
  useEffect(() => {
    if (!ready || printed.current || params.get('print') !== '1') return;
    printed.current = true;
    // After the fonts have settled, so the printed page is the one on screen.
    void document.fonts.ready.then(() => print('printer'));
  }, [ready, params, print]);
  const pageRule = page === 'a4' ? '@page { size: A4; margin: 12mm; }' : page === 'a5' ? '@page { size: A5; margin: 10mm; }' : '@page { size: 80mm auto; margin: 4mm; }';
  return (
    <div className="print-root">
      <style>{pageRule}</style>
      <div className="print-toolbar">
        <Button variant="default" size="xs" leftSection={<IconArrowLeft size={14} />} onClick={() => void navigate(back)}>
          Back
        </Button>
        {bridge.print && (
          <Button variant="default" size="xs" leftSection={<IconFileTypePdf size={14} />} onClick={() => print('pdf')} disabled={!ready}>
            Save as PDF
          </Button>
        )}
        <Button size="xs" leftSection={<IconPrinter size={14} />} onClick={() => print('printer')} disabled={!ready}>
          Print
        </Button>
      </div>
      {children}
    </div>
  );
}

export function PrintState({ query }: { query: { isPending: boolean; isError: boolean; error: unknown } }) {
  if (query.isPending)
    return (
      <Center py="xl">
        <Loader aria-label="Loading the document" />
      </Center>
    );
  return (
    <Alert color="red" m="md">
      {errorBody(query.error).message}
    </Alert>
  );
}

export function SupplierBlock({ s }: { s: Supplier }) {
  return (
    <div data-testid="supplier">
      <div style={{ fontSize: '13pt', fontWeight: 700 }}>{s.tradeName ?? s.legalName}</div>
      {s.tradeName && <div>{s.legalName}</div>}
      <div>
        {s.addressLine}, {s.city} {s.pincode}
      </div>
      <div>State: {stateWithCode(s.stateCode)}</div>
      <div>{s.gstin ? `GSTIN: ${s.gstin}` : 'GST: not registered'}</div>
    </div>
  );
}

/** Quantity × unit price: the line's value before discount (tax-inclusive when the price is). */

function Lines({ inv }: { inv: Invoice }) {
  const igst = inv.lines.some((l) => l.igstPaise !== 0);
  const cgst = inv.lines.some((l) => l.cgstPaise !== 0) || !igst;
  return (
    <table className="print-lines" aria-label="Lines">
      <thead>
        <tr>
          <th rowSpan={2}>#</th>
          <th rowSpan={2}>HSN/SAC</th>
          <th rowSpan={2}>Description</th>
          <th rowSpan={2}>Qty</th>
          <th rowSpan={2}>Unit price</th>
          <th rowSpan={2}>Value</th>
          <th rowSpan={2}>Discount</th>
          <th rowSpan={2}>Taxable value</th>
          {cgst && (
            <>
              <th colSpan={2}>CGST</th>
              <th colSpan={2}>SGST</th>
            </>
          )}
          {igst && <th colSpan={2}>IGST</th>}
          <th rowSpan={2}>Total</th>
        </tr>
        <tr>
          {[...(cgst ? ['c', 's'] : []), ...(igst ? ['i'] : [])].flatMap((k) => [
            <th key={`${k}-rate`}>Rate</th>,
            <th key={`${k}-amount`}>Amount</th>,
          ])}
        </tr>
      </thead>
      <tbody>
        {inv.lines.map((l, i) => {
          const value = l.grossPaise;
          const discount = l.quantityMilli < 0 ? -Math.abs(l.discountPaise) : l.discountPaise;
          const exempt = l.exempt ? 'Exempt' : null;
          return (
            <tr key={l.id}>
              <td>{i + 1}</td>
              <td>{l.sacHsn ?? '—'}</td>
              <td>
                {l.description}
                {l.priceIncludesTax && <div className="print-muted">price incl. GST</div>}
              </td>
              <td className="num">
                {formatQuantity(l.quantityMilli)} {l.unit}
              </td>
              <td className="num">{money(l.unitPricePaise)}</td>
              <td className="num">{money(value)}</td>
              <td className="num">{money(discount)}</td>
              <td className="num">{money(l.taxablePaise)}</td>
              {cgst && (
                <>
                  <td className="num">{exempt ?? halfRateLabel(l.rateBp)}</td>
                  <td className="num">{money(l.cgstPaise)}</td>
                  <td className="num">{exempt ?? halfRateLabel(l.rateBp)}</td>
                  <td className="num">{money(l.sgstPaise)}</td>
                </>
              )}
              {igst && (
                <>
                  <td className="num">{exempt ?? rateLabel(l.rateBp)}</td>
                  <td className="num">{money(l.igstPaise)}</td>
                </>
              )}
              <td className="num">{money(l.totalPaise)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Totals({ inv }: { inv: Invoice }) {
  const rows: Array<[string, number]> = [];
  if (inv.docType !== 'bill_of_supply' || inv.taxablePaise !== 0) rows.push(['Taxable value', inv.taxablePaise]);
  if (inv.exemptPaise !== 0) rows.push(['Exempt value (no GST)', inv.exemptPaise]);
  if (inv.cgstPaise !== 0 || inv.sgstPaise !== 0 || (inv.igstPaise === 0 && inv.taxablePaise !== 0)) {
    rows.push(['CGST', inv.cgstPaise]);
    rows.push(['SGST', inv.sgstPaise]);
  }
  if (inv.igstPaise !== 0) rows.push(['IGST', inv.igstPaise]);
  rows.push(['Round-off', inv.roundOffPaise]);
  return (
    <table className="print-totals" aria-label="Totals" style={{ width: '80mm', marginLeft: 'auto' }}>
      <tbody>
        {rows.map(([label, v]) => (
          <tr key={label}>
            <td>{label}</td>
            <td className="num">{money(v)}</td>
          </tr>
        ))}
        <tr className="grand">
          <td>Total</td>
          <td className="num" data-testid="print-total">
            {money(inv.totalPaise)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

export function InvoiceDocument({ inv }: { inv: Invoice }) {
  const s = inv.supplier;
  const isNote = inv.docType === 'credit_note';
  const pos = inv.lines[0]?.placeOfSupply ?? s.stateCode;
  return (
    <div className="print-page print-a4" data-testid="print-document">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: '8mm' }}>
        <SupplierBlock s={s} />
        <div style={{ textAlign: 'right' }}>
          <h1>{DOC_TYPE_LABELS[inv.docType].toUpperCase()}</h1>
          <div style={{ fontWeight: 600 }}>Original for recipient</div>
          <div>
            No.: <b>{inv.number ?? 'DRAFT — not issued'}</b>
          </div>
          <div>Date: {inv.issueDate ? displayDate(inv.issueDate) : '—'}</div>
        </div>
      </div>
      {isNote && (
        <div className="print-box" style={{ marginTop: '4mm' }} data-testid="credit-note-reference">
          <div>
            Credit note against {inv.originalNumber ?? '—'} dated {inv.originalIssueDate ? displayDate(inv.originalIssueDate) : '—'}
          </div>
          <div>Reason: {inv.reason ?? '—'}</div>
        </div>
      )}
      <div style={{ display: 'flex', gap: '4mm', marginTop: '4mm' }}>
        <div className="print-box" style={{ flex: 1 }}>
          <div className="print-muted">{isNote ? 'Issued to' : 'Bill to'}</div>
          <div style={{ fontWeight: 600 }}>{inv.recipientName}</div>
          {inv.recipientAddress && <div>{inv.recipientAddress}</div>}
          {inv.recipientStateCode && <div>State: {stateWithCode(inv.recipientStateCode)}</div>}
          {inv.recipientGstin && <div>GSTIN: {inv.recipientGstin}</div>}
          {inv.patientMrn && <div className="print-muted">Patient MRN {inv.patientMrn}</div>}
        </div>
        <div className="print-box" style={{ flex: 1 }}>
          <div>Place of supply: {stateWithCode(pos)}</div>
          <div>Reverse charge: No</div>
          {inv.issuedByName && <div className="print-muted">Issued by {inv.issuedByName}</div>}
        </div>
      </div>
      <div style={{ marginTop: '4mm' }}>
        <Lines inv={inv} />
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: '6mm', marginTop: '3mm' }}>
        <div style={{ flex: 1 }}>
          <div className="print-muted">Total in words</div>
          <div style={{ fontWeight: 600 }} data-testid="print-words">
            {inv.amountInWords}
          </div>
          {inv.docType === 'bill_of_supply' && <div className="print-muted" style={{ marginTop: '2mm' }}>Exempt supply of health care services: no GST charged.</div>}
        </div>
        <Totals inv={inv} />
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-end', marginTop: '14mm' }}>
        <div className="print-muted" style={{ maxWidth: '100mm' }}>
          {s.footerText}
        </div>
        <div style={{ textAlign: 'center' }}>
          <div>For {s.legalName}</div>
          <div style={{ height: '12mm' }} />
          <div style={{ fontWeight: 600 }}>{s.signatory}</div>
          <div>Authorised signatory</div>
        </div>
      </div>
    </div>
  );
}

/** #/print/invoice/:id — the A4 document (the title follows the document type). */
export function PrintInvoice() {
  const { id } = useParams();
  const inv = useInvoice(id ?? null);
  const ready = !!inv.data;
  return (
    <PrintFrame ready={ready} page="a4" fileName={inv.data?.number ?? 'draft-bill'} back={`/billing/${id}`}>
      {ready ? <InvoiceDocument inv={inv.data!} /> : <PrintState query={inv} />}
    </PrintFrame>
  );
}
