import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gstinCheckChar, gstinProblem } from './gstin';
import { formatIndianMobile, mobileSearchPrefix, normalizeIndianMobile } from './phone';
import { formatAbhaNumber, normalizeAbhaNumber } from './abha';
import { INDIAN_STATES } from './states';

describe('GSTIN', () => {
  it('accepts a real GSTIN and checks its state', () => {
    expect(gstinProblem('27AAPFU0939F1ZV')).toBeNull();
    expect(gstinProblem(' 27aapfu0939f1zv ')).toBeNull();
    expect(gstinProblem('27AAPFU0939F1ZV', '27')).toBeNull();
    expect(gstinProblem('27AAPFU0939F1ZV', '29')).toBe('state_mismatch');
  });

  it('finds typing mistakes through the check character', () => {
    expect(gstinProblem('27AAPFU0939F1ZW')).toBe('check');
    expect(gstinProblem('27AAPFU0939F1Z')).toBe('format');
    expect(gstinProblem('99AAPFU0939F1ZV')).toBe('state');
  });

  it('every generated GSTIN validates, and any single changed character is caught', () => {
    const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const upper = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
    const digit = fc.constantFrom(...'0123456789'.split(''));
    const gstin = fc
      .tuple(
        fc.constantFrom(...INDIAN_STATES.map((s) => s.code)),
        fc.array(upper, { minLength: 5, maxLength: 5 }),
        fc.array(digit, { minLength: 4, maxLength: 4 }),
        upper,
        fc.constantFrom(...'123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')),
      )
      .map(([state, a, d, l, e]) => {
        const first14 = `${state}${a.join('')}${d.join('')}${l}${e}Z`;
        return first14 + gstinCheckChar(first14);
      });
    fc.assert(
      fc.property(gstin, fc.nat(14), fc.constantFrom(...chars.split('')), (g, pos, c) => {
        expect(gstinProblem(g)).toBeNull();
        const changed = g.slice(0, pos) + c + g.slice(pos + 1);
        if (changed !== g) expect(gstinProblem(changed)).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe('Indian mobile numbers', () => {
  it.each([
    ['9876543210', '9876543210'],
    ['+91 98765 43210', '9876543210'],
    ['+91-98765-43210', '9876543210'],
    ['919876543210', '9876543210'],
    ['09876543210', '9876543210'],
    ['(+91) 6000000000', '6000000000'],
  ])('accepts %s', (raw, digits) => expect(normalizeIndianMobile(raw)).toBe(digits));

  it.each(['5876543210', '987654321', '98765432100', '+1 9876543210', 'nine876543210', '', '+92 9876543210'])('refuses %s', (raw) =>
    expect(normalizeIndianMobile(raw)).toBeNull(),
  );

  it('formats for display and reads search prefixes with or without +91', () => {
    expect(formatIndianMobile('9876543210')).toBe('+91 98765 43210');
    expect(mobileSearchPrefix('98765')).toBe('98765');
    expect(mobileSearchPrefix('+91 98765')).toBe('98765');
    expect(mobileSearchPrefix('+9198765')).toBe('98765');
    expect(mobileSearchPrefix('0987')).toBe('987');
    expect(mobileSearchPrefix('919876543210')).toBe('9876543210');
    expect(mobileSearchPrefix('ramesh')).toBeNull();
    expect(mobileSearchPrefix('+44 20')).toBeNull();
  });
});

describe('ABHA number', () => {
  it('takes 14 digits in any common layout', () => {
    expect(normalizeAbhaNumber('12-3456-7890-1234')).toBe('12345678901234');
    expect(normalizeAbhaNumber('12 3456 7890 1234')).toBe('12345678901234');
    expect(formatAbhaNumber('12345678901234')).toBe('12-3456-7890-1234');
    expect(normalizeAbhaNumber('12-3456-7890-123')).toBeNull();
    expect(normalizeAbhaNumber('12-3456-7890-12345')).toBeNull();
    expect(normalizeAbhaNumber('ab-3456-7890-1234')).toBeNull();
  });
});
