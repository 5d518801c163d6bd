import { expect, type Locator, type Page } from '@playwright/test';
import { localClock } from '../src-shared/domain/schedule';
import { ADMIN, APPOINTMENT_PATIENTS, CLINIC, DOCTOR, PATIENT_ADDRESS } from './data';

/** One ClinicApi call with the signed-in user's own session (as the screens make it), for preparing data. */
export async function callApi<T = unknown>(page: Page, method: string, input: unknown): Promise<T> {
  const result = await page.evaluate(
    async ({ method, input }) => {
      const token = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('clinicdesk.session');
      const res = await fetch('/api/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-clinic-session': token ?? '' },
        body: JSON.stringify({ method, input }),
      });
      return (await res.json()) as { ok: boolean; data?: unknown; error?: { message: string; fields?: Record<string, string> } };
    },
    { method, input },
  );
  if (!result.ok) throw new Error(`${method} was refused: ${result.error?.message} ${JSON.stringify(result.error?.fields ?? {})}`);
  return result.data as T;
}

/** Registers one of the test patients (a woman, with the test address) through the ClinicApi, as the signed-in user. */
export async function registerPatientByApi(page: Page, patient: (typeof APPOINTMENT_PATIENTS)[number]): Promise<{ id: string; mrn: string }> {
  const [d, m, y] = patient.dateOfBirth.split('-');
  return callApi<{ id: string; mrn: string }>(page, 'patients.register', {
    patient: {
      fullName: patient.fullName,
      sex: 'female',
      dateOfBirth: `${y}-${m}-${d}`,
      mobile: patient.mobile,
      addressLine: PATIENT_ADDRESS.address,
      city: PATIENT_ADDRESS.city,
      pincode: PATIENT_ADDRESS.pincode,
      stateCode: '27',
      emergencyName: PATIENT_ADDRESS.emergencyName,
      emergencyPhone: patient.emergencyPhone,
    },
  });
}

export const EVERY_DAY = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Opens the desk's link, sets up the test clinic with its admin, and ends signed in as the admin. */
export async function openNewClinic(page: Page, launchUrl: string): Promise<void> {
  await page.goto(launchUrl);
  const setup = new SetupScreen(page);
  await setup.createClinic(CLINIC, ADMIN);
  await setup.submit();
  await new AppShell(page).expectSignedInAs(ADMIN.name, 'Administrator');
}

/** Registers one of the appointment patients from the Patients screen and waits for their page. */
export async function registerOnPatientsScreen(page: Page, p: { fullName: string; sex: 'Female' | 'Male'; dateOfBirth: string; mobile: string; emergencyPhone: string }): Promise<void> {
  await new AppShell(page).nav('Patients').click();
  await page.getByRole('button', { name: 'Register patient' }).click();
  const form = new RegisterPatientScreen(page);
  await form.fill({ ...PATIENT_ADDRESS, fullName: p.fullName, sex: p.sex, dateOfBirth: p.dateOfBirth, mobile: p.mobile, emergencyPhone: p.emergencyPhone });
  await form.submit();
  await expect(page.getByRole('heading', { name: p.fullName })).toBeVisible();
}

/** A new clinic with its admin (signed in) and one doctor (DOCTOR) who sees patients 09:00–13:00 every day in 15-minute slots. */
export async function openClinicWithDoctor(page: Page, launchUrl: string): Promise<void> {
  const shell = new AppShell(page);
  await openNewClinic(page, launchUrl);
  await shell.nav('Staff').click();
  await new StaffScreen(page).addStaff(DOCTOR, 'Doctor');
  await shell.nav('Schedules').click();
  const schedules = new SchedulesScreen(page);
  await schedules.addWeeklySession(EVERY_DAY, '09:00', '13:00', 15, 1);
  await schedules.saveWeekly();
}

