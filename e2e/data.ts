/** Where every end-to-end test stands in time: Monday 2 March 2026, 10:30 in Pune (see fixtures.ts). */
export const CLOCK_START = new Date('2026-03-02T10:30:00+05:30');

/** What the end-to-end tests type. Every personal value here is checked to be absent from the logs. */
export const CLINIC = {
  legalName: 'Sunrise Health Clinic LLP',
  tradeName: 'Sunrise Clinic',
  address: '12, MG Road, Camp',
  city: 'Pune',
  state: 'Maharashtra',
  pincode: '411001',
  gstin: '27AAPFU0939F1ZV',
};

export const ADMIN = { name: 'Asha Kulkarni', username: 'asha', password: 'Sunrise@2026' };
export const FRONT_DESK = { name: 'Farah Shaikh', username: 'farah', password: 'Reception#42' };

export const PATIENT = {
  fullName: 'Vikram Anand Deshmukh',
  mobile: '9823456701',
  email: 'vikram.deshmukh@example.in',
  dateOfBirth: '14-08-1979',
  city: 'Pune',
  newCity: 'Nashik',
  address: 'Flat 7, Shanti Nagar, Kothrud',
  pincode: '411038',
  emergencyName: 'Neha Deshmukh',
  emergencyPhone: '9823456702',
  abha: '91-2345-6789-0123',
};

export const DOCTOR = { name: 'Meera Iyer', username: 'meera', password: 'Stetho#2026' };

export const APPOINTMENT_PATIENTS = [
  { fullName: 'Kavita Suresh Rao', mobile: '9876501234', sex: 'Female' as const, dateOfBirth: '02-03-1985', emergencyPhone: '9876501299' },
  { fullName: 'Rohan Prakash Mehta', mobile: '9765401234', sex: 'Male' as const, dateOfBirth: '19-11-1990', emergencyPhone: '9765401299' },
];

/** The address part of the appointment patients' registrations (same for each). */
export const PATIENT_ADDRESS = { email: '', address: '4, Lake View Road', city: 'Pune', pincode: '411004', state: 'Maharashtra', emergencyName: 'Family Contact', abha: '' };

/** Patients written on the clinic server's side (sync.spec.ts): they must reach both desks' screens. */
export const SERVER_PATIENTS = [
  { fullName: 'Sunita Gopal Joshi', mobile: '9812340011', mrn: 'SRV-00001-R', sex: 'female' as const },
  { fullName: 'Imran Khalid Patel', mobile: '9812340022', mrn: 'SRV-00002-R', sex: 'male' as const },
];

export const PHI_VALUES = [
  ...SERVER_PATIENTS.flatMap((p) => [p.fullName, p.mobile]),
  ...APPOINTMENT_PATIENTS.flatMap((p) => [p.fullName, p.fullName.split(' ')[0]!, p.mobile, p.emergencyPhone]),
  DOCTOR.password,
  PATIENT.fullName,
  'Vikram',
  'Deshmukh',
  PATIENT.mobile,
  '98234 56701',
  PATIENT.email,
  PATIENT.address,
  PATIENT.emergencyName,
  PATIENT.emergencyPhone,
  '91234567890123',
  ADMIN.password,
  FRONT_DESK.password,
];
