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
        { path: 'not-allowed', element: <NotAllowed /> },
        { path: '*', element: <NotFound /> },
      ],
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