/** Opens the day view on tomorrow (clinic calendar) and returns tomorrow as shown, dd-mm-yyyy. */
export async function dayViewTomorrow(page: Page): Promise<string> {
  await new AppShell(page).nav('Appointments').click();
  const dateBox = page.getByRole('textbox', { name: 'Date', exact: true });
  const today = await dateBox.inputValue();
  await page.getByRole('button', { name: 'Next day' }).click();
  await expect(dateBox).not.toHaveValue(today);
  await expect(page.getByRole('region', { name: DOCTOR.name, exact: true })).toBeVisible();
  return dateBox.inputValue();
}

/** On the day view: books DOCTOR's free slot at `time` for the patient through the Book appointment dialog (confirmed). */
export async function bookOnDayView(page: Page, time: string, p: { fullName: string }): Promise<void> {
  const day = new DayViewScreen(page);
  await day.startBooking(DOCTOR.name, time, p.fullName.split(' ')[0]!, p.fullName);
  await page.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(day.slot(DOCTOR.name, time).getByRole('button', { name: new RegExp(p.fullName) })).toBeVisible();
}

/** Page objects, one per screen, using what a person sees: roles, labels and text. */

export async function pickOption(page: Page, label: string, typed: string, option: string | RegExp) {
  await page.getByLabel(label, { exact: true }).fill(typed);
  await page.getByRole('option', { name: option }).first().click();
}

export class SetupScreen {
  constructor(private readonly page: Page) {}

  async createClinic(clinic: { legalName: string; tradeName: string; address: string; city: string; state: string; pincode: string; gstin: string }, admin: { name: string; username: string; password: string }) {
    const p = this.page;
    await expect(p.getByRole('button', { name: 'Create clinic' })).toBeVisible();
    await p.getByLabel('Legal name', { exact: true }).fill(clinic.legalName);
    await p.getByLabel('Trade name', { exact: true }).fill(clinic.tradeName);
    await p.getByLabel('Address', { exact: true }).fill(clinic.address);
    await p.getByLabel('City', { exact: true }).fill(clinic.city);
    await pickOption(p, 'State', clinic.state, new RegExp(clinic.state));
    await p.getByLabel('PIN code', { exact: true }).fill(clinic.pincode);
    await p.getByLabel('GSTIN', { exact: true }).fill(clinic.gstin);
    await p.getByLabel('Full name', { exact: true }).fill(admin.name);
    await p.getByLabel('Username', { exact: true }).fill(admin.username);
    await p.getByLabel('Password', { exact: true }).fill(admin.password);
    await p.getByLabel('Confirm password', { exact: true }).fill(admin.password);
  }

  async submit() {
    await this.page.getByRole('button', { name: 'Create clinic' }).click();
  }
}

export class SignInScreen {
  constructor(private readonly page: Page) {}

  async signIn(username: string, password: string) {
    await this.page.getByLabel('Username', { exact: true }).fill(username);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }
}

export class AppShell {
  constructor(private readonly page: Page) {}

  nav(name: 'Patients' | 'Staff' | 'Clinic settings' | 'Appointments' | 'Schedules' | 'My queue' | 'Doctor queue' | 'Devices') {
    return this.page.getByRole('link', { name, exact: true });
  }

  async expectSignedInAs(name: string, role: string) {
    const header = this.page.getByRole('banner');
    await expect(header.getByText(name)).toBeVisible();
    await expect(header.getByText(role, { exact: true })).toBeVisible();
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(this.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  }
}

export class StaffScreen {
  constructor(private readonly page: Page) {}

  /** Opens "Add staff" and fills it in; returns the dialog, not yet sent. */
  async fillAddStaff(member: { name: string; username: string; password: string }, role: string) {
    const p = this.page;
    await p.getByRole('button', { name: 'Add staff' }).click();
    const dialog = p.getByRole('dialog');
    await dialog.getByLabel('Full name', { exact: true }).fill(member.name);
    await dialog.getByLabel('Username', { exact: true }).fill(member.username);
    await dialog.getByLabel('Role', { exact: true }).click();
    await p.getByRole('option', { name: role, exact: true }).click();
    await dialog.getByLabel('Password', { exact: true }).fill(member.password);
    await dialog.getByLabel('Confirm password', { exact: true }).fill(member.password);
    return dialog;
  }

