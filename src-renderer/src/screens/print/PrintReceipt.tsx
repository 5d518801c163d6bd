import { useParams } from 'react-router';
import { DOC_TYPE_LABELS, PAYMENT_MODE_LABELS } from '../../../../src-shared/api/billing';
import { formatDisplayInstant } from '../../../../src-shared/dates';
import { amountInWords } from '../../../../src-shared/gst/money';
import { useInvoice } from '../../api/billing';
import { useSession } from '../../app/auth';
import { money } from '../../lib/billing';
import { PrintFrame, PrintState } from './PrintInvoice';
import './print.css';

/** #/print/receipt/:invoiceId/:paymentId — an 80 mm receipt for one payment on a bill. */
export function PrintReceipt() {
  const { invoiceId, paymentId } = useParams();
  const session = useSession();
  const inv = useInvoice(invoiceId ?? null);
  const payment = inv.data?.payments.find((p) => p.id === paymentId) ?? null;
  const s = inv.data?.supplier;
  return (
    <PrintFrame ready={!!payment} page="receipt" fileName={`receipt-${inv.data?.number ?? 'payment'}`} back={`/billing/${invoiceId}`}>
      {inv.data && !payment ? (
        <PrintState query={{ isPending: false, isError: true, error: null }} />
      ) : !inv.data || !payment || !s ? (
        <PrintState query={inv} />
      ) : (
        <div className="print-page print-receipt" data-testid="print-receipt">
          <div style={{ textAlign: 'center' }}>
            <div style={{ fontWeight: 700, fontSize: '11pt' }}>{s.tradeName ?? s.legalName}</div>
            {s.tradeName && <div>{s.legalName}</div>}
            <div>
              {s.addressLine}, {s.city} {s.pincode}
            </div>
            <div>{s.gstin ? `GSTIN: ${s.gstin}` : 'GST: not registered'}</div>
          </div>
          <div className="rule" />
          <div style={{ textAlign: 'center', fontWeight: 700 }}>PAYMENT RECEIPT</div>
          <div className="rule" />
          <table>
            <tbody>
              <tr>
                <td>Date</td>
                <td style={{ textAlign: 'right' }}>{formatDisplayInstant(payment.receivedAt, session.clinic.timezone)}</td>
              </tr>
              <tr>
                <td>Against</td>
                <td style={{ textAlign: 'right' }}>
                  {DOC_TYPE_LABELS[inv.data.docType]} {inv.data.number}
                </td>
              </tr>
              <tr>
                <td>Received from</td>
                <td style={{ textAlign: 'right' }}>{inv.data.recipientName}</td>
              </tr>
              <tr>
                <td>Mode</td>
                <td style={{ textAlign: 'right' }}>{PAYMENT_MODE_LABELS[payment.mode]}</td>
              </tr>
              {payment.reference && (
                <tr>
                  <td>Reference</td>
                  <td style={{ textAlign: 'right' }}>{payment.reference}</td>
                </tr>
              )}
              {payment.tenderedPaise !== null && (
                <>
                  <tr>
                    <td>Cash tendered</td>
                    <td style={{ textAlign: 'right' }}>{money(payment.tenderedPaise)}</td>
                  </tr>
                  <tr>
                    <td>Change given</td>
                    <td style={{ textAlign: 'right' }}>{money(payment.changePaise ?? 0)}</td>
                  </tr>
                </>
              )}
            </tbody>
          </table>
          <div className="rule" />
          <table>
            <tbody>
              <tr style={{ fontWeight: 700, fontSize: '11pt' }}>
                <td>Amount received</td>
                <td style={{ textAlign: 'right' }} data-testid="receipt-amount">
                  {money(payment.amountPaise)}
                </td>
              </tr>
            </tbody>
          </table>
          <div>{amountInWords(payment.amountPaise)}</div>
          <div className="rule" />
          <table>
            <tbody>
              <tr>
                <td>Bill total</td>
                <td style={{ textAlign: 'right' }}>{money(inv.data.totalPaise)}</td>
              </tr>
              <tr>
                <td>Paid so far</td>
                <td style={{ textAlign: 'right' }}>{money(inv.data.paidPaise)}</td>
              </tr>
              <tr>
                <td>Balance now</td>
                <td style={{ textAlign: 'right' }}>{money(inv.data.balancePaise)}</td>
              </tr>
            </tbody>
          </table>
          <div className="rule" />
          {payment.receivedByName && <div>Received by {payment.receivedByName}</div>}
          <div style={{ marginTop: '8mm', textAlign: 'center' }}>
            <div style={{ fontWeight: 600 }}>{s.signatory}</div>
            <div>Authorised signatory</div>
          </div>
          {s.footerText && <div style={{ marginTop: '3mm', textAlign: 'center' }}>{s.footerText}</div>}
        </div>
      )}
    </PrintFrame>
  );
}
