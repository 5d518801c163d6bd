import { expect, type Page } from '@playwright/test';
import { AppShell, SignInScreen } from './pages';

/**
 * Page objects for the lab results screen and the patient's history timeline (issue 7), by what a person sees,
 * and a way to prepare data through the ClinicApi with the signed-in user's own session (as the screens do).
 */

/** Signs out whoever is signed in and signs in as `user`. */
export async function switchUser(page: Page, user: { name: string; username: string; password: string }, roleLabel: string) {
  const shell = new AppShell(page);
  await shell.signOut();
  await new SignInScreen(page).signIn(user.username, user.password);
  await shell.expectSignedInAs(user.name, roleLabel);
}

export class LabsScreen {
  constructor(private readonly page: Page) {}

  async open(baseUrl: string, patientId: string) {
    await this.page.goto(`${baseUrl}/#/labs/${patientId}`);
    await expect(this.page.getByRole('heading', { name: 'Lab results' })).toBeVisible();
  }

  tab(name: 'Reports' | 'Trend' | 'Compare reports') {
    return this.page.getByRole('tab', { name, exact: true });
  }

  report(label: string) {
    return this.page.getByRole('region', { name: label, exact: true });
  }

  /** Adds a result through the "Add a result" dialog, taking the unit and range the patient's earlier results had. */
  async addResult(r: { test: string; value: string; reportRef: string }) {
    const page = this.page;
    await page.getByRole('button', { name: 'Add a result' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a lab result' });
    const test = dialog.getByRole('textbox', { name: 'Test name', exact: true });
    await test.fill(r.test);
    await page.getByRole('option', { name: r.test, exact: true }).click();
    await dialog.getByLabel('Result', { exact: true }).fill(r.value);
    await dialog.getByLabel('Report number', { exact: true }).fill(r.reportRef);
    await dialog.getByRole('button', { name: 'Save result' }).click();
    await expect(dialog).toHaveCount(0);
  }

  async pickTest(name: string) {
    await this.tab('Trend').click();
    await this.page.getByRole('textbox', { name: 'Test', exact: true }).click();
    await this.page.getByRole('option', { name, exact: true }).click();
  }

  get chart() {
    return this.page.getByTestId('trend-chart');
  }

  get points() {
    return this.chart.getByTestId('trend-point');
  }

  get caption() {
    return this.page.getByTestId('trend-caption');
  }

  get significantChanges() {
    return this.page.getByRole('region', { name: 'Significant changes' });
  }

  async compare(earlier: string, later: string) {
    const page = this.page;
    await this.tab('Compare reports').click();
    await page.getByRole('textbox', { name: 'Earlier report', exact: true }).click();
    await page.getByRole('option', { name: earlier, exact: true }).click();
    await page.getByRole('textbox', { name: 'Later report', exact: true }).click();
    await page.getByRole('option', { name: later, exact: true }).click();
  }

  get compared() {
    return this.page.getByRole('table', { name: 'Reports compared' });
  }
}

export class HistorySection {
  constructor(private readonly page: Page) {}

  get region() {
    return this.page.getByRole('region', { name: 'Patient history' });
  }

  get timeline() {
    return this.region.getByTestId('history-timeline');
  }

  entry(title: string | RegExp) {
    return this.region.getByRole('listitem', { name: title });
  }

  filter(kind: 'Visits' | 'Prescriptions' | 'Diet plans' | 'Labs' | 'Documents' | 'Bills') {
    return this.region.getByRole('checkbox', { name: kind, exact: true });
  }

  /** Turns a kind on or off (by its chip, as a person clicks it). */
  async toggle(kind: 'Visits' | 'Prescriptions' | 'Diet plans' | 'Labs' | 'Documents' | 'Bills', on: boolean) {
    const box = this.filter(kind);
    if ((await box.isChecked()) !== on) await this.region.getByText(kind, { exact: true }).click();
    if (on) await expect(box).toBeChecked();
    else await expect(box).not.toBeChecked();
  }

  async search(text: string) {
    await this.region.getByRole('textbox', { name: 'Search the history' }).fill(text);
  }
}