  async addStaff(member: { name: string; username: string; password: string }, role: string) {
    const p = this.page;
    const dialog = await this.fillAddStaff(member, role);
    await dialog.getByRole('button', { name: 'Create staff member' }).click();
    await expect(p.getByRole('dialog')).toHaveCount(0);
    await expect(p.getByRole('row', { name: new RegExp(member.name) })).toBeVisible();
  }
}

export class PatientsScreen {
  constructor(private readonly page: Page) {}

  get searchBox() {
    return this.page.getByRole('searchbox', { name: 'Search patients' });
  }

  get results() {
    return this.page.getByRole('table', { name: 'Search results' });
  }

  async search(text: string) {
    await this.searchBox.fill(text);
  }

  async expectResult(name: string) {
    await expect(this.results.getByRole('row', { name: new RegExp(name) })).toBeVisible();
  }
}

export class RegisterPatientScreen {
  constructor(private readonly page: Page) {}

  async fill(p: { fullName: string; sex: 'Female' | 'Male' | 'Other'; dateOfBirth: string; mobile: string; email: string; address: string; city: string; pincode: string; state: string; emergencyName: string; emergencyPhone: string; abha: string }) {
    const page = this.page;
    await page.getByLabel('Full name', { exact: true }).fill(p.fullName);
    await page.getByRole('radio', { name: p.sex, exact: true }).check();
    await page.getByLabel('Date of birth', { exact: true }).fill(p.dateOfBirth);
    await page.getByLabel('Mobile number', { exact: true }).fill(p.mobile);
    await page.getByLabel('E-mail', { exact: true }).fill(p.email);
    await page.getByLabel('Address', { exact: true }).fill(p.address);
    await page.getByLabel('City', { exact: true }).fill(p.city);
    await page.getByLabel('PIN code', { exact: true }).fill(p.pincode);
    await pickOption(page, 'State', p.state, new RegExp(p.state));
    await page.getByLabel('Emergency contact name', { exact: true }).fill(p.emergencyName);
    await page.getByLabel('Emergency contact phone', { exact: true }).fill(p.emergencyPhone);
    await page.getByLabel('ABHA number', { exact: true }).fill(p.abha);
    await page.getByLabel('Consent to messages').check();
    await page.getByLabel('Consent to data processing').check();
  }

  async submit() {
    await this.page.getByRole('button', { name: 'Register patient' }).click();
  }
}

export class SchedulesScreen {
  constructor(private readonly page: Page) {}

  /** Replaces the shown doctor's weekly template with one session on the given weekdays. */
  async addWeeklySession(days: string[], start: string, end: string, slotMinutes: number, capacity: number) {
    const p = this.page;
    for (const d of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
      const box = p.getByRole('checkbox', { name: d, exact: true });
      if (days.includes(d)) await box.check();
      else await box.uncheck();
    }
    await p.getByLabel('Start', { exact: true }).fill(start);
    await p.getByLabel('End', { exact: true }).fill(end);
    await p.getByLabel('Slot length (min)', { exact: true }).fill(String(slotMinutes));
    await p.getByLabel('Capacity', { exact: true }).fill(String(capacity));
    await p.getByRole('button', { name: 'Add session' }).click();
  }

