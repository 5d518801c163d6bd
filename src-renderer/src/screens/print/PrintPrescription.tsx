import { SegmentedControl } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import type { DietItem, MedicationItem, PrescriptionPrint } from '../../../../src-shared/api/consult';
import {
  DOSE_FORM_LABELS,
  FOOD_TIMING_LABELS,
  ROUTE_LABELS,
  durationInWords,
  formatDose,
  frequencyInWords,
  parseFrequency,
  type DoseForm,
  type Route,
} from '../../../../src-shared/clinical/dosage';
import { bmi, VITAL_LABELS, type Vitals } from '../../../../src-shared/clinical/vitals';
import { formatDisplayInstant } from '../../../../src-shared/dates';
import { api } from '../../api/client';
import { useSession } from '../../app/auth';
import { displayDate, SEX_LABELS } from '../../lib/format';
import { PrintFrame, PrintState } from './PrintInvoice';
import './print.css';

/**
 * #/print/prescription/:id — the prescription (or diet plan) as the patient takes it home (issue 7): the clinic's
 * letterhead, the doctor with the registration number, the patient, vitals and diagnoses, then every drug with
 * its dose and frequency in the 1-0-1 notation and in words (and in Hindi when the doctor asked for it), advice,
 * follow-up and the digital signature. A4 by default, ?size=a5 for A5 pads; a draft carries a watermark.
 *
 * Devanagari comes from the bundled Noto Sans Devanagari (@fontsource, imported in main.tsx), so every desk and
 * every PDF has the glyphs; the system fonts after it in the stack are fallbacks.
 */

const rxKey = (id: string) => ['consult', 'prescription-print', id] as const;

const CSS = `
.rx-doc {
  font-family: 'Noto Sans', 'Noto Sans Devanagari', 'Nirmala UI', 'Mangal', 'Kohinoor Devanagari', 'Lohit Devanagari', 'DejaVu Sans', Arial, sans-serif;
  position: relative;
  color: #000;
  font-size: 10.5pt;
  line-height: 1.4;
}
.rx-doc [lang='hi'] { font-family: 'Noto Sans Devanagari', 'Nirmala UI', 'Mangal', 'Kohinoor Devanagari', 'Lohit Devanagari', 'Noto Sans', sans-serif; }
.rx-a4 { width: 186mm; }
.rx-a5 { width: 128mm; font-size: 8.6pt; line-height: 1.35; }
.rx-head { display: flex; justify-content: space-between; gap: 6mm; align-items: flex-start; border-bottom: 1.2pt solid #000; padding-bottom: 2.5mm; }
.rx-clinic { font-size: 1.55em; font-weight: 700; letter-spacing: 0.01em; }
.rx-doctor { text-align: right; }
.rx-doctor .name { font-size: 1.2em; font-weight: 700; }
.rx-patient { display: flex; flex-wrap: wrap; gap: 1mm 6mm; padding: 2mm 0; border-bottom: 0.5pt solid #666; }
.rx-patient b { font-weight: 600; }
.rx-section { margin-top: 2.5mm; }
.rx-label { font-weight: 700; }
.rx-symbol { font-family: Georgia, 'DejaVu Serif', serif; font-size: 2em; font-weight: 700; font-style: italic; margin: 2mm 0 1mm; line-height: 1; }
.rx-heading { font-size: 1.25em; font-weight: 700; margin: 3mm 0 1mm; }
.rx-items { margin: 0; padding: 0; list-style: none; counter-reset: rx; }
.rx-item { counter-increment: rx; position: relative; padding: 1.6mm 0 1.6mm 7mm; border-bottom: 0.4pt dotted #888; break-inside: avoid; }
.rx-item::before { content: counter(rx) '.'; position: absolute; left: 0; top: 1.6mm; font-weight: 700; }
.rx-drug { display: flex; justify-content: space-between; gap: 4mm; }
.rx-drug .drug { font-weight: 700; font-size: 1.08em; }
.rx-drug .qty { white-space: nowrap; }
.rx-how { margin-top: 0.4mm; }
.rx-notation { font-weight: 700; font-family: 'DejaVu Sans Mono', 'Courier New', monospace; letter-spacing: 0.04em; }
.rx-hi { margin-top: 0.4mm; }
.rx-note { font-style: italic; }
.rx-diet td { border-bottom: 0.4pt dotted #888; padding: 1.2mm 2mm 1.2mm 0; vertical-align: top; }
.rx-diet td.meal { font-weight: 700; white-space: nowrap; width: 1%; }
.rx-pre { white-space: pre-wrap; }
.rx-foot { display: flex; justify-content: space-between; align-items: flex-end; gap: 6mm; margin-top: 8mm; break-inside: avoid; }
.rx-sign { text-align: right; max-width: 60%; }
.rx-sign .hash { font-family: 'DejaVu Sans Mono', 'Courier New', monospace; font-size: 0.85em; }
.rx-muted { color: #333; font-size: 0.86em; }
.rx-draft-banner { border: 1pt solid #b00; color: #b00; font-weight: 700; text-align: center; padding: 1mm; margin-bottom: 2mm; letter-spacing: 0.05em; }
.rx-watermark { position: fixed; top: 42%; left: 0; right: 0; text-align: center; transform: rotate(-28deg); font-size: 44pt; font-weight: 800; color: rgba(176, 0, 0, 0.13); pointer-events: none; z-index: 1; white-space: nowrap; }
.rx-a5 .rx-watermark { font-size: 30pt; }
.rx-sizes { display: flex; justify-content: center; margin: 12px 0 0; }
@media print {
  .rx-sizes { display: none !important; }
}
`;

