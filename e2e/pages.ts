import { expect, type Page } from '@playwright/test';

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

  nav(name: 'Patients' | 'Staff' | 'Clinic settings') {
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

  async addStaff(member: { name: string; username: string; password: string }, role: string) {
    const p = this.page;
    await p.getByRole('button', { name: 'Add staff' }).click();
    const dialog = p.getByRole('dialog');
    await dialog.getByLabel('Full name', { exact: true }).fill(member.name);
    await dialog.getByLabel('Username', { exact: true }).fill(member.username);
    await dialog.getByLabel('Role', { exact: true }).click();
    await p.getByRole('option', { name: role, exact: true }).click();
    await dialog.getByLabel('Password', { exact: true }).fill(member.password);
    await dialog.getByLabel('Confirm password', { exact: true }).fill(member.password);
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