  async saveWeekly() {
    await this.page.getByRole('button', { name: 'Save weekly schedule' }).click();
    await expect(this.page.getByText('The weekly schedule was saved.')).toBeVisible();
  }
}

/** Minutes after midnight now, in the clinic's time zone. */
export function clinicNowMinutes(now: Date, timeZone = 'Asia/Kolkata'): number {
  return localClock(now, timeZone).nowMinutes;
}

export const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export class DayViewScreen {
  constructor(private readonly page: Page) {}

  column(doctor: string) {
    return this.page.getByRole('region', { name: doctor, exact: true });
  }

  freeSlot(doctor: string, time: string) {
    return this.page.getByRole('button', { name: `Book ${doctor} at ${time}`, exact: true });
  }

  slot(doctor: string, time: string) {
    return this.column(doctor).locator(`[data-slot="${time}"]`);
  }

  get waitingRoom() {
    return this.page.getByRole('region', { name: 'Waiting room' });
  }

  get dialog() {
    return this.page.getByRole('dialog');
  }

  async pickPatient(search: string, name: string) {
    const input = this.dialog.getByLabel('Find patient');
    await expect(input).toBeFocused();
    await input.fill(search);
    await expect(this.dialog.getByRole('option', { name: new RegExp(name) })).toBeVisible();
    await input.press('ArrowDown');
    await input.press('ArrowUp');
    await input.press('Enter');
    await expect(this.dialog.getByTestId('picked-patient')).toHaveText(name);
  }

  /** Opens the Book appointment dialog on a free slot and picks the patient. */
  async startBooking(doctor: string, time: string, search: string, name: string) {
    await this.freeSlot(doctor, time).scrollIntoViewIfNeeded();
    await this.freeSlot(doctor, time).click();
    await expect(this.page.getByRole('dialog', { name: 'Book appointment' })).toBeVisible();
    await this.pickPatient(search, name);
  }

  async openAppointment(doctor: string, time: string, name: string) {
    const chip = this.slot(doctor, time).getByRole('button', { name: new RegExp(name) });
    await chip.scrollIntoViewIfNeeded();
    await chip.click();
    await expect(this.page.getByRole('dialog', { name: 'Appointment' })).toBeVisible();
  }

  actions() {
    return this.dialog.getByRole('group', { name: 'Actions' }).getByRole('button');
  }

  async act(label: string) {
    await this.dialog.getByRole('button', { name: label, exact: true }).click();
  }

  timeline() {
    return this.dialog.getByRole('table', { name: 'Timeline' });
  }

  async close() {
    await this.page.keyboard.press('Escape');
    await expect(this.dialog).toHaveCount(0);
  }
}

/** The first-run screen's second path: join this PC to a clinic server with an enrolment code. */
export class JoinServerScreen {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.getByRole('tab', { name: 'Join a clinic server' }).click();
    await expect(this.page.getByRole('button', { name: 'Join clinic' })).toBeVisible();
  }

  async fill(j: { serverAddress: string; code: string; deviceName: string }) {
    const p = this.page;
    await p.getByLabel('Server address', { exact: true }).fill(j.serverAddress);
    await p.getByLabel('Enrolment code', { exact: true }).fill(j.code);
    await p.getByLabel('Name of this PC', { exact: true }).fill(j.deviceName);
  }

  async submit() {
    await this.page.getByRole('button', { name: 'Join clinic' }).click();
  }
}

/** Devices on a PC working on its own: its administrator brings the clinic to a new server with the server's set-up code. */
export class ConnectServerForm {
  constructor(private readonly page: Page) {}

  get form() {
    return this.page.getByRole('form', { name: 'Connect to a clinic server' });
  }

  async fill(j: { serverAddress: string; code: string; deviceName: string }) {
    const f = this.form;
    await f.getByLabel('Server address', { exact: true }).fill(j.serverAddress);
    await f.getByLabel('Set-up code', { exact: true }).fill(j.code);
    await f.getByLabel('Name of this PC', { exact: true }).fill(j.deviceName);
  }

  async submit() {
    await this.form.getByRole('button', { name: 'Connect and send' }).click();
  }
}

/** The header's sync indicator and its details. */
export class SyncIndicator {
  constructor(private readonly page: Page) {}

  get button() {
    return this.page.getByRole('banner').getByRole('button', { name: /^Sync status:/ });
  }

