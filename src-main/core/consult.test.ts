import { afterEach, describe, expect, it } from 'vitest';
import { addStaff, CLINIC, openTestDesk, PATIENT, type TestDesk } from '../../tests/helpers';
import { contentHash } from '../../src-shared/clinical/hash';

/**
 * The consult room on one desk (issue 7): a doctor writes, signs and can then change nothing but by an
 * addendum or a new version; who may sign; allergies, labs, and what each role may read.
 */
const desks: TestDesk[] = [];
afterEach(async () => {
  while (desks.length) await desks.pop()!.close();
});

async function consultRoom() {
  const state = { now: new Date('2026-11-25T04:30:00.000Z').getTime() }; // 10:00 in Kolkata
  const d = await openTestDesk({ clock: () => new Date(state.now) });
  desks.push(d);
  await d.call('clinic.update', { ...CLINIC, idleLockMinutes: 240 });
  const frontDesk = await addStaff(d, 'front_desk', 'farah');
  const accounts = await addStaff(d, 'accounts', 'anita');
  const drRao = await addStaff(d, 'doctor', 'drrao');
  const drSen = await addStaff(d, 'doctor', 'drsen');
  const staff = await d.call('staff.list', { includeInactive: false });
  const raoId = staff.find((s) => s.username === 'drrao')!.id;
  const senId = staff.find((s) => s.username === 'drsen')!.id;
  await d.call('doctors.saveProfile', { staffId: raoId, specialty: 'General medicine', registrationNumber: 'MMC-2019-04567', consultationFeePaise: 50000, room: 'Room 2' });
  await d.call('schedules.setWeekly', { doctorId: raoId, sessions: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinutes: 540, endMinutes: 780, slotMinutes: 15, capacity: 1 })) });
  const patientId = (await d.call('patients.register', { patient: { ...PATIENT, abhaNumber: '' } }, frontDesk)).id;
  const visit = async (startMinutes = 600, date = '2026-11-25') => {
    const booked = await d.call('appointments.book', { doctorId: raoId, patientId, date, startMinutes, type: 'new' }, frontDesk);
    await d.call('appointments.transition', { id: booked.id, event: 'appointment.checkIn' }, frontDesk);
    return booked.id;
  };
  return { d, state, frontDesk, accounts, drRao, drSen, raoId, senId, patientId, visit };
}

const SOAP = {
  subjective: 'Fever for three days, dry cough.',
  objective: 'Throat congested, chest clear.',
  assessment: 'Viral upper respiratory infection.',
  plan: 'Paracetamol, fluids, review in 5 days.',
};

const DRUGS = [
  { generic: 'Paracetamol', brand: 'Dolo 650', strength: '650 mg', form: 'tablet', dose: '1 tablet', frequency: '1-0-1', durationValue: 5, quantity: 10, timing: 'after_food' as const },
  { generic: 'Cetirizine', brand: null, strength: '10 mg', form: 'tablet', dose: '1 tablet', frequency: '0-0-1', durationValue: 5, quantity: 5, timing: 'after_food' as const },
];

