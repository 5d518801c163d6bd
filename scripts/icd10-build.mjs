#!/usr/bin/env node
/**
 * Builds resources/icd10/icd10cm.tsv (one `CODE<TAB>title` line per code, code with the dot as
 * doctors write it, e.g. E11.9) from a public-domain ICD-10-CM release. See resources/icd10/README.md.
 *
 *   node scripts/icd10-build.mjs <source> [--out resources/icd10/icd10cm.tsv] [--max-len auto|3|4|5|7]
 *                                [--edition "FY2024 ICD-10-CM"] [--source-note "where it came from"]
 *
 * <source> is a file, or a folder searched for one, in any of these forms:
 *   - the CDC/CMS order file (icd10cm-order-YYYY.txt / icd10cm_order_YYYY.txt): fixed width, has the
 *     3-character categories and other header codes as well as the billable ones (preferred);
 *   - the CDC/CMS codes file (icd10cm-codes-YYYY.txt / icd10cm_codes_YYYY.txt): `CODE  title`,
 *     billable codes only (categories that have subdivisions are then missing);
 *   - JSON: an object {"E119": "title", ...} or an array of {code, title|description|desc|long_description}.
 *
 * --max-len auto (the default) keeps every code of up to 5 characters (without the dot, e.g. E11.65)
 * when the file stays under 3 MB, else every code of up to 4 characters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'resources/icd10/icd10cm.tsv' },
    'max-len': { type: 'string', default: 'auto' },
    edition: { type: 'string' },
    'source-note': { type: 'string' },
  },
});

const sourceArg = positionals[0];
if (!sourceArg) {
  console.error('usage: node scripts/icd10-build.mjs <order file | codes file | json | folder> [--out file] [--max-len auto|3|4|5|7]');
  process.exit(2);
}

const SIZE_LIMIT = 3 * 1024 * 1024;

/** Picks the best source file in a folder: order file, then codes file, then JSON. */
function findSource(p) {
  if (!fs.statSync(p).isDirectory()) return p;
  const files = [];
  const walk = (dir) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(p);
  const pick = (re) => files.filter((f) => re.test(path.basename(f))).sort().at(-1);
  const found = pick(/icd10cm[-_]order[-_].*\.txt$/i) ?? pick(/icd10cm[-_]codes[-_].*\.txt$/i) ?? pick(/icd10.*\.json$/i);
  if (!found) throw new Error(`No ICD-10-CM order, codes or JSON file found under ${p}`);
  return found;
}

const key = (code) => String(code).replace(/[\s.]/g, '').toUpperCase();
const VALID = /^[A-Z][0-9][0-9A-Z]{1,5}$/;
const clean = (title) => String(title).replace(/[\t\r\n]+/g, ' ').replace(/\s+/g, ' ').trim();

/** @returns {Map<string, string>} code key → title */
function readSource(file) {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const out = new Map();
  const add = (code, title) => {
    const k = key(code);
    const t = clean(title);
    if (VALID.test(k) && t && !out.has(k)) out.set(k, t);
  };
  if (/\.json$/i.test(file)) {
    const data = JSON.parse(text);
    if (Array.isArray(data)) {
      for (const row of data) add(row.code, row.title ?? row.long_description ?? row.description ?? row.desc ?? row.name ?? '');
    } else {
      for (const [code, title] of Object.entries(data)) add(code, typeof title === 'string' ? title : (title?.title ?? title?.description ?? ''));
    }
    return { entries: out, format: 'json' };
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  // Order file: "00001 A00     0 Short title...(60 chars) Long title" — order number, code, header flag.
  const isOrder = lines.length > 0 && lines.slice(0, 20).every((l) => /^\d{5} [A-Z0-9]{3,7}\s+[01] /.test(l));
  for (const line of lines) {
    if (isOrder) {
      const code = line.slice(6, 13).trim();
      const long = line.slice(77).trim() || line.slice(16, 76).trim();
      add(code, long);
    } else {
      const m = /^([A-Za-z][0-9A-Za-z.]{2,7})\s+(.+)$/.exec(line);
      if (m) add(m[1], m[2]);
    }
  }
  return { entries: out, format: isOrder ? 'order' : 'codes' };
}

const fmt = (k) => (k.length > 3 ? `${k.slice(0, 3)}.${k.slice(3)}` : k);

function render(entries, maxLen, header) {
  const keys = [...entries.keys()].filter((k) => k.length <= maxLen).sort();
  const body = keys.map((k) => `${fmt(k)}\t${entries.get(k)}`).join('\n') + '\n';
  return { text: header + body, count: keys.length };
}

const file = findSource(path.resolve(sourceArg));
const { entries, format } = readSource(file);
if (entries.size === 0) throw new Error(`No codes read from ${file}`);

const headerLines = [
  `# ICD-10-CM code list for ClinicDesk diagnosis search. Built by scripts/icd10-build.mjs from ${path.basename(file)} (${format} format).`,
  values.edition ? `# Edition: ${values.edition}` : null,
  values['source-note'] ? `# Source: ${values['source-note']}` : null,
  '# Licence: public domain (US government work, CDC/NCHS and CMS). ICD-10-CM is the US clinical modification of WHO ICD-10.',
].filter(Boolean);
const header = headerLines.join('\n') + '\n';

const requested = values['max-len'];
let result;
let maxLen;
if (requested === 'auto') {
  maxLen = 5;
  result = render(entries, 5, header);
  if (Buffer.byteLength(result.text) > SIZE_LIMIT) {
    maxLen = 4;
    result = render(entries, 4, header);
  }
} else {
  maxLen = Number(requested);
  if (![3, 4, 5, 6, 7].includes(maxLen)) throw new Error(`--max-len must be auto or 3..7, not ${requested}`);
  result = render(entries, maxLen, header);
}

const outFile = path.resolve(values.out);
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, result.text);
const categories = [...entries.keys()].filter((k) => k.length === 3).length;
console.log(
  `${path.relative(process.cwd(), outFile)}: ${result.count} codes (up to ${maxLen} characters; ${categories} three-character categories in the source, ${entries.size} codes read), ${Buffer.byteLength(result.text)} bytes`,
);
if (format === 'codes') console.log('note: the codes file lists billable codes only; use the order file to include every category heading.');
