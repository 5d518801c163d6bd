import { useState } from 'react';
import { createHashRouter, Navigate, RouterProvider } from 'react-router';
import { useAuth, useSession } from './auth';
import { AppLayout } from './AppLayout';
import { LockOverlay } from './LockOverlay';
import { useIdleLock } from './useIdleLock';
import { PatientsScreen } from '../screens/patients/PatientsScreen';
import { RegisterPatientScreen } from '../screens/patients/RegisterPatientScreen';
import { PatientDetailScreen } from '../screens/patients/PatientDetailScreen';
import { StaffScreen } from '../screens/staff/StaffScreen';
import { ClinicSettingsScreen } from '../screens/settings/ClinicSettingsScreen';
import { NotAllowed, NotFound } from '../screens/NotFound';
import { Guard } from './Guard';
import { SchedulesScreen } from '../screens/schedules/SchedulesScreen';
import { DayViewScreen } from '../screens/appointments/DayViewScreen';
import { QueueScreen } from '../screens/appointments/QueueScreen';
import { DevicesScreen } from '../screens/devices/DevicesScreen';
import { InboxScreen } from '../screens/inbox/InboxScreen';
import { InvoiceListScreen } from '../screens/billing/InvoiceListScreen';
import { InvoiceScreen, NewBillScreen } from '../screens/billing/InvoiceScreen';
import { DayClosingScreen } from '../screens/billing/DayClosingScreen';
import { GstSummaryScreen } from '../screens/billing/GstSummaryScreen';
import { BillingSettingsScreen } from '../screens/billing/BillingSettingsScreen';
import { PrintInvoice } from '../screens/print/PrintInvoice';
import { PrintReceipt } from '../screens/print/PrintReceipt';
import { ConsultScreen } from '../screens/consult/ConsultScreen';
import { LabsScreen } from '../screens/consult/LabsScreen';
import { TemplatesScreen } from '../screens/consult/TemplatesScreen';
import { PrintPrescription } from '../screens/print/PrintPrescription';

function makeRouter() {
  return createHashRouter([
    {
      path: '/',
      element: <AppLayout />,
      children: [
        { index: true, element: <Navigate to="/patients" replace /> },
        { path: 'patients', element: <PatientsScreen /> },
        {
          path: 'patients/new',
          element: (
            <Guard method="patients.register">
              <RegisterPatientScreen />
            </Guard>
          ),
        },
        { path: 'patients/:id', element: <PatientDetailScreen /> },
        {
          path: 'staff',
          element: (
            <Guard method="staff.list">
              <StaffScreen />
            </Guard>
          ),
        },
        {
          path: 'settings',
          element: (
            <Guard method="clinic.update">
              <ClinicSettingsScreen />
            </Guard>
          ),
        },
        {
          path: 'appointments',
          element: (
            <Guard method="appointments.day">
              <DayViewScreen />
            </Guard>
          ),
        },
        {
          path: 'queue',
          element: (
            <Guard method="appointments.queue">
              <QueueScreen />
            </Guard>
          ),
        },
        {
          path: 'schedules',
          element: (
            <Guard method="schedules.setWeekly">
              <SchedulesScreen />
            </Guard>
          ),
        },
        {
          path: 'devices',
          element: (
            <Guard method="devices.list">
              <DevicesScreen />
            </Guard>
          ),
        },
        {
          path: 'inbox',
          element: (
            <Guard method="inbox.list">
              <InboxScreen />
            </Guard>
          ),
        },
        {
          path: 'billing',
          element: (
            <Guard method="invoices.list">
              <InvoiceListScreen />
            </Guard>
          ),
        },
        {
          path: 'billing/new',
          element: (
            <Guard method="invoices.saveDraft">
              <NewBillScreen />
            </Guard>
          ),
        },
        {
          path: 'billing/:id',
          element: (
            <Guard method="invoices.get">
              <InvoiceScreen />
            </Guard>
          ),
        },
        {
          path: 'day-closing',
          element: (
            <Guard method="dayClosing.get">
              <DayClosingScreen />
            </Guard>
          ),
        },
        {
          path: 'gst-summary',
          element: (
            <Guard method="gst.summary">
              <GstSummaryScreen />
            </Guard>
          ),
        },
        {
          path: 'billing-settings',
          element: (
            <Guard method="billing.saveTaxProfile">
              <BillingSettingsScreen />
            </Guard>
          ),
        },
        {
          path: 'consult/:appointmentId',
          element: (
            <Guard method="consult.visit">
              <ConsultScreen />
            </Guard>
          ),
        },
        {
          path: 'labs/:patientId',
          element: (
            <Guard method="labs.list">
              <LabsScreen />
            </Guard>
          ),
        },
        {
          path: 'templates',
          element: (
            <Guard method="consult.templates">
              <TemplatesScreen />
            </Guard>
          ),
        },
        { path: 'not-allowed', element: <NotAllowed /> },
        { path: '*', element: <NotFound /> },
      ],
    },
    // Print views: the document alone, without the app's header and menu.
    {
      path: '/print/invoice/:id',
      element: (
        <Guard method="invoices.get">
          <PrintInvoice />
        </Guard>
      ),
    },
    {
      path: '/print/prescription/:id',
      element: (
        <Guard method="prescriptions.print">
          <PrintPrescription />
        </Guard>
      ),
    },
    {
      path: '/print/receipt/:invoiceId/:paymentId',
      element: (
        <Guard method="invoices.get">
          <PrintReceipt />
        </Guard>
      ),
    },
  ]);
}

/** Everything after sign-in. The lock screen goes over it; the app underneath stays mounted. */
export function SignedInApp() {
  const { phase, lock } = useAuth();
  const session = useSession();
  const [router] = useState(makeRouter);
  const locked = phase.kind === 'app' && phase.locked;
  useIdleLock(session.idleLockMinutes, locked, () => void lock());

  return (
    <>
      <div inert={locked} aria-hidden={locked || undefined} style={{ height: '100%' }}>
        <RouterProvider router={router} />
      </div>
      {locked && <LockOverlay session={session} />}
    </>
  );
}
