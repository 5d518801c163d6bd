import { describe, expect, it } from 'vitest';
import { hashPassword } from './auth/password';
import { hashSecret, looksLikeDeviceCredential, newDeviceCredential, newEnrolmentCode, normalizeEnrolmentCode } from './auth/secrets';
import { backendFrom, parseDuration } from './config';
import { describeUrl } from './db/open';
import { FailureThrottle } from './http/throttle';
import { loopbackUrl } from './local-admin';

describe('server building blocks', () => {
  it("makes password verifiers in the desk's exact format (NFKC, scrypt parameters in the string)", async () => {
    const salt = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    // A fixed vector (checked with the desk's verifyPassword): the desks check these offline, so a change
    // to the format in src-shared/passwords.ts or to either side's scrypt call must keep it valid.
    const expected = 'scrypt$10$8$1$AAECAwQFBgcICQoLDA0ODw==$M351IwJnGhSGywasycu+2SgC5/eD5nJbM/KsxtqaULo=';
    expect(await hashPassword('Ａdmin pass ₹42', { log2N: 10, r: 8, p: 1 }, salt)).toBe(expected);
    expect(await hashPassword('Admin pass ₹42', { log2N: 10, r: 8, p: 1 }, salt)).toBe(expected);
    expect(await hashPassword('admin pass ₹42', { log2N: 10, r: 8, p: 1 }, salt)).not.toBe(expected);
  });

  it('makes enrolment codes people can type, and reads them forgivingly', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newEnrolmentCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(normalizeEnrolmentCode(code)).toBe(code.replace(/-/g, ''));
    }
    expect(normalizeEnrolmentCode(' k7mo-1lI2 ab3c ')).toBe('K7M01112AB3C');
    expect(normalizeEnrolmentCode('K7M0-1112-AB3')).toBeNull();
    expect(normalizeEnrolmentCode('K7M0-1112-AB3U')).toBeNull();
  });

  it('makes device credentials of 256 random bits and hashes secrets', () => {
    const a = newDeviceCredential();
    expect(looksLikeDeviceCredential(a)).toBe(true);
    expect(a).not.toBe(newDeviceCredential());
    expect(looksLikeDeviceCredential('cdd_short')).toBe(false);
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('throttles after the allowed failures and forgives once the window has passed', () => {
    const t = new FailureThrottle({ maxFailures: 2, windowMs: 1000 });
    expect(t.waitMs('1.2.3.4', 0)).toBe(0);
    t.fail('1.2.3.4', 0);
    expect(t.waitMs('1.2.3.4', 10)).toBe(0);
    t.fail('1.2.3.4', 100);
    expect(t.waitMs('1.2.3.4', 200)).toBe(800);
    expect(t.waitMs('5.6.7.8', 200)).toBe(0);
    expect(t.waitMs('1.2.3.4', 1000)).toBe(0);
    t.fail('1.2.3.4', 1000);
    expect(t.waitMs('1.2.3.4', 1001)).toBe(0);
  });

  it('reads durations, backends and URLs without leaking passwords', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('soon')).toBeNull();
    expect(backendFrom({ DATABASE_URL: 'postgres://u:p@h/db' }, '/x')).toEqual({ kind: 'postgres', url: 'postgres://u:p@h/db' });
    expect(backendFrom({ CLINICDESK_SERVER_DATA_DIR: '/srv/cd' }, undefined)).toEqual({ kind: 'pglite', dataDir: '/srv/cd' });
    expect(backendFrom({}, '/data/here')).toEqual({ kind: 'pglite', dataDir: '/data/here' });
    expect(describeUrl('postgres://clinic:s3cret@db.local:6543/central')).toBe('db.local:6543/central');
    expect(loopbackUrl('0.0.0.0', 8787)).toBe('http://127.0.0.1:8787');
    expect(loopbackUrl('192.168.1.10', 8787)).toBeNull();
  });
});
