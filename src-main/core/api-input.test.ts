import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METHOD_NAMES, type MethodName } from '../../src-shared/api/contract';
import { API_ERROR_CODES } from '../../src-shared/errors';
import { can } from '../../src-shared/permissions';
import { addStaff, captureLogger, openTestDesk, PATIENT, type TestDesk } from '../../tests/helpers';

/**
 * Every ClinicApi method refuses malformed input with a typed, readable error — and neither the
 * error nor any log line repeats what was typed (names, phone numbers, free text).
 */
const SECRET_NAME = 'Zorawar Qureshi-Thakkar';
const SECRET_MOBILE = '9812398123';
const SECRET_TEXT = 'complains of chest pain since Tuesday';

/** Bad inputs for each method, with the field each must be refused on. */
const BAD: Record<MethodName, Array<[unknown, string]>> = {
  'setup.status': [[{ extra: SECRET_TEXT }, '_']],
  'setup.createClinic': [
    [{ clinic: {}, admin: {} }, 'clinic.legalName'],
    [{ clinic: { legalName: SECRET_NAME, addressLine: 'x', city: 'Pune', stateCode: '27', pincode: '011001' }, admin: { displayName: SECRET_NAME, username: 'a', password: 'short' } }, 'clinic.pincode'],
    [{ clinic: { legalName: 'Clinic', addressLine: 'Road 1', city: 'Pune', stateCode: '27', pincode: '411001', gstin: '27AAPFU0939F1ZW' }, admin: { displayName: 'Asha', username: 'asha', password: 'long enough' } }, 'clinic.gstin'],
    [{ clinic: { legalName: 'Clinic', addressLine: 'Road 1', city: 'Pune', stateCode: '29', pincode: '411001', gstin: '27AAPFU0939F1ZV' }, admin: { displayName: 'Asha', username: 'asha', password: 'long enough' } }, 'clinic.gstin'],
  ],
  'auth.signIn': [
    [{ username: SECRET_NAME, password: 'x' }, 'username'],
    [{ username: 'asha' }, 'password'],
  ],
  'auth.session': [[{ token: SECRET_TEXT }, '_']],
  'auth.unlock': [[{ password: 42 }, 'password']],
  'auth.lock': [[[], '_']],
  'auth.signOut': [['now', '_']],
  'auth.changePassword': [[{ currentPassword: 'x', newPassword: 'short' }, 'newPassword']],
  'clinic.get': [[{ id: 1 }, '_']],
  'clinic.update': [
    [{ legalName: SECRET_NAME, addressLine: 'Road 1', city: 'Pune', stateCode: '27', pincode: '411001', idleLockMinutes: 0 }, 'idleLockMinutes'],
    [{ legalName: 'Clinic', addressLine: 'Road 1', city: 'Pune', stateCode: '99', pincode: '411001', idleLockMinutes: 10 }, 'stateCode'],
  ],
  'staff.list': [[{ includeInactive: 'yes' }, 'includeInactive']],
  'staff.create': [
    [{ displayName: SECRET_NAME, username: 'x', role: 'front_desk', password: 'password123' }, 'username'],
    [{ displayName: SECRET_NAME, username: 'farah', role: 'superuser', password: 'password123' }, 'role'],
    [{ displayName: SECRET_NAME, username: 'farah', role: 'pharmacy', password: 'password123' }, 'role'],
    [{ displayName: '1234', username: 'farah', role: 'doctor', password: 'password123' }, 'displayName'],
  ],
  'staff.update': [[{ id: 'not-an-id', displayName: SECRET_NAME }, 'id']],
  'staff.setActive': [[{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', active: 'no' }, 'active']],
  'staff.resetPassword': [[{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', newPassword: '1234' }, 'newPassword']],
  'patients.search': [
    [{ query: 42 }, 'query'],
    [{ query: SECRET_TEXT.repeat(5) }, 'query'],
    [{ query: 'ram', limit: 10_000 }, 'limit'],
  ],
  'patients.get': [[{ id: SECRET_MOBILE }, 'id']],
  'patients.findDuplicates': [[{ fullName: SECRET_NAME, mobile: '12345' }, 'mobile']],
  'patients.register': [
    [{ patient: { ...PATIENT, fullName: 'R' } }, 'patient.fullName'],
    [{ patient: { ...PATIENT, fullName: `${SECRET_NAME} 007` } }, 'patient.fullName'],
    [{ patient: { ...PATIENT, mobile: '5812398123' } }, 'patient.mobile'],
    [{ patient: { ...PATIENT, mobile: SECRET_MOBILE + '9' } }, 'patient.mobile'],
    [{ patient: { ...PATIENT, sex: 'unknown' } }, 'patient.sex'],
    [{ patient: { ...PATIENT, dateOfBirth: '2026-02-30' } }, 'patient.dateOfBirth'],
    [{ patient: { ...PATIENT, dateOfBirth: '2999-01-01' } }, 'patient.dateOfBirth'],
    [{ patient: { ...PATIENT, dateOfBirth: null, ageYears: 131 } }, 'patient.ageYears'],
    [{ patient: { ...PATIENT, dateOfBirth: null, ageYears: 4.5 } }, 'patient.ageYears'],
    [{ patient: { ...PATIENT, email: 'ramesh@' } }, 'patient.email'],
    [{ patient: { ...PATIENT, pincode: '56004' } }, 'patient.pincode'],
    [{ patient: { ...PATIENT, stateCode: '00' } }, 'patient.stateCode'],
    [{ patient: { ...PATIENT, abhaNumber: '1234' } }, 'patient.abhaNumber'],
    [{ patient: { ...PATIENT, emergencyPhone: '12345' } }, 'patient.emergencyPhone'],
    [{ patient: { ...PATIENT, consentMessages: 'yes' } }, 'patient.consentMessages'],
    [{ patient: { ...PATIENT, addressLine: SECRET_TEXT.repeat(20) } }, 'patient.addressLine'],
    [{}, 'patient'],
  ],
  'patients.update': [
    [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', changes: { mobile: SECRET_MOBILE.slice(0, 5) } }, 'changes.mobile'],
    [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', changes: { passwordHash: SECRET_TEXT } }, 'changes.passwordHash'],
    [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', changes: { dateOfBirth: null } }, 'changes.dateOfBirth'],
    [{ id: 7, changes: {} }, 'id'],
  ],
  'patients.history': [[{ id: null }, 'id']],
  'doctors.list': [[{ includeInactive: 'all' }, 'includeInactive']],
  'doctors.saveProfile': [
    [{ staffId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', specialty: 'GP', registrationNumber: 'MMC-1', consultationFeePaise: -5, room: '' }, 'consultationFeePaise'],
    [{ staffId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', specialty: 'G', registrationNumber: 'MMC-1', consultationFeePaise: 500 }, 'specialty'],
  ],
  'schedules.get': [[{ doctorId: SECRET_NAME }, 'doctorId']],
  'schedules.setWeekly': [
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', sessions: [{ weekday: 8, startMinutes: 540, endMinutes: 600, slotMinutes: 15 }] }, 'sessions.0.weekday'],
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', sessions: [{ weekday: 1, startMinutes: 600, endMinutes: 540, slotMinutes: 15 }] }, 'sessions.0.endMinutes'],
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', sessions: [{ weekday: 1, startMinutes: 540, endMinutes: 600, slotMinutes: 2 }] }, 'sessions.0.slotMinutes'],
  ],
  'schedules.addException': [
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', date: '2026-11-31', kind: 'leave' }, 'date'],
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', date: '2026-11-30', kind: 'extra' }, 'startMinutes'],
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', date: '2026-11-30', kind: 'holiday', reason: SECRET_TEXT }, 'kind'],
  ],
  'schedules.removeException': [[{ id: 42 }, 'id']],
  'holidays.list': [[{ year: 1999 }, 'year']],
  'holidays.add': [[{ date: 'tomorrow', name: 'Diwali' }, 'date']],
  'holidays.remove': [[{}, 'id']],
  'appointments.day': [[{ date: '25-11-2026' }, 'date']],
  'appointments.week': [[{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', weekStart: '2026-13-01' }, 'weekStart']],
  'appointments.get': [[{ id: SECRET_MOBILE }, 'id']],
  'appointments.queue': [[{ doctorId: 'dr-rao' }, 'doctorId']],
  'appointments.book': [
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', date: '2026-11-30', startMinutes: 1500 }, 'startMinutes'],
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', date: '2026-11-30', startMinutes: 600, type: 'surgery' }, 'type'],
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', date: '2026-11-30', startMinutes: 600, mode: 'hold', holdMinutes: 0 }, 'holdMinutes'],
    [{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', date: '2026-11-30', startMinutes: 600, deskNotes: SECRET_TEXT.repeat(20) }, 'deskNotes'],
  ],
  'appointments.walkIn': [[{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', patientId: SECRET_NAME }, 'patientId']],
  'appointments.transition': [
    [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', event: 'appointment.teleport' }, 'event'],
    [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', event: 'appointment.cancel', reason: SECRET_TEXT.repeat(10) }, 'reason'],
  ],
  'appointments.reschedule': [[{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', date: '2026-11-30', startMinutes: -15 }, 'startMinutes']],
  'sync.join': [
    [{ serverUrl: '', code: 'ABCD-EFGH', deviceName: 'Front desk' }, 'serverUrl'],
    [{ serverUrl: '192.168.1.10:8787', code: '', deviceName: 'Front desk' }, 'code'],
    [{ serverUrl: '192.168.1.10:8787', code: 'ABCD-EFGH', deviceName: SECRET_TEXT.repeat(3) }, 'deviceName'],
  ],
  'sync.connect': [
    [{ serverUrl: 'not a url at all', code: 'ABCD-EFGH', deviceName: 'Front desk' }, 'serverUrl'],
    [{ serverUrl: '192.168.1.10:8787', code: ' ', deviceName: 'Front desk' }, 'code'],
    [{ serverUrl: '192.168.1.10:8787', code: 'ABCD-EFGH', deviceName: '' }, 'deviceName'],
  ],
  'sync.status': [[{ extra: SECRET_TEXT }, '_']],
  'inbox.list': [[{ include: 'everything' }, 'include']],
  'inbox.resolve': [
    [{ id: SECRET_NAME, action: 'discard' }, 'id'],
    [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', action: 'shred' }, 'action'],
  ],
  'billing.taxProfile': [[{ extra: SECRET_TEXT }, '_']],
  'billing.saveTaxProfile': [
    [{ legalName: SECRET_NAME, addressLine: 'Road 1', city: 'Pune', stateCode: '27', pincode: '411001', gstin: '27AAPFU0939F1ZW', signatory: 'Asha' }, 'gstin'],
    [{ legalName: 'Clinic', addressLine: 'Road 1', city: 'Pune', stateCode: '27', pincode: '411001', signatory: 'Asha', rounding: 'up' }, 'rounding'],
  ],
  'catalogue.list': [[{ includeInactive: 'yes' }, 'includeInactive']],
  'catalogue.save': [
    [{ code: 'X', name: SECRET_NAME, kind: 'service', sacHsn: '99', unit: 'nos', pricePaise: 100, rateBp: 1800, rateEffectiveFrom: '2026-04-01' }, 'sacHsn'],
    [{ code: 'X', name: 'Dressing', kind: 'goods', sacHsn: '3005', unit: 'nos', pricePaise: 1.5, rateBp: 1800, rateEffectiveFrom: '2026-04-01' }, 'pricePaise'],
    [{ code: 'X', name: 'Dressing', kind: 'goods', sacHsn: '3005', unit: 'nos', pricePaise: 100, rateBp: 12000, rateEffectiveFrom: '2026-04-01' }, 'rateBp'],
  ],
  'invoices.list': [[{ status: 'lost' }, 'status']],
  'invoices.get': [[{ id: SECRET_NAME }, 'id']],
  'invoices.draftForVisit': [[{ appointmentId: 'x' }, 'appointmentId']],
  'invoices.toBill': [[{ date: '2026-13-01' }, 'date']],
  'invoices.saveDraft': [
    [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', recipient: { name: SECRET_NAME }, lines: [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7070', description: SECRET_TEXT, quantityMilli: 0, unitPricePaise: 100, exempt: true }] }, 'lines.0.quantityMilli'],
    [{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', recipient: { name: SECRET_NAME, gstin: 'NOTAGSTIN' }, lines: [] }, 'recipient.gstin'],
  ],
  'invoices.discard': [[{ id: 7 }, 'id']],
  'invoices.issue': [[{}, 'id']],
  'invoices.creditNote': [[{ invoiceId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', reason: 'x' }, 'reason']],
  'invoices.approveDiscount': [[{ username: SECRET_NAME, password: 'x' }, 'username']],
  'payments.record': [
    [{ invoiceId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', mode: 'cash', amountPaise: 0 }, 'amountPaise'],
    [{ invoiceId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', mode: 'cheque', amountPaise: 100 }, 'mode'],
  ],
  'payments.advance': [[{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', mode: 'advance', amountPaise: 100 }, 'mode']],
  'payments.startOnline': [[{ invoiceId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', amountPaise: 100, via: 'cheque' }, 'via']],
  'payments.checkOnline': [[{ invoiceId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', reference: SECRET_TEXT }, 'reference']],
  'payments.sendRefund': [[{ creditNoteId: 12 }, 'creditNoteId']],
  'dayClosing.get': [[{ businessDate: '2026-02-30' }, 'businessDate']],
  'dayClosing.close': [[{ businessDate: '2026-11-25', counted: { cash: 10.5, card: 0, upi: 0, online: 0 }, reason: SECRET_TEXT }, 'counted.cash']],
  'gst.summary': [[{ month: '2026-13' }, 'month']],
  'consult.visit': [[{ appointmentId: SECRET_TEXT }, 'appointmentId']],
  'consult.history': [[{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', kinds: ['gossip'] }, 'kinds.0']],
  'consult.searchDiagnoses': [[{ query: '' }, 'query']],
  'consult.templates': [[{ extra: SECRET_TEXT }, '_']],
  'consult.saveTemplate': [[{ kind: 'template', name: '', body: { subjective: SECRET_TEXT } }, 'name']],
  'consult.removeTemplate': [[{ id: 7 }, 'id']],
  'notes.save': [
    [{ appointmentId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', subjective: SECRET_TEXT, vitals: { temperatureC: 60 } }, 'vitals.temperatureC'],
    [{ appointmentId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', subjective: SECRET_TEXT, diagnoses: [{ code: 'chest pain', title: SECRET_TEXT }] }, 'diagnoses.0.code'],
  ],
  'notes.sign': [[{ noteId: SECRET_TEXT }, 'noteId']],
  'notes.discard': [[{}, 'noteId']],
  'prescriptions.save': [
    [{ kind: 'medication', appointmentId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', items: [{ generic: SECRET_NAME, dose: '1 tab', frequency: '1-0-1', durationValue: 0 }] }, 'items.0.durationValue'],
    [{ kind: 'diet', appointmentId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', items: [{ meal: '', advice: SECRET_TEXT }] }, 'items.0.meal'],
  ],
  'prescriptions.revise': [[{ prescriptionId: 'x' }, 'prescriptionId']],
  'prescriptions.sign': [[{ prescriptionId: 'x' }, 'prescriptionId']],
  'prescriptions.last': [[{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', kind: 'herbal' }, 'kind']],
  'prescriptions.print': [[{ prescriptionId: SECRET_TEXT }, 'prescriptionId']],
  'allergies.save': [[{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', substance: 'P', severity: 'mild' }, 'substance']],
  'allergies.remove': [[{ id: SECRET_TEXT }, 'id']],
  'labs.order': [[{ appointmentId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', tests: [] }, 'tests']],
  'labs.enterResult': [
    [{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', test: { name: 'HbA1c', refLow: 'four' }, value: '7.1', collectedOn: '2026-11-20' }, 'test.refLow'],
    [{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', test: { name: 'HbA1c', refLow: '6', refHigh: '4' }, value: '7.1', collectedOn: '2026-11-20' }, 'test.refHigh'],
  ],
  'labs.list': [[{ patientId: 5 }, 'patientId']],
  'labs.trend': [[{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', testName: '' }, 'testName']],
  'covers.list': [[{ extra: SECRET_TEXT }, '_']],
  'covers.set': [[{ doctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', coveringDoctorId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', fromDate: '2026-11-25', toDate: '2026-11-20' }, 'toDate']],
  'documents.attach': [
    [{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', title: 'Lipid profile', mimeType: 'application/x-msdownload', dataBase64: 'JVBERi0xLjQK' }, 'mimeType'],
    [{ patientId: '01a21432-6880-75c5-ba82-8ba2e7ee7069', title: 'Lipid profile', mimeType: 'application/pdf', dataBase64: 'not base64 at all!' }, 'dataBase64'],
  ],
  'documents.list': [[{ patientId: SECRET_TEXT }, 'patientId']],
  'documents.open': [[{ id: 3 }, 'id']],
  'tasks.list': [[{ status: 'someday' }, 'status']],
  'tasks.close': [[{ id: '01a21432-6880-75c5-ba82-8ba2e7ee7069', outcome: 'forgotten' }, 'outcome']],
  'devices.list': [[{ extra: SECRET_TEXT }, '_']],
  'devices.revoke': [[{ id: SECRET_TEXT }, 'id']],
  'devices.createEnrolmentCode': [
    [{ expiresInHours: 0 }, 'expiresInHours'],
    [{ stationRole: 'pharmacy' }, 'stationRole'],
  ],
};

let desk: TestDesk;
/** Clinical writes are a doctor's (an administrator may not call them): their inputs are tried as a doctor. */
let doctorToken: string;
const logs = captureLogger();
beforeAll(async () => {
  desk = await openTestDesk({ logger: logs });
  doctorToken = await addStaff(desk, 'doctor', 'drinput');
});
afterAll(async () => desk.close());

function assertNoEcho(text: string) {
  for (const secret of [SECRET_NAME, 'Zorawar', 'Qureshi', SECRET_MOBILE, '98123', SECRET_TEXT, 'chest pain']) {
    expect(text).not.toContain(secret);
  }
}

describe('malformed input is refused with a typed, readable error', () => {
  it('the table covers every ClinicApi method', () => {
    expect(Object.keys(BAD).sort()).toEqual([...METHOD_NAMES].sort());
  });

  for (const method of METHOD_NAMES) {
    it.each(BAD[method].map(([input, field], i) => ({ i, input, field })))(`${method} #$i → $field`, async ({ input, field }) => {
      const r = await desk.core.call(method, input, { token: can('admin', method) ? desk.adminToken : doctorToken });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('validation');
      expect(Object.keys(r.error.fields ?? {})).toContain(field);
      expect(r.error.message.length).toBeGreaterThan(10);
      expect(r.error.message).not.toMatch(/Invalid input|expected|received|ZodError|undefined|NaN|\[object/);
      for (const m of Object.values(r.error.fields ?? {})) expect(m).toMatch(/^[A-Z].*[.…]$/);
      assertNoEcho(JSON.stringify(r.error));
    });
  }

  it('whatever arrives, every method answers with a result or a typed error and never throws', async () => {
    const names = fc.constantFrom(...METHOD_NAMES.filter((m) => !['setup.createClinic', 'auth.signOut', 'auth.lock', 'staff.setActive', 'staff.update', 'staff.resetPassword'].includes(m)));
    await fc.assert(
      fc.asyncProperty(names, fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true }), async (method, input) => {
        const r = await desk.core.call(method, input, { token: desk.adminToken });
        if (!r.ok) {
          expect(API_ERROR_CODES).toContain(r.error.code);
          expect(r.error.code).not.toBe('internal');
          expect(r.error.message.length).toBeGreaterThan(5);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('unknown methods are refused in plain words', async () => {
    const r = await desk.core.call('patients.deleteAll', {}, { token: desk.adminToken });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('no log line carries what was typed', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    assertNoEcho(logs.lines.join('\n'));
  });
});
