import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from './hash';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null }, e: undefined })).toBe('{"a":{"c":null,"d":[3,1,2]},"b":1}');
    expect(canonicalJson([{ z: 1, y: 2 }, 'x', true, undefined])).toBe('[{"y":2,"z":1},"x",true,null]');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 2, a: 1 }))).toBe('{"a":1,"b":2}');
  });

  it('writes scalars as JSON does', () => {
    expect(canonicalJson('line\n"quoted" ü नमस्ते')).toBe(JSON.stringify('line\n"quoted" ü नमस्ते'));
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(new Date('2026-11-25T05:30:00.000Z'))).toBe('"2026-11-25T05:30:00.000Z"');
    expect(canonicalJson({ '10': 'a', '9': 'b', B: 'c', a: 'd' })).toBe('{"10":"a","9":"b","B":"c","a":"d"}');
  });

  it('refuses what JSON cannot hold, instead of changing it', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1n, () => 1, Symbol('s'), undefined, new Map([[1, 2]]), new Set([1]), { nested: { x: Number.NaN } }]) {
      expect(() => canonicalJson(bad), String(typeof bad)).toThrow(TypeError);
    }
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/cycle/);
    // The same object twice (not a cycle) is fine.
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('is valid JSON that parses back to the same data, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe('contentHash', () => {
  it('the SHA-256 underneath matches the FIPS 180-2 test vector', () => {
    expect(bytesToHex(sha256(utf8ToBytes('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes the UTF-8 bytes of the canonical JSON', () => {
    expect(contentHash({})).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(contentHash({ b: [2, { c: 'ü' }], a: 1 })).toBe('sha256:9311b39065fb4a3c60fbb58c605ff287b24416bedf93c32efee9e95705098ffe');
    expect(contentHash('नमस्ते')).toBe('sha256:edf96c10c150674cdf9e71d5d0d3dbbf7f22857c8cf7bd51a00554cdfc351b9a');
  });

  it('does not depend on key order, and any change to the data changes it', () => {
    const note = { subjective: 'Fever 3 days', vitals: { temperatureC: 38.4, pulse: 96 }, plan: ['CBC', 'Paracetamol 650 SOS'] };
    const reordered = { plan: ['CBC', 'Paracetamol 650 SOS'], vitals: { pulse: 96, temperatureC: 38.4 }, subjective: 'Fever 3 days' };
    expect(contentHash(reordered)).toBe(contentHash(note));
    expect(contentHash({ ...note, extra: undefined })).toBe(contentHash(note));
    expect(contentHash({ ...note, vitals: { ...note.vitals, pulse: 97 } })).not.toBe(contentHash(note));
    expect(contentHash({ ...note, plan: [...note.plan].reverse() })).not.toBe(contentHash(note));
    expect(contentHash(note)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('any order of the same keys gives the same hash', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 8 }), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(contentHash(reversed)).toBe(contentHash(record));
      }),
    );
  });
});
