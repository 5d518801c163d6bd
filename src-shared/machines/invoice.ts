import { setup, transition } from 'xstate';
import type { Role } from '../roles';

/**
 * The invoice lifecycle (DESIGN.md §5, issue 6), one machine for the desk's core and the sync server:
 * draft → issued (locked: nothing on it changes again) → partially_paid → paid. A draft may be edited or
 * discarded; once issued, an invoice is never edited: money comes back, or the invoice is cancelled, only by
 * a credit note that references it (credited in full → credited). The amounts live in the row; the machine
 * reads them from the context and the event and decides the next status, which the caller keeps only if
 * the machine accepted the event.
 */
export const INVOICE_MACHINE_VERSION = 1;

export const INVOICE_STATES = ['draft', 'issued', 'partially_paid', 'paid', 'credited', 'discarded'] as const;
export type InvoiceStatus = (typeof INVOICE_STATES)[number];

export interface InvoiceContext {
  /** The document's total (after round-off), in paise. */
  totalPaise: number;
  /** Payments recorded so far, less refunds paid out. */
  paidPaise: number;
  /** Credit notes issued against it so far. */
  creditedPaise: number;
  lineCount: number;
}

export interface InvoiceActor {
  role: Role | 'system';
  userId: string;
}

export type InvoiceEvent =
  | ({ type: 'invoice.edit' } & InvoiceActor)
  | ({ type: 'invoice.discard' } & InvoiceActor)
  | ({ type: 'invoice.issue' } & InvoiceActor)
  | ({ type: 'invoice.recordPayment'; amountPaise: number } & InvoiceActor)
  | ({ type: 'invoice.creditNote'; amountPaise: number; reason: string } & InvoiceActor);

export type InvoiceEventType = InvoiceEvent['type'];

/** Who bills and takes money (small clinics bill at the front desk), and who may credit (return money, cancel). */
const BILLING: ReadonlyArray<InvoiceActor['role']> = ['admin', 'accounts', 'front_desk'];
const CREDITING: ReadonlyArray<InvoiceActor['role']> = ['admin', 'accounts'];

const net = (c: InvoiceContext) => c.totalPaise - c.creditedPaise;
const amountOf = (e: InvoiceEvent) => ('amountPaise' in e ? e.amountPaise : 0);
const whole = (n: number) => Number.isSafeInteger(n) && n > 0;

export const invoiceMachine = setup({
  types: { context: {} as InvoiceContext, events: {} as InvoiceEvent, input: {} as InvoiceContext },
  guards: {
    canBill: ({ event }) => BILLING.includes(event.role),
    issuable: ({ context, event }) => BILLING.includes(event.role) && context.lineCount > 0 && context.totalPaise >= 0,
    // A zero-total document (a free follow-up, say) is settled the moment it is issued.
    issuableFree: ({ context, event }) => BILLING.includes(event.role) && context.lineCount > 0 && context.totalPaise === 0,
    // A payment settles the balance exactly, or pays part of it; more than is owed is refused (an advance is
    // recorded as such, not as an overpayment of this invoice).
    settles: ({ context, event }) => BILLING.includes(event.role) && whole(amountOf(event)) && context.paidPaise + amountOf(event) === net(context),
    paysPart: ({ context, event }) => BILLING.includes(event.role) && whole(amountOf(event)) && context.paidPaise + amountOf(event) < net(context),
    // Credit notes: by accounts or an admin, with a reason, never for more than is left to credit.
    creditsAll: ({ context, event }) => creditable(context, event) && context.creditedPaise + amountOf(event) === context.totalPaise,
    creditsToPaid: ({ context, event }) => creditable(context, event) && context.paidPaise >= net(context) - amountOf(event),
    creditsToPart: ({ context, event }) => creditable(context, event) && context.paidPaise > 0 && context.paidPaise < net(context) - amountOf(event),
    creditsToIssued: ({ context, event }) => creditable(context, event) && context.paidPaise === 0 && net(context) - amountOf(event) > 0,
  },
}).createMachine({
  id: 'invoice',
  initial: 'draft',
  context: ({ input }) => ({ ...input }),
  states: {
    draft: {
      on: {
        'invoice.edit': { target: 'draft', guard: 'canBill', reenter: true },
        'invoice.discard': { target: 'discarded', guard: 'canBill' },
        'invoice.issue': [
          { target: 'paid', guard: 'issuableFree' },
          { target: 'issued', guard: 'issuable' },
        ],
      },
    },
    issued: {
      on: {
        'invoice.recordPayment': [
          { target: 'paid', guard: 'settles' },
          { target: 'partially_paid', guard: 'paysPart' },
        ],
        'invoice.creditNote': [
          { target: 'credited', guard: 'creditsAll' },
          { target: 'issued', guard: 'creditsToIssued', reenter: true },
        ],
      },
    },
    partially_paid: {
      on: {
        'invoice.recordPayment': [
          { target: 'paid', guard: 'settles' },
          { target: 'partially_paid', guard: 'paysPart', reenter: true },
        ],
        'invoice.creditNote': [
          { target: 'credited', guard: 'creditsAll' },
          { target: 'paid', guard: 'creditsToPaid' },
          { target: 'partially_paid', guard: 'creditsToPart', reenter: true },
        ],
      },
    },
    paid: {
      on: {
        // Money back on a paid invoice: a credit note (and a refund of what it credits).
        'invoice.creditNote': [
          { target: 'credited', guard: 'creditsAll' },
          { target: 'paid', guard: 'creditsToPaid', reenter: true },
        ],
      },
    },
    credited: { type: 'final' },
    discarded: { type: 'final' },
  },
});