describe('writing and signing a note', () => {
  it('a draft is saved (and saved again), then signed with a content hash; the visit’s prescription is signed with it', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const first = await c.d.call('notes.save', { appointmentId: visit, subjective: 'Fever' }, c.drRao);
    expect(first).toMatchObject({ status: 'draft', kind: 'note', subjective: 'Fever', allowed: expect.arrayContaining(['note.save', 'note.sign']) });
    const second = await c.d.call(
      'notes.save',
      { noteId: first.id, appointmentId: visit, ...SOAP, vitals: { bpSystolic: 150, bpDiastolic: 95, temperatureC: 38.4, weightKg: 72, heightCm: 170 }, diagnoses: [{ code: 'J06.9', title: 'Acute upper respiratory infection, unspecified' }] },
      c.drRao,
    );
    expect(second).toMatchObject({ id: first.id, ...SOAP, diagnoses: [{ code: 'J06.9' }], vitals: { bpSystolic: 150, temperatureC: 38.4 } });
    const rx = await c.d.call('prescriptions.save', { kind: 'medication', appointmentId: visit, items: DRUGS }, c.drRao);
    expect(rx).toMatchObject({ status: 'draft', version: 1, items: [{ generic: 'Paracetamol' }, { generic: 'Cetirizine' }] });

    c.state.now += 60_000;
    const signed = await c.d.call('notes.sign', { noteId: first.id }, c.drRao);
    expect(signed.note).toMatchObject({ status: 'signed', signedByName: 'Test doctor', signedAt: '2026-11-25T04:31:00.000Z', allowed: ['note.addendum'] });
    expect(signed.note!.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(signed.prescriptions).toEqual([expect.objectContaining({ id: rx.id, status: 'signed', noteId: first.id, contentHash: expect.stringMatching(/^sha256:/) })]);

    // The hash is of what was signed: recomputed from the stored content it matches; any edit would not.
    const n = signed.note!;
    const recomputed = contentHash({
      id: n.id,
      kind: 'note',
      parent_id: null,
      patient_id: c.patientId,
      appointment_id: visit,
      doctor_id: c.raoId,
      author_id: n.authorId,
      ...SOAP,
      vitals: n.vitals,
      diagnoses: n.diagnoses,
      follow_up_date: null,
      signed_by: n.signedBy,
      signed_at: n.signedAt,
    });
    expect(recomputed).toBe(n.contentHash);
    expect(contentHash({ ...JSON.parse(JSON.stringify(n)), subjective: 'changed' })).not.toBe(n.contentHash);
  });

  it('a signed note cannot be changed through the ClinicApi: only an addendum, itself draft → signed', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const note = await c.d.call('notes.save', { appointmentId: visit, ...SOAP }, c.drRao);
    await c.d.call('notes.sign', { noteId: note.id }, c.drRao);

    const edit = await c.d.fail('notes.save', { noteId: note.id, appointmentId: visit, ...SOAP, plan: 'Antibiotics' }, c.drRao);
    expect(edit).toMatchObject({ code: 'conflict', message: expect.stringMatching(/signed.*addendum/i) });
    expect(await c.d.fail('notes.sign', { noteId: note.id }, c.drRao)).toMatchObject({ code: 'conflict' });
    expect(await c.d.fail('notes.discard', { noteId: note.id }, c.drRao)).toMatchObject({ code: 'conflict' });
    // Writing a second note for the visit instead is refused too.
    expect(await c.d.fail('notes.save', { appointmentId: visit, ...SOAP }, c.drRao)).toMatchObject({ code: 'conflict', reason: 'note_exists' });

    const addendum = await c.d.call('notes.save', { appointmentId: visit, parentId: note.id, plan: 'Culture report awaited; review with report.' }, c.drRao);
    expect(addendum).toMatchObject({ kind: 'addendum', parentId: note.id, status: 'draft' });
    await c.d.call('notes.sign', { noteId: addendum.id }, c.drRao);
    const after = await c.d.call('consult.visit', { appointmentId: visit }, c.drRao);
    expect(after.note).toMatchObject({ id: note.id, plan: SOAP.plan, status: 'signed' });
    expect(after.addenda).toEqual([expect.objectContaining({ id: addendum.id, status: 'signed' })]);
  });

  it('only the treating doctor signs — or a covering doctor an administrator named; front desk and accounts cannot even read', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const refused = await c.d.fail('notes.save', { appointmentId: visit, ...SOAP }, c.drSen);
    expect(refused).toMatchObject({ code: 'conflict', message: expect.stringMatching(/treating doctor or a covering doctor/) });
    const note = await c.d.call('notes.save', { appointmentId: visit, ...SOAP }, c.drRao);
    expect(await c.d.fail('notes.sign', { noteId: note.id }, c.drSen)).toMatchObject({ code: 'conflict' });
    expect((await c.d.call('consult.visit', { appointmentId: visit }, c.drSen)).canWrite).toBe(false);

    await c.d.call('covers.set', { doctorId: c.raoId, coveringDoctorId: c.senId, fromDate: '2026-11-25', toDate: '2026-11-26' });
    expect((await c.d.call('consult.visit', { appointmentId: visit }, c.drSen)).canWrite).toBe(true);
    const signed = await c.d.call('notes.sign', { noteId: note.id }, c.drSen);
    expect(signed.note).toMatchObject({ status: 'signed', signedBy: c.senId });

    // An administrator may read but not write; front desk and accounts reach nothing clinical.
    expect(await c.d.fail('notes.save', { appointmentId: visit, ...SOAP })).toMatchObject({ code: 'permission' });
    expect((await c.d.call('consult.visit', { appointmentId: visit })).note?.subjective).toBe(SOAP.subjective);
    for (const token of [c.frontDesk, c.accounts]) {
      for (const [method, input] of [
        ['consult.visit', { appointmentId: visit }],
        ['labs.list', { patientId: c.patientId }],
        ['labs.trend', { patientId: c.patientId, testName: 'HbA1c' }],
        ['prescriptions.last', { patientId: c.patientId }],
        ['consult.searchDiagnoses', { query: 'fever' }],
        ['notes.save', { appointmentId: visit, ...SOAP }],
      ] as const) {
        expect(await c.d.fail(method, input, token)).toMatchObject({ code: 'permission' });
      }
    }
  });

  it('a note can be written only for a visit: the patient must be checked in', async () => {
    const c = await consultRoom();
    const booked = await c.d.call('appointments.book', { doctorId: c.raoId, patientId: c.patientId, date: '2026-11-25', startMinutes: 660, type: 'new' }, c.frontDesk);
    expect(await c.d.fail('notes.save', { appointmentId: booked.id, ...SOAP }, c.drRao)).toMatchObject({ code: 'conflict', message: expect.stringMatching(/checked in/) });
  });

  it('impossible vitals are refused with the field named; unusual ones are kept (and flagged on screen)', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const bad = await c.d.fail('notes.save', { appointmentId: visit, vitals: { temperatureC: 61 } }, c.drRao);
    expect(bad).toMatchObject({ code: 'validation', fields: { 'vitals.temperatureC': expect.stringMatching(/Temperature/) } });
    const ok = await c.d.call('notes.save', { appointmentId: visit, vitals: { pulse: 130, spo2: 89 } }, c.drRao);
    expect(ok.vitals).toEqual({ pulse: 130, spo2: 89 });
  });
});

