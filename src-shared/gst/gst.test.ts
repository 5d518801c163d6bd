import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountInWords, divRound, formatRupees, indianNumberWords } from './money';
import { documentNumber, documentsFor, documentTotals, financialYear, GstInputError, reverseLine, taxLine, type LineInput } from './tax';

const MH = '27'; // the clinic: Maharashtra
const KA = '29';

const line = (over: Partial<LineInput>): LineInput => ({
  kind: 'service',
  quantityMilli: 1000,
  unitPricePaise: 0,
  priceIncludesTax: false,
  discountPaise: 0,
  rateBp: 1800,
  exempt: false,
  ...over,
});

describe('GST worked examples (exact paise)', () => {
  const cases: Array<[string, LineInput, Partial<ReturnType<typeof taxLine>>]> = [
    ['consultation ₹500, exempt healthcare service', line({ unitPricePaise: 50_000, exempt: true }), { taxablePaise: 50_000, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, totalPaise: 50_000, rateBp: 0 }],
    [
      'laser hair removal ₹2,000 + 18 % for a patient from Karnataka: performed at the clinic, so CGST + SGST',
      line({ unitPricePaise: 200_000 }),
      { placeOfSupply: MH, interState: false, cgstPaise: 18_000, sgstPaise: 18_000, igstPaise: 0, totalPaise: 236_000 },
    ],
    [
      'sunscreen ₹590 including 18 %, over the counter',
      line({ kind: 'goods', unitPricePaise: 59_000, priceIncludesTax: true }),
      { taxablePaise: 50_000, cgstPaise: 4_500, sgstPaise: 4_500, totalPaise: 59_000 },
    ],
    [
      'goods ₹1,000 + 12 % dispatched to Karnataka: IGST',
      line({ kind: 'goods', unitPricePaise: 100_000, rateBp: 1200, deliveredToStateCode: KA }),
      { placeOfSupply: KA, interState: true, cgstPaise: 0, sgstPaise: 0, igstPaise: 12_000, totalPaise: 112_000 },
    ],
    [
      '2 × ₹750 less ₹100 discount, + 18 %',
      line({ quantityMilli: 2000, unitPricePaise: 75_000, discountPaise: 10_000 }),
      { grossPaise: 150_000, taxablePaise: 140_000, cgstPaise: 12_600, sgstPaise: 12_600, totalPaise: 165_200 },
    ],
    ['3 × ₹33.33 + 18 %: each half rounds to the paisa', line({ quantityMilli: 3000, unitPricePaise: 3_333 }), { taxablePaise: 9_999, cgstPaise: 900, sgstPaise: 900, totalPaise: 11_799 }],
    [
      '₹99.99 including 12 %: the odd paisa goes to SGST so the line still totals ₹99.99',
      line({ kind: 'goods', unitPricePaise: 9_999, priceIncludesTax: true, rateBp: 1200 }),
      { taxablePaise: 8_928, cgstPaise: 536, sgstPaise: 535, totalPaise: 9_999 },
    ],
    ['2.5 ml at ₹12.34 a ml, + 5 %', line({ kind: 'goods', quantityMilli: 2500, unitPricePaise: 1_234, rateBp: 500 }), { grossPaise: 3_085, cgstPaise: 77, sgstPaise: 77, totalPaise: 3_239 }],
    ['a 0.25 % rate halves to 0.125 % each', line({ kind: 'goods', unitPricePaise: 1_000_000, rateBp: 25 }), { cgstPaise: 1_250, sgstPaise: 1_250 }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      expect(taxLine(input, MH)).toMatchObject(expected);
    });
  }

  it('a document of those lines: totals, and a round-off to the rupee', () => {
    const lines = [cases[0]![1], cases[5]![1]].map((l) => taxLine(l, MH));
    expect(documentTotals(lines, 'nearest_rupee')).toEqual({
      taxablePaise: 9_999,
      exemptPaise: 50_000,
      cgstPaise: 900,
      sgstPaise: 900,
      igstPaise: 0,
      beforeRoundOffPaise: 61_799,
      roundOffPaise: 1,
      totalPaise: 61_800,
    });
    expect(documentTotals(lines, 'none')).toMatchObject({ roundOffPaise: 0, totalPaise: 61_799 });
  });

  it('which documents: bill of supply, tax invoice, invoice-cum-bill of supply, or two', () => {
    expect(documentsFor([{ exempt: true }], false)).toEqual([{ kind: 'bill_of_supply', lines: [0] }]);
    expect(documentsFor([{ exempt: false }, { exempt: false }], true)).toEqual([{ kind: 'tax_invoice', lines: [0, 1] }]);
    expect(documentsFor([{ exempt: true }, { exempt: false }], false)).toEqual([{ kind: 'invoice_cum_bill_of_supply', lines: [0, 1] }]);
    expect(documentsFor([{ exempt: true }, { exempt: false }, { exempt: true }], true)).toEqual([
      { kind: 'tax_invoice', lines: [1] },
      { kind: 'bill_of_supply', lines: [0, 2] },
    ]);
    expect(() => documentsFor([], false)).toThrow(GstInputError);
  });

  it('amounts in words, Indian numbering; rupees with Indian grouping', () => {
    expect(amountInWords(12_345_678)).toBe('Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy-Eight Paise Only');
    expect(amountInWords(1_234_567_800)).toBe('Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight Only');
    expect(amountInWords(50_000)).toBe('Rupees Five Hundred Only');
    expect(amountInWords(5)).toBe('Rupees Zero and Five Paise Only');
    expect(amountInWords(-10_000)).toBe('Minus Rupees One Hundred Only');
    expect(indianNumberWords(1_00_00_00_000)).toBe('One Hundred Crore');
    expect(indianNumberWords(2_00_005)).toBe('Two Lakh Five');
    expect(formatRupees(12_345_678)).toBe('₹1,23,456.78');
    expect(formatRupees(99)).toBe('₹0.99');
    expect(formatRupees(-1_234_500)).toBe('−₹12,345.00');
  });

  it('numbers: series / financial year (April–March) / five digits, at most 16 characters', () => {
    expect(financialYear('2026-03-31')).toBe('2526');
    expect(financialYear('2026-04-01')).toBe('2627');
    expect(financialYear('2099-12-31')).toBe('9900');
    expect(documentNumber('FD1', '2026-11-26', 42)).toBe('FD1/2627/00042');
    expect(documentNumber('FD12', '2027-01-05', 123_456)).toBe('FD12/2627/123456');
    expect(() => documentNumber('CLINIC', '2027-01-05', 123_456)).toThrow(/at most 16/);
    expect(() => documentNumber('FD1', '2027-01-05', 0)).toThrow(GstInputError);
  });

  it('refuses what cannot be a line', () => {
    expect(() => taxLine(line({ unitPricePaise: 1_000, discountPaise: 1_001 }), MH)).toThrow(/discount is more/);
    expect(() => taxLine(line({ unitPricePaise: -1 }), MH)).toThrow(GstInputError);
    expect(() => taxLine(line({ unitPricePaise: 10.5 }), MH)).toThrow(GstInputError);
    expect(() => taxLine(line({ rateBp: 10_001 }), MH)).toThrow(/100 %/);
  });

  it('rounds halves away from zero, exactly', () => {
    expect([divRound(5, 2), divRound(-5, 2), divRound(4, 3), divRound(-4, 3), divRound(Number.MAX_SAFE_INTEGER, 1)]).toEqual([3, -3, 1, -1, Number.MAX_SAFE_INTEGER]);
  });
});