function creditable(context: InvoiceContext, event: InvoiceEvent): boolean {
  return (
    event.type === 'invoice.creditNote' &&
    CREDITING.includes(event.role) &&
    event.reason.trim().length >= 3 &&
    whole(event.amountPaise) &&
    context.creditedPaise + event.amountPaise <= context.totalPaise
  );
}

export const INVOICE_STATUS_LABELS: Record<InvoiceStatus, string> = {
  draft: 'a draft',
  issued: 'issued and unpaid',
  partially_paid: 'partly paid',
  paid: 'paid',
  credited: 'cancelled by a credit note',
  discarded: 'a discarded draft',
};

export const INVOICE_EVENT_LABELS: Record<InvoiceEventType, string> = {
  'invoice.edit': 'change',
  'invoice.discard': 'discard',
  'invoice.issue': 'issue',
  'invoice.recordPayment': 'take a payment for',
  'invoice.creditNote': 'raise a credit note for',
};

const REFUSALS: Record<InvoiceEventType, string> = {
  'invoice.edit': 'Only billing staff can change a draft.',
  'invoice.discard': 'Only billing staff can discard a draft.',
  'invoice.issue': 'A document needs at least one line, and only billing staff can issue it.',
  'invoice.recordPayment': 'A payment must be more than ₹0 and no more than what is still owed. Record extra money as an advance.',
  'invoice.creditNote': 'Only accounts or an administrator can raise a credit note, with a reason, for no more than is left to credit.',
};

export type InvoiceDecision = { ok: true; status: InvoiceStatus } | { ok: false; message: string };

/** Loads an invoice's state into the machine and sends the event: the new status, or why not, in words. */
export function decideInvoiceTransition(status: InvoiceStatus, context: InvoiceContext, event: InvoiceEvent): InvoiceDecision {
  const snapshot = invoiceMachine.resolveState({ value: status, context });
  if (snapshot.can(event)) {
    const [next] = transition(invoiceMachine, snapshot, event);
    return { ok: true, status: next.value as InvoiceStatus };
  }
  const handled = Object.prototype.hasOwnProperty.call(invoiceMachine.config.states?.[status]?.on ?? {}, event.type);
  if (handled) return { ok: false, message: REFUSALS[event.type] };
  if (status !== 'draft' && (event.type === 'invoice.edit' || event.type === 'invoice.discard')) {
    return { ok: false, message: 'An issued document is never changed. Raise a credit note to correct or cancel it.' };
  }
  return { ok: false, message: `You cannot ${INVOICE_EVENT_LABELS[event.type]} an invoice that is ${INVOICE_STATUS_LABELS[status]}.` };
}