describe('prescriptions', () => {
  it('a change after signing is a new version that references the old; the signed one stays as it was', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const note = await c.d.call('notes.save', { appointmentId: visit, ...SOAP }, c.drRao);
    const v1 = await c.d.call('prescriptions.save', { kind: 'medication', appointmentId: visit, items: DRUGS }, c.drRao);
    await c.d.call('notes.sign', { noteId: note.id }, c.drRao);
    expect(await c.d.fail('prescriptions.save', { kind: 'medication', prescriptionId: v1.id, appointmentId: visit, items: DRUGS.slice(0, 1) }, c.drRao)).toMatchObject({ code: 'conflict' });

    const v2 = await c.d.call('prescriptions.revise', { prescriptionId: v1.id }, c.drRao);
    expect(v2).toMatchObject({ version: 2, supersedesId: v1.id, status: 'draft', items: v1.items });
    await c.d.call('prescriptions.save', { kind: 'medication', prescriptionId: v2.id, appointmentId: visit, items: DRUGS.slice(0, 1) }, c.drRao);
    const signed = await c.d.call('prescriptions.sign', { prescriptionId: v2.id }, c.drRao);
    expect(signed).toMatchObject({ status: 'signed', version: 2, items: [{ generic: 'Paracetamol' }] });
    const visitNow = await c.d.call('consult.visit', { appointmentId: visit }, c.drRao);
    expect(visitNow.prescriptions.find((p) => p.id === v1.id)).toMatchObject({ status: 'signed', items: [{ generic: 'Paracetamol' }, { generic: 'Cetirizine' }] });
    // Repeat last prescription finds the newest signed one.
    expect((await c.d.call('prescriptions.last', { patientId: c.patientId }, c.drRao)).prescription).toMatchObject({ id: v2.id });
  });

  it('warns when a prescribed drug matches a recorded allergy', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    await c.d.call('allergies.save', { patientId: c.patientId, substance: 'Penicillin', reaction: 'Hives', severity: 'severe' }, c.drRao);
    const rx = await c.d.call('prescriptions.save', { kind: 'medication', appointmentId: visit, items: [{ ...DRUGS[0]!, generic: 'Amoxicillin', brand: 'Novamox', strength: '500 mg', form: 'capsule', frequency: '1-1-1' }, DRUGS[1]!] }, c.drRao);
    expect(rx.allergyWarnings).toEqual([{ drug: 'Amoxicillin (Novamox)', substance: 'Penicillin', severity: 'severe' }]);
  });

  it('the print carries the letterhead, the doctor’s name and registration number, and every drug', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const rx = await c.d.call('prescriptions.save', { kind: 'medication', appointmentId: visit, items: DRUGS, printHindi: true }, c.drRao);
    const print = await c.d.call('prescriptions.print', { prescriptionId: rx.id }, c.drRao);
    expect(print).toMatchObject({
      clinic: { name: expect.any(String), city: CLINIC.city },
      doctor: { name: 'Test doctor', registrationNumber: 'MMC-2019-04567' },
      patient: { fullName: PATIENT.fullName, sex: 'male', age: '45 y' },
      prescription: { printHindi: true, items: [{ generic: 'Paracetamol' }, { generic: 'Cetirizine' }] },
    });
  });
});