const drName = (name: string) => (/^dr\.?\s/i.test(name) ? name : `Dr ${name}`);

function formLabel(form: string | null): string | null {
  if (!form) return null;
  return DOSE_FORM_LABELS[form as DoseForm]?.en ?? form;
}

function routeLabel(route: string, lang: 'en' | 'hi'): string {
  return ROUTE_LABELS[route as Route]?.[lang] ?? route;
}

/** The frequency in the 1-0-1 notation (OD, BD, TDS… written out as their schedule); SOS and STAT as they are. */
function notation(frequency: string): string {
  const f = parseFrequency(frequency);
  if (!f.ok) return frequency.trim();
  return f.kind === 'schedule' ? f.doses.map(formatDose).join('-') : f.normalized;
}

function vitalsLine(v: Vitals): string[] {
  const parts: string[] = [];
  const has = (x: number | null | undefined): x is number => typeof x === 'number';
  if (has(v.bpSystolic) || has(v.bpDiastolic)) parts.push(`BP ${v.bpSystolic ?? '—'}/${v.bpDiastolic ?? '—'} mmHg`);
  for (const f of ['pulse', 'temperatureC', 'spo2', 'respiratoryRate', 'weightKg', 'heightCm'] as const) {
    const value = v[f];
    if (has(value)) {
      const l = VITAL_LABELS[f];
      parts.push(`${l.short} ${value}${l.unit === '%' ? '%' : ` ${l.unit}`}`);
    }
  }
  const b = bmi(v.weightKg, v.heightCm);
  if (b !== null) parts.push(`BMI ${b} ${VITAL_LABELS.bmi.unit}`);
  return parts;
}

function MedicationLine({ item, hindi }: { item: MedicationItem; hindi: boolean }) {
  const name = item.brand ? `${item.generic} (${item.brand})` : item.generic;
  const duration = item.durationValue ? durationInWords(item.durationValue, item.durationUnit, 'en') : '';
  const rest = [FOOD_TIMING_LABELS[item.timing]?.en ?? item.timing, routeLabel(item.route, 'en'), duration ? `for ${duration}` : null].filter(Boolean);
  const hi = [
    frequencyInWords(item.frequency, 'hi'),
    FOOD_TIMING_LABELS[item.timing]?.hi,
    ROUTE_LABELS[item.route as Route]?.hi,
    item.durationValue ? durationInWords(item.durationValue, item.durationUnit, 'hi') : null,
  ].filter(Boolean);
  return (
    <li className="rx-item" data-testid="rx-item">
      <div className="rx-drug">
        <span>
          <span className="drug">{name}</span>
          {item.strength && <> {item.strength}</>}
          {formLabel(item.form) && <> · {formLabel(item.form)}</>}
        </span>
        {item.quantity !== null && <span className="qty">Qty: {item.quantity}</span>}
      </div>
      <div className="rx-how">
        {item.dose} · <span className="rx-notation">{notation(item.frequency)}</span> ({frequencyInWords(item.frequency, 'en')}) · {rest.join(' · ')}
      </div>
      {hindi && (
        <div className="rx-hi" lang="hi">
          {hi.join(' · ')}
        </div>
      )}
      {item.instructions && <div className="rx-note">{item.instructions}</div>}
    </li>
  );
}