const RATES = [0, 5, 25, 300, 500, 1200, 1800, 2800];
const lineArb: fc.Arbitrary<LineInput> = fc
  .record({
    kind: fc.constantFrom('service' as const, 'goods' as const),
    quantityMilli: fc.integer({ min: 1, max: 1_000_000 }),
    unitPricePaise: fc.integer({ min: 0, max: 10_000_000 }),
    priceIncludesTax: fc.boolean(),
    discountShare: fc.integer({ min: 0, max: 100 }),
    rateBp: fc.constantFrom(...RATES),
    exempt: fc.boolean(),
    delivered: fc.constantFrom(null, MH, KA, '07'),
  })
  .map(({ discountShare, delivered, ...l }) => {
    const gross = divRound(l.quantityMilli * l.unitPricePaise, 1000);
    return { ...l, discountPaise: divRound(gross * discountShare, 100), deliveredToStateCode: delivered };
  });

describe('GST maths, properties (fast-check)', () => {
  it('line figures add up, no tax is negative, and the right tax heads are used', () => {
    fc.assert(
      fc.property(lineArb, (input) => {
        const l = taxLine(input, MH);
        expect(l.cgstPaise).toBeGreaterThanOrEqual(0);
        expect(l.sgstPaise).toBeGreaterThanOrEqual(0);
        expect(l.igstPaise).toBeGreaterThanOrEqual(0);
        expect(l.taxablePaise).toBeGreaterThanOrEqual(0);
        expect(l.totalPaise).toBe(l.taxablePaise + l.cgstPaise + l.sgstPaise + l.igstPaise);
        if (input.priceIncludesTax) expect(l.totalPaise).toBe(l.grossPaise - l.discountPaise);
        else expect(l.taxablePaise).toBe(l.grossPaise - l.discountPaise);
        const interState = input.kind === 'goods' && !!input.deliveredToStateCode && input.deliveredToStateCode !== MH;
        expect(l.interState).toBe(interState);
        if (interState) expect(l.cgstPaise + l.sgstPaise).toBe(0);
        else expect(l.igstPaise).toBe(0);
        if (input.exempt) expect(l.cgstPaise + l.sgstPaise + l.igstPaise).toBe(0);
        if (!interState && !input.priceIncludesTax) expect(l.cgstPaise).toBe(l.sgstPaise);
        if (!interState) expect(Math.abs(l.cgstPaise - l.sgstPaise)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('document totals are exactly the sums of their lines; the round-off moves at most 50 paise, to a whole rupee', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 30 }), fc.constantFrom('nearest_rupee' as const, 'none' as const), (inputs, rule) => {
        const lines = inputs.map((i) => taxLine(i, MH));
        const t = documentTotals(lines, rule);
        const sum = (f: (l: (typeof lines)[number]) => number) => lines.reduce((a, l) => a + f(l), 0);
        expect(t.cgstPaise).toBe(sum((l) => l.cgstPaise));
        expect(t.sgstPaise).toBe(sum((l) => l.sgstPaise));
        expect(t.igstPaise).toBe(sum((l) => l.igstPaise));
        expect(t.taxablePaise + t.exemptPaise).toBe(sum((l) => l.taxablePaise));
        expect(t.beforeRoundOffPaise).toBe(t.taxablePaise + t.exemptPaise + t.cgstPaise + t.sgstPaise + t.igstPaise);
        expect(t.totalPaise).toBe(t.beforeRoundOffPaise + t.roundOffPaise);
        if (rule === 'none') expect(t.roundOffPaise).toBe(0);
        else {
          expect(Math.abs(t.roundOffPaise)).toBeLessThanOrEqual(50);
          expect(t.totalPaise % 100).toBe(0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a credit note for the whole document reverses every figure exactly', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 20 }), (inputs) => {
        const lines = inputs.map((i) => taxLine(i, MH));
        const original = documentTotals(lines, 'nearest_rupee');
        const credit = documentTotals(lines.map(reverseLine), 'nearest_rupee');
        for (const k of Object.keys(original) as Array<keyof typeof original>) expect(credit[k]).toBe(original[k] === 0 ? 0 : -original[k]);
      }),
      { numRuns: 1000 },
    );
  });

  it('amounts in words read back to the amount', () => {
    const value: Record<string, number> = {};
    ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen'].forEach((w, i) => (value[w] = i));
    ['Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety'].forEach((w, i) => (value[w] = 20 + i * 10));
    const scale: Record<string, number> = { Hundred: 100, Thousand: 1_000, Lakh: 100_000, Crore: 10_000_000 };
    const read = (words: string): number => {
      // Crore may take a compound multiplier ("One Hundred Crore"): read the part before the last "Crore" recursively.
      const at = words.lastIndexOf(' Crore');
      if (at >= 0) return read(words.slice(0, at)) * 10_000_000 + (words.slice(at + 6).trim() ? read(words.slice(at + 6).trim()) : 0);
      let total = 0;
      let group = 0;
      for (const token of words.split(/[ -]/)) {
        if (token in value) group += value[token]!;
        else if (token === 'Hundred') group *= 100;
        else {
          total += group * scale[token]!;
          group = 0;
        }
      }
      return total + group;
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_000 }), (n) => {
        expect(read(indianNumberWords(n))).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });
});