describe('lab results', () => {
  it('orders a test, enters the result with its flag computed, and shows a trend with significant changes', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const [ordered] = await c.d.call('labs.order', { appointmentId: visit, tests: [{ name: 'HbA1c', unit: '%', refLow: '4.0', refHigh: '5.6' }] }, c.drRao);
    expect(ordered).toMatchObject({ status: 'ordered', value: null });
    const result = await c.d.call('labs.enterResult', { labId: ordered!.id, patientId: c.patientId, appointmentId: visit, test: { name: 'HbA1c', unit: '%', refLow: '4.0', refHigh: '5.6' }, value: '7.2', collectedOn: '2026-11-24' }, c.drRao);
    expect(result).toMatchObject({ id: ordered!.id, status: 'resulted', abnormal: 'high' });
    expect(await c.d.fail('labs.enterResult', { labId: ordered!.id, patientId: c.patientId, test: { name: 'HbA1c' }, value: '6.0', collectedOn: '2026-11-24' }, c.drRao)).toMatchObject({ code: 'conflict' });

    const values = ['5.4', '5.5', '5.5', '6.8', '6.9', '7.0', '7.0', '7.1', '8.9'];
    for (const [i, value] of values.entries()) {
      await c.d.call('labs.enterResult', { patientId: c.patientId, test: { name: 'HbA1c', unit: '%', refLow: '4.0', refHigh: '5.6' }, value, collectedOn: `2025-${String(i + 1).padStart(2, '0')}-15` }, c.drRao);
    }
    const trend = await c.d.call('labs.trend', { patientId: c.patientId, testName: 'HbA1c' }, c.drRao);
    expect(trend.points).toHaveLength(10);
    expect(trend).toMatchObject({ unit: '%', refLow: 4, refHigh: 5.6, refLowText: '4.0', refHighText: '5.6' });
    expect(trend.points.map((p) => p.date)).toEqual([...trend.points.map((p) => p.date)].sort());
    // 5.5 → 6.8 crosses out of the band (and rises 24 %); 7.1 → 8.9 rises 25 %; 7.0 → 7.0 is no change.
    const significant = trend.points.filter((p) => p.significant).map((p) => p.value);
    expect(significant).toEqual(expect.arrayContaining([6.8, 8.9]));
    expect(significant).not.toContain(7.1);
  });
});

