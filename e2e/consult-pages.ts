import { expect, type Locator, type Page } from '@playwright/test';

/** Page objects for the consult screen (issue 7), by what a doctor sees: roles, labels and text. */

export interface DrugEntry {
  generic: string;
  brand?: string;
  strength: string;
  dose: string;
  frequency: string;
  duration: string;
  instructions?: string;
}

export class ConsultScreen {
  constructor(private readonly page: Page) {}

  get header() {
    return this.page.getByRole('region', { name: 'Patient', exact: true });
  }

  async expectPatient(name: string) {
    await expect(this.page).toHaveURL(/#\/consult\//);
    await expect(this.page.getByRole('heading', { name, level: 2 })).toBeVisible();
  }

  status(which: 'Note' | 'Prescription' | 'Diet plan' | 'Addendum') {
    return this.page.getByRole('status', { name: `${which} save status` });
  }

  /** Waits for the autosave to say "Saved hh:mm:ss". */
  async expectSaved(which: 'Note' | 'Prescription' | 'Diet plan' | 'Addendum') {
    await expect(this.status(which)).toContainText(/Saved \d\d:\d\d:\d\d/, { timeout: 15_000 });
  }

  tab(name: 'Note' | 'Prescription' | 'Labs') {
    return this.page.getByRole('tab', { name: new RegExp(`^${name}`) });
  }

  get note() {
    return this.page.getByRole('region', { name: 'SOAP note' });
  }

  soap(field: 'Subjective' | 'Objective' | 'Assessment' | 'Plan') {
    return this.note.getByLabel(field, { exact: true });
  }

  vital(label: string) {
    return this.note.getByLabel(label, { exact: true });
  }

  get allergies() {
    return this.page.getByRole('list', { name: 'Allergies' });
  }

  async addAllergy(substance: string, severity: 'Mild' | 'Moderate' | 'Severe' | 'Not known', reaction = '') {
    await this.page.getByRole('button', { name: 'Add allergy' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Add allergy' });
    await dialog.getByLabel('Allergy (drug or substance)', { exact: true }).fill(substance);
    await dialog.getByLabel('Reaction', { exact: true }).fill(reaction);
    await dialog.getByRole('radio', { name: severity, exact: true }).check();
    await dialog.getByRole('button', { name: 'Save allergy' }).click();
    await expect(dialog).toHaveCount(0);
  }

  async pickDiagnosis(typed: string, option: string | RegExp) {
    const box = this.note.getByLabel('Add diagnosis', { exact: true });
    await box.fill(typed);
    await this.page.getByRole('option', { name: option }).first().click();
  }

  get diagnoses() {
    return this.note.getByRole('list', { name: 'Diagnoses' });
  }

  get drugs() {
    return this.page.getByRole('table', { name: 'Drugs' });
  }

  drug(n: number): Locator {
    return this.drugs.getByRole('rowgroup', { name: new RegExp(`^Drug ${n}:`) });
  }

  async fillDrug(n: number, d: DrugEntry) {
    const row = this.drug(n);
    await row.getByLabel('Generic name', { exact: true }).fill(d.generic);
    if (d.brand) await row.getByLabel('Brand', { exact: true }).fill(d.brand);
    await row.getByLabel('Strength', { exact: true }).fill(d.strength);
    await row.getByLabel('Dose', { exact: true }).fill(d.dose);
    await row.getByLabel('Frequency', { exact: true }).fill(d.frequency);
    await row.getByLabel('Duration', { exact: true }).fill(d.duration);
    if (d.instructions) await row.getByLabel('Instructions', { exact: true }).fill(d.instructions);
  }

  async addDrug(n: number, d: DrugEntry) {
    await this.page.getByRole('button', { name: 'Add drug' }).click();
    await expect(this.drug(n)).toBeVisible();
    await this.fillDrug(n, d);
  }

  /** "Sign note" in the header, the confirmation, and the note locked. */
  async signNote() {
    await this.page.getByRole('button', { name: 'Sign note' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Sign this note?' });
    await expect(dialog).toContainText("Signing locks the note and the visit's prescription. Changes later need an addendum.");
    await dialog.getByRole('button', { name: 'Sign note' }).click();
    await expect(dialog).toHaveCount(0);
  }
}