  get details() {
    // The details are labelled by the indicator that opens them.
    return this.page.getByRole('dialog', { name: /^Sync status:/ });
  }

  async expectState(word: 'Online' | 'Offline' | 'Syncing' | 'This PC only' | 'Revoked', timeout = 30_000) {
    await expect(this.button).toHaveAccessibleName(new RegExp(`^Sync status: ${word}\\.`), { timeout });
  }

  /** "2 changes waiting to be sent" beside the state word (nothing shown, and "No changes…" in its name, at 0). */
  async expectWaiting(n: number, timeout = 30_000) {
    const words = n === 0 ? 'No changes waiting to be sent' : n === 1 ? '1 change waiting to be sent' : `${n} changes waiting to be sent`;
    await expect(this.button).toHaveAccessibleName(new RegExp(`${words}\\.$`), { timeout });
    if (n > 0) await expect(this.button).toContainText(words);
    else await expect(this.button).not.toContainText('waiting to be sent');
  }

  /** The red badge beside the state: how many changes need attention; it opens the "Needs attention" screen. */
  get attentionBadge() {
    return this.page.getByRole('banner').getByRole('link', { name: /needs? attention\. Open Needs attention/ });
  }

  async openDetails() {
    await this.button.click();
    await expect(this.details).toBeVisible();
  }

  async closeDetails() {
    await this.page.keyboard.press('Escape');
    await expect(this.details).toHaveCount(0);
  }
}

/** "Needs attention": changes made on this PC that the clinic server refused, and what became of them. */
export class InboxScreen {
  constructor(private readonly page: Page) {}

  /** The navigation link (its name also says how many items are open). */
  get navLink() {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Needs attention/ });
  }

  get heading() {
    return this.page.getByRole('heading', { name: 'Needs attention', level: 2 });
  }

  get open() {
    return this.page.getByRole('region', { name: 'To deal with' });
  }

  get resolved() {
    return this.page.getByRole('region', { name: 'Resolved' });
  }

  openItem(title: string | RegExp) {
    return this.open.getByRole('article', { name: title });
  }

  resolvedItem(title: string | RegExp) {
    return this.resolved.getByRole('article', { name: title });
  }

  /** Shows what was typed for an item (a collapsed section until asked for). */
  async showTyped(item: Locator) {
    const toggle = item.getByRole('button', { name: 'What was typed' });
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(item.getByRole('table', { name: 'What was typed' })).toBeVisible();
    // The section slides open: wait until it stands at its full height (for screenshots).
    const section = this.page.locator(`[id="${await toggle.getAttribute('aria-controls')}"]`);
    await expect.poll(() => section.evaluate((el) => el.getAttribute('style') ?? '')).not.toMatch(/(^|;)\s*height:/);
  }
}

export class DevicesScreen {
  constructor(private readonly page: Page) {}

  get table() {
    return this.page.getByRole('table', { name: 'Devices' });
  }

  row(name: string) {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell', { name: new RegExp(`^${name}`) }) });
  }

  async revoke(name: string) {
    await this.row(name).getByRole('button', { name: `Revoke ${name}` }).click();
    const dialog = this.page.getByRole('dialog', { name: `Revoke ${name}?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Revoke this PC' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(this.row(name).getByText('Revoked', { exact: true })).toBeVisible();
  }

  async newEnrolmentCode(station: 'Front desk' | 'Consult room (doctor)' | 'Accounts' | 'Admin'): Promise<string> {
    const p = this.page;
    await p.getByRole('button', { name: 'New enrolment code' }).click();
    const dialog = p.getByRole('dialog', { name: 'New enrolment code' });
    await dialog.getByRole('radio', { name: station, exact: true }).check();
    await dialog.getByRole('button', { name: 'Make code' }).click();
    const code = dialog.getByTestId('enrolment-code');
    await expect(code).toBeVisible();
    return (await code.textContent())!.trim();
  }
}