describe('the patient’s history, by role', () => {
  it('doctors see diagnoses, drugs and values (bills by number only); accounts see bills with amounts; front desk neither', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const note = await c.d.call('notes.save', { appointmentId: visit, ...SOAP, diagnoses: [{ code: 'J06.9', title: 'Acute upper respiratory infection, unspecified' }] }, c.drRao);
    await c.d.call('prescriptions.save', { kind: 'medication', appointmentId: visit, items: DRUGS }, c.drRao);
    await c.d.call('notes.sign', { noteId: note.id }, c.drRao);
    await c.d.call('labs.enterResult', { patientId: c.patientId, test: { name: 'HbA1c', unit: '%', refLow: '4.0', refHigh: '5.6' }, value: '7.2', collectedOn: '2026-11-20' }, c.drRao);
    const bill = await c.d.call('invoices.draftForVisit', { appointmentId: visit }, c.accounts);
    const issued = await c.d.call('invoices.issue', { id: bill.id }, c.accounts);

    const doctor = await c.d.call('consult.history', { patientId: c.patientId }, c.drRao);
    expect(doctor.map((e) => e.kind).sort()).toEqual(['invoice', 'lab', 'prescription', 'visit']);
    expect(doctor.find((e) => e.kind === 'visit')).toMatchObject({ details: ['J06.9 Acute upper respiratory infection, unspecified'], status: 'note signed' });
    expect(doctor.find((e) => e.kind === 'lab')).toMatchObject({ title: 'HbA1c', details: ['7.2 % (high)'], abnormal: true });
    expect(doctor.find((e) => e.kind === 'invoice')).toMatchObject({ title: `Bill of supply ${issued.number}` });
    expect(doctor.find((e) => e.kind === 'invoice')).not.toHaveProperty('amountPaise');
    expect(doctor[0]!.date >= doctor[doctor.length - 1]!.date).toBe(true);
    expect((await c.d.call('consult.history', { patientId: c.patientId, kinds: ['lab'] }, c.drRao)).map((e) => e.kind)).toEqual(['lab']);
    expect((await c.d.call('consult.history', { patientId: c.patientId, search: 'paracetamol' }, c.drRao)).map((e) => e.kind)).toEqual(['prescription']);

    const accounts = await c.d.call('consult.history', { patientId: c.patientId }, c.accounts);
    expect(accounts.map((e) => e.kind).sort()).toEqual(['invoice', 'visit']);
    expect(accounts.find((e) => e.kind === 'invoice')).toMatchObject({ amountPaise: 50000 });
    const frontDesk = await c.d.call('consult.history', { patientId: c.patientId, kinds: ['lab', 'prescription', 'visit'] }, c.frontDesk);
    expect(frontDesk.map((e) => e.kind)).toEqual(['visit']);
    for (const entries of [accounts, frontDesk]) {
      const text = JSON.stringify(entries);
      for (const secret of ['J06.9', 'respiratory', 'Paracetamol', '7.2', SOAP.subjective, 'note signed']) expect(text).not.toContain(secret);
    }
    expect(JSON.stringify(frontDesk)).not.toContain('50000');
  });
});

describe('templates and quick phrases', () => {
  it('are each doctor’s own', async () => {
    const c = await consultRoom();
    const t = await c.d.call('consult.saveTemplate', { kind: 'template', name: 'URTI', body: { ...SOAP } }, c.drRao);
    await c.d.call('consult.saveTemplate', { kind: 'phrase', name: 'fluids', body: { text: 'Plenty of oral fluids.' } }, c.drRao);
    expect((await c.d.call('consult.templates', {}, c.drRao)).map((x) => x.name)).toEqual(['fluids', 'URTI']);
    expect(await c.d.call('consult.templates', {}, c.drSen)).toEqual([]);
    expect(await c.d.fail('consult.removeTemplate', { id: t.id }, c.drSen)).toMatchObject({ code: 'not_found' });
  });
});