function DietLines({ items }: { items: DietItem[] }) {
  return (
    <table className="rx-diet" aria-label="Diet plan">
      <tbody>
        {items.map((d, i) => (
          <tr key={i} data-testid="rx-item">
            <td className="meal">{d.meal}</td>
            <td>{d.advice}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PrescriptionDocument({ data, size, timeZone }: { data: PrescriptionPrint; size: 'a4' | 'a5'; timeZone: string }) {
  const { prescription: rx, clinic, doctor, patient } = data;
  const signed = rx.status === 'signed';
  const diet = rx.kind === 'diet';
  const vitals = data.vitals ? vitalsLine(data.vitals) : [];
  const mark = rx.status === 'discarded' ? 'DISCARDED — not valid' : 'DRAFT — not signed';
  const hash = rx.contentHash ? rx.contentHash.replace(/^(sha256:)?([0-9a-f]{16}).*$/i, (_m, p: string | undefined, h: string) => `${p ?? ''}${h}…`) : null;
  return (
    <div className={`print-page rx-doc rx-${size}`} data-testid="print-document">
      {!signed && (
        <>
          <div className="rx-watermark" aria-hidden>
            {mark}
          </div>
          <div className="rx-draft-banner" role="note">
            {mark}
          </div>
        </>
      )}
      <header className="rx-head">
        <div>
          <div className="rx-clinic">{clinic.name}</div>
          <div>
            {clinic.addressLine}, {clinic.city} {clinic.pincode}
          </div>
          {clinic.phone && <div>Phone: {clinic.phone}</div>}
        </div>
        <div className="rx-doctor">
          <div className="name">{drName(doctor.name)}</div>
          {doctor.specialty && <div>{doctor.specialty}</div>}
          <div>Reg. No. {doctor.registrationNumber ?? 'not recorded'}</div>
        </div>
      </header>
      <div className="rx-patient" aria-label="Patient">
        <span>
          <b>Patient:</b> {patient.fullName}
        </span>
        <span>
          <b>MRN:</b> {patient.mrn}
        </span>
        <span>
          <b>Age/Sex:</b> {[patient.age, SEX_LABELS[patient.sex as keyof typeof SEX_LABELS] ?? patient.sex].filter(Boolean).join(' / ')}
        </span>
        <span>
          <b>Date:</b> {displayDate(data.visitDate)}
        </span>
      </div>
      {vitals.length > 0 && (
        <div className="rx-section">
          <span className="rx-label">Vitals:</span>{' '}
          {vitals.join(' · ')}
        </div>
      )}
      {data.diagnoses.length > 0 && (
        <div className="rx-section">
          <span className="rx-label">Diagnosis:</span>{' '}
          {data.diagnoses.map((d) => (d.code ? `${d.code} ${d.title}` : d.title)).join('; ')}
        </div>
      )}
      {data.allergies.length > 0 && (
        <div className="rx-section">
          <span className="rx-label">Allergies:</span> {data.allergies.map((a) => (a.reaction ? `${a.substance} (${a.reaction})` : a.substance)).join('; ')}
        </div>
      )}
      {diet ? (
        <>
          <div className="rx-heading">Diet plan</div>
          <DietLines items={rx.items as DietItem[]} />
        </>
      ) : (
        <>
          <div className="rx-symbol" aria-label="Prescription">
            Rx
          </div>
          {rx.items.length === 0 ? (
            <div className="rx-muted">No medicines prescribed.</div>
          ) : (
            <ol className="rx-items">
              {(rx.items as MedicationItem[]).map((item, i) => (
                <MedicationLine key={i} item={item} hindi={rx.printHindi} />
              ))}
            </ol>
          )}
        </>
      )}
      {rx.advice && (
        <div className="rx-section">
          <div className="rx-label">Advice</div>
          <div className="rx-pre">{rx.advice}</div>
        </div>
      )}
      {data.followUpDate && (
        <div className="rx-section">
          <span className="rx-label">Follow-up:</span>{' '}
          {displayDate(data.followUpDate)}
          {rx.printHindi && (
            <span lang="hi"> (दोबारा दिखाएँ: {displayDate(data.followUpDate)})</span>
          )}
        </div>
      )}
      <footer className="rx-foot">
        <div className="rx-muted">{diet ? 'Diet plan' : 'Prescription'} version {rx.version}</div>
        <div className="rx-sign" data-testid="rx-signature">
          {signed && rx.signedAt ? (
            <>
              <div>
                Digitally signed by {drName(rx.signedByName ?? doctor.name)} on {formatDisplayInstant(rx.signedAt, timeZone)}
              </div>
              {hash && <div className="hash">Content hash {hash}</div>}
            </>
          ) : (
            <div style={{ fontWeight: 700 }}>Not signed: not valid as a prescription.</div>
          )}
        </div>
      </footer>
    </div>
  );
}

/** #/print/prescription/:id (?size=a5 for A5) */
export function PrintPrescription() {
  const { id = '' } = useParams();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const size: 'a4' | 'a5' = params.get('size') === 'a5' ? 'a5' : 'a4';
  const print = useQuery({ queryKey: rxKey(id), queryFn: () => api.call('prescriptions.print', { prescriptionId: id }), staleTime: 0 });
  const data = print.data;
  const fileName = data ? `${data.prescription.kind === 'diet' ? 'diet-plan' : 'prescription'}-${data.patient.mrn}-${data.visitDate}` : 'prescription';
  return (
    <PrintFrame ready={!!data} page={size} fileName={fileName} back={data ? `/consult/${data.prescription.appointmentId}` : '/patients'}>
      <style>{CSS}</style>
      <div className="rx-sizes">
        <SegmentedControl
          size="xs"
          aria-label="Paper size"
          value={size}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            if (v === 'a5') next.set('size', 'a5');
            else next.delete('size');
            next.delete('print');
            setParams(next, { replace: true });
          }}
          data={[
            { value: 'a4', label: 'A4' },
            { value: 'a5', label: 'A5' },
          ]}
        />
      </div>
      {data ? <PrescriptionDocument data={data} size={size} timeZone={session.clinic.timezone} /> : <PrintState query={print} />}
    </PrintFrame>
  );
}
