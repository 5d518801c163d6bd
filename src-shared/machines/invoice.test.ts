import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideInvoiceTransition, INVOICE_EVENT_LABELS, INVOICE_STATES, type InvoiceContext, type InvoiceEvent, type InvoiceEventType, type InvoiceStatus } from './invoice';

/**
 * The invoice lifecycle written out independently of the machine: given a status, the amounts and an event,
 * the next status, or null for a refusal. The machine must agree with it on every random history.
 */
function spec(status: InvoiceStatus, c: InvoiceContext, e: InvoiceEvent): InvoiceStatus | null {
  const billing = ['admin', 'accounts', 'front_desk'].includes(e.role);
  const crediting = ['admin', 'accounts'].includes(e.role);
  const net = c.totalPaise - c.creditedPaise;
  switch (e.type) {
    case 'invoice.edit':
      return status === 'draft' && billing ? 'draft' : null;
    case 'invoice.discard':
      return status === 'draft' && billing ? 'discarded' : null;
    case 'invoice.issue':
      if (status !== 'draft' || !billing || c.lineCount === 0 || c.totalPaise < 0) return null;
      return c.totalPaise === 0 ? 'paid' : 'issued';
    case 'invoice.recordPayment':
      if (!['issued', 'partially_paid'].includes(status) || !billing || !(Number.isSafeInteger(e.amountPaise) && e.amountPaise > 0)) return null;
      if (c.paidPaise + e.amountPaise > net) return null;
      return c.paidPaise + e.amountPaise === net ? 'paid' : 'partially_paid';
    case 'invoice.creditNote': {
      if (!['issued', 'partially_paid', 'paid'].includes(status) || !crediting || e.reason.trim().length < 3) return null;
      if (!(Number.isSafeInteger(e.amountPaise) && e.amountPaise > 0) || c.creditedPaise + e.amountPaise > c.totalPaise) return null;
      const after = net - e.amountPaise;
      if (c.creditedPaise + e.amountPaise === c.totalPaise) return 'credited';
      if (c.paidPaise >= after) return 'paid';
      return c.paidPaise > 0 ? 'partially_paid' : 'issued';
    }
  }
}

const role = fc.constantFrom('admin' as const, 'accounts' as const, 'front_desk' as const, 'doctor' as const);
const amount = fc.oneof(fc.integer({ min: 1, max: 60_000 }), fc.constantFrom(0, -100, 0.5));
const event: fc.Arbitrary<InvoiceEvent> = fc.oneof(
  fc.record({ type: fc.constant('invoice.edit' as const), role, userId: fc.constant('u') }),
  fc.record({ type: fc.constant('invoice.discard' as const), role, userId: fc.constant('u') }),
  fc.record({ type: fc.constant('invoice.issue' as const), role, userId: fc.constant('u') }),
  fc.record({ type: fc.constant('invoice.recordPayment' as const), role, userId: fc.constant('u'), amountPaise: amount }),
  fc.record({ type: fc.constant('invoice.recordPayment' as const), role, userId: fc.constant('u'), amountPaise: amount }),
  fc.record({ type: fc.constant('invoice.creditNote' as const), role, userId: fc.constant('u'), amountPaise: amount, reason: fc.constantFrom('Billed twice', '', 'ok') }),
);

describe('invoice machine', () => {
  it('agrees with the lifecycle on random histories, and amounts never go past the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 3 }), fc.array(event, { maxLength: 25 }), (total, lines, events) => {
        let status: InvoiceStatus = 'draft';
        const c: InvoiceContext = { totalPaise: total, paidPaise: 0, creditedPaise: 0, lineCount: lines };
        for (const e of events) {
          const expected = spec(status, c, e);
          const decision = decideInvoiceTransition(status, { ...c }, e);
          expect(decision.ok ? decision.status : null, `${status} + ${e.type} (${JSON.stringify(c)})`).toBe(expected);
          if (!decision.ok) {
            expect(decision.message.length).toBeGreaterThan(10);
            continue;
          }
          status = decision.status;
          if (e.type === 'invoice.recordPayment') c.paidPaise += e.amountPaise;
          if (e.type === 'invoice.creditNote') c.creditedPaise += e.amountPaise;
          expect(c.paidPaise + c.creditedPaise <= c.totalPaise || status === 'paid' || status === 'credited').toBe(true);
          expect(c.creditedPaise).toBeLessThanOrEqual(c.totalPaise);
          if (status === 'paid') expect(c.paidPaise).toBeGreaterThanOrEqual(c.totalPaise - c.creditedPaise);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('every state is reachable, and the final ones accept nothing', () => {
    const reached = new Set<InvoiceStatus>(['draft']);
    const admin = { role: 'admin' as const, userId: 'u' };
    const c = { totalPaise: 1_000, paidPaise: 0, creditedPaise: 0, lineCount: 1 };
    const go = (s: InvoiceStatus, ctx: InvoiceContext, e: InvoiceEvent) => {
      const d = decideInvoiceTransition(s, ctx, e);
      if (d.ok) reached.add(d.status);
      return d;
    };
    go('draft', c, { type: 'invoice.discard', ...admin });
    go('draft', c, { type: 'invoice.issue', ...admin });
    go('issued', c, { type: 'invoice.recordPayment', ...admin, amountPaise: 400 });
    go('partially_paid', { ...c, paidPaise: 400 }, { type: 'invoice.recordPayment', ...admin, amountPaise: 600 });
    go('paid', { ...c, paidPaise: 1_000 }, { type: 'invoice.creditNote', ...admin, amountPaise: 1_000, reason: 'Billed twice' });
    expect([...reached].sort()).toEqual([...INVOICE_STATES].sort());
    for (const final of ['credited', 'discarded'] as const) {
      for (const type of Object.keys(INVOICE_EVENT_LABELS) as InvoiceEventType[]) {
        const d = decideInvoiceTransition(final, c, { type, ...admin, amountPaise: 1, reason: 'Billed twice' } as InvoiceEvent);
        expect(d.ok).toBe(false);
      }
    }
  });

  it('explains refusals in words', () => {
    const issued = { totalPaise: 1_000, paidPaise: 0, creditedPaise: 0, lineCount: 1 };
    const say = (s: InvoiceStatus, e: InvoiceEvent) => {
      const d = decideInvoiceTransition(s, issued, e);
      return d.ok ? '' : d.message;
    };
    expect(say('issued', { type: 'invoice.edit', role: 'admin', userId: 'u' })).toBe('An issued document is never changed. Raise a credit note to correct or cancel it.');
    expect(say('issued', { type: 'invoice.recordPayment', role: 'accounts', userId: 'u', amountPaise: 1_001 })).toMatch(/no more than what is still owed/);
    expect(say('paid', { type: 'invoice.creditNote', role: 'front_desk', userId: 'u', amountPaise: 10, reason: 'Billed twice' })).toMatch(/Only accounts or an administrator/);
    expect(say('draft', { type: 'invoice.issue', role: 'admin', userId: 'u' })).toBe('');
    expect(decideInvoiceTransition('draft', { ...issued, lineCount: 0 }, { type: 'invoice.issue', role: 'admin', userId: 'u' })).toMatchObject({ ok: false, message: /at least one line/ });
    expect(say('draft', { type: 'invoice.recordPayment', role: 'admin', userId: 'u', amountPaise: 10 })).toBe('You cannot take a payment for an invoice that is a draft.');
  });
});