describe('follow-up', () => {
  it('a follow-up date the doctor did not book becomes a task for the front desk, closed when booked', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const note = await c.d.call('notes.save', { appointmentId: visit, ...SOAP, followUpDate: '2026-12-02' }, c.drRao);
    await c.d.call('notes.sign', { noteId: note.id }, c.drRao);
    const [task] = await c.d.call('tasks.list', {}, c.frontDesk);
    expect(task).toMatchObject({ title: 'Book a follow-up with Test doctor on or near 02-12-2026', dueDate: '2026-12-02', status: 'open', patient: { id: c.patientId }, sourceAppointmentId: visit });
    expect(JSON.stringify(task)).not.toContain('respiratory');
    expect(await c.d.fail('tasks.list', {}, c.accounts)).toMatchObject({ code: 'permission' });

    const booked = await c.d.call('appointments.book', { doctorId: c.raoId, patientId: c.patientId, date: '2026-12-02', startMinutes: 600, type: 'follow_up' }, c.frontDesk);
    const closed = await c.d.call('tasks.close', { id: task!.id, appointmentId: booked.id }, c.frontDesk);
    expect(closed).toMatchObject({ status: 'done', appointmentId: booked.id });
    expect(await c.d.call('tasks.list', {}, c.frontDesk)).toEqual([]);
    expect(await c.d.fail('tasks.close', { id: task!.id }, c.frontDesk)).toMatchObject({ code: 'conflict' });
  });

  it('a follow-up the doctor booked from the note needs no task; the booking is on the front desk’s day view', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    // The doctor requests the slot; the front desk confirms it with the patient (the machine keeps confirming theirs).
    const booked = await c.d.call('appointments.book', { doctorId: c.raoId, patientId: c.patientId, date: '2026-12-02', startMinutes: 630, type: 'follow_up', mode: 'request' }, c.drRao);
    expect(booked.status).toBe('requested');
    const note = await c.d.call('notes.save', { appointmentId: visit, ...SOAP, followUpDate: '2026-12-02', followUpAppointmentId: booked.id }, c.drRao);
    await c.d.call('notes.sign', { noteId: note.id }, c.drRao);
    expect(await c.d.call('tasks.list', {}, c.frontDesk)).toEqual([]);
    const day = await c.d.call('appointments.day', { date: '2026-12-02' }, c.frontDesk);
    expect(JSON.stringify(day)).toContain(booked.id);
    expect((await c.d.call('appointments.transition', { id: booked.id, event: 'appointment.confirm' }, c.frontDesk)).status).toBe('confirmed');
  });
});

describe('attached documents', () => {
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

  it('a doctor attaches a PDF report to a result; it opens byte for byte; a file that is not what it says is refused', async () => {
    const c = await consultRoom();
    const visit = await c.visit();
    const lab = await c.d.call('labs.enterResult', { patientId: c.patientId, appointmentId: visit, test: { name: 'Lipid profile' }, value: '1', collectedOn: '2026-11-24' }, c.drRao);
    const doc = await c.d.call('documents.attach', { patientId: c.patientId, appointmentId: visit, labResultId: lab.id, title: 'Lipid profile report', mimeType: 'application/pdf', dataBase64: PDF.toString('base64') }, c.drRao);
    expect(doc).toMatchObject({ title: 'Lipid profile report', sizeBytes: PDF.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), uploadedByName: 'Test doctor', labResultId: lab.id });
    expect((await c.d.call('documents.list', { patientId: c.patientId }, c.drRao)).map((d) => d.id)).toEqual([doc.id]);
    const opened = await c.d.call('documents.open', { id: doc.id }, c.drRao);
    expect(Buffer.from(opened.dataBase64, 'base64').equals(PDF)).toBe(true);

    const fake = await c.d.fail('documents.attach', { patientId: c.patientId, title: 'Not a PDF', mimeType: 'application/pdf', dataBase64: Buffer.from('MZ\x90\x00 executable').toString('base64') }, c.drRao);
    expect(fake).toMatchObject({ code: 'validation', fields: { dataBase64: expect.stringMatching(/not the kind it says/) } });
    for (const token of [c.frontDesk, c.accounts]) {
      expect(await c.d.fail('documents.open', { id: doc.id }, token)).toMatchObject({ code: 'permission' });
      expect(await c.d.fail('documents.attach', { patientId: c.patientId, title: 'x report', mimeType: 'application/pdf', dataBase64: PDF.toString('base64') }, token)).toMatchObject({ code: 'permission' });
    }
    expect((await c.d.call('consult.history', { patientId: c.patientId, kinds: ['document'] }, c.drRao)).map((e) => e.title)).toEqual(['Lipid profile report']);
    expect(await c.d.call('consult.history', { patientId: c.patientId, kinds: ['document'] }, c.frontDesk)).toEqual([]);
  });
});
