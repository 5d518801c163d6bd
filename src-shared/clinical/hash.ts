import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * Content hashes for signed clinical records. When a doctor signs a note or a prescription, the hash of
 * its content is stored with the signature; anyone can later recompute it to show the record has not
 * changed since. The same content must therefore give the same hash on every device, in every version:
 * the content is first written as canonical JSON (below), then hashed with SHA-256.
 *
 * `@noble/hashes/sha2` is the current home of `sha256` (the older `@noble/hashes/sha256` entry point
 * re-exports the same function and is marked deprecated). Pure JavaScript: no `crypto` global, no Node.
 */

/**
 * A stable JSON text for a value: the same data always gives the same text, whatever order its object
 * keys were set in.
 *
 * - Object keys are sorted (by UTF-16 code units, the order of `Array.prototype.sort`), at every level.
 * - Arrays keep their order.
 * - Object properties whose value is `undefined` are left out; `undefined` inside an array becomes
 *   `null` (as `JSON.stringify` does, so positions are kept).
 * - Strings, numbers, booleans and null are written as `JSON.stringify` writes them (so `-0` is `0`).
 * - A value with a `toJSON` method (a `Date`) is replaced by what that method returns.
 * - No whitespace.
 *
 * Refused with a `TypeError`, rather than silently changed: numbers that JSON cannot hold (`NaN`,
 * `Infinity`), bigints, functions, symbols, objects that are not plain objects or arrays (a `Map` or a
 * `Set` would otherwise become `{}`), and cycles. A top-level `undefined` is refused too.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form.`);
      return JSON.stringify(value);
    case 'undefined':
      throw new TypeError('canonicalJson: undefined has no JSON form.');
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form.`);
  }
  const object = value as object;
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return write((object as { toJSON: () => unknown }).toJSON(), ancestors);
  }
  if (ancestors.has(object)) throw new TypeError('canonicalJson: the value refers to itself (a cycle).');
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item) => (item === undefined ? 'null' : write(item, ancestors))).join(',')}]`;
    }
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonicalJson: only plain objects and arrays can be written (got ${object.constructor?.name ?? 'an object'}).`);
    }
    const record = object as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(item, ancestors)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

/**
 * The content hash of a value: `'sha256:'` followed by the lowercase hex SHA-256 of the UTF-8 bytes of
 * its {@link canonicalJson}. Two values with the same data (keys in any order) hash the same; any change
 * in the data changes the hash.
 */
export function contentHash(value: unknown): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson(value))))}`;
}
