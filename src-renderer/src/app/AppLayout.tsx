import { useEffect } from 'react';
import { AppShell, Badge, Box, Button, Divider, Group, Kbd, NavLink, Stack, Text, ThemeIcon, VisuallyHidden } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBuildingHospital,
  IconCalendarEvent,
  IconCalendarTime,
  IconCashRegister,
  IconDevicesPc,
  IconFileInvoice,
  IconReceiptTax,
  IconReportAnalytics,
  IconListNumbers,
  IconLock,
  IconLogout,
  IconSettings,
  IconStethoscope,
  IconTemplate,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { ROLE_LABELS } from '../../../src-shared/roles';
import { useAuth, useSession } from './auth';
import { useCan } from './Guard';
import { dialogOpen, requestSearchFocus } from './shortcuts';
import { SyncIndicator } from './SyncIndicator';
import { useSyncStatus } from '../api/queries';

const ROLE_COLORS: Record<string, string> = { admin: 'grape', front_desk: 'clinic', doctor: 'blue', accounts: 'orange', pharmacy: 'gray' };

function useGlobalShortcuts(canRegister: boolean) {
  const navigate = useNavigate();
  const location = useLocation();
  const { phase } = useAuth();
  const locked = phase.kind === 'app' && phase.locked;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (locked) return;
      const key = e.key.toLowerCase();
      const search = e.key === 'F2' || ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && key === 'k');
      // Alt+N: e.code, because Alt changes e.key on some layouts.
      const register = e.altKey && !e.ctrlKey && !e.metaKey && (e.code === 'KeyN' || key === 'n');
      if (search) {
        e.preventDefault();
        if (dialogOpen()) return;
        if (location.pathname !== '/patients') void navigate('/patients');
        requestSearchFocus();
      } else if (register && canRegister) {
        e.preventDefault();
        if (dialogOpen()) return;
        if (location.pathname !== '/patients/new') void navigate('/patients/new');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [locked, navigate, location.pathname, canRegister]);
}

export function AppLayout() {
  const session = useSession();
  const { lock, signOut } = useAuth();
  const can = useCan();
  const location = useLocation();
  const canRegister = can('patients.register');
  useGlobalShortcuts(canRegister);
  const sync = useSyncStatus();
  // Devices are the clinic server's: the screen is for administrators on a PC that has joined one.
  // On a PC working on its own too: Devices is where its administrator connects it to a clinic server.
  const showDevices = can('devices.list') && !!sync.data;
  const attention = sync.data?.needsAttention ?? 0;
  const clinicName = session.clinic.tradeName ?? session.clinic.legalName;
  const at = (prefix: string) => location.pathname === prefix || location.pathname.startsWith(prefix + '/');

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 224, breakpoint: 0 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <ThemeIcon size={32} radius="md">
              <IconStethoscope size={20} />
            </ThemeIcon>
            <Text fw={700} fz="lg" c="clinic.9">
              ClinicDesk
            </Text>
            <Divider orientation="vertical" />
            <Group gap={6} wrap="nowrap">
              <IconBuildingHospital size={18} color="var(--mantine-color-dimmed)" />
              <Text fw={500} data-testid="clinic-name" truncate maw={360}>
                {clinicName}
              </Text>
            </Group>
          </Group>
          <Group gap="md" wrap="nowrap">
            <SyncIndicator />
            <Group gap={8} wrap="nowrap">
              <Text size="sm" fw={500} data-testid="user-name">
                {session.user.displayName}
              </Text>
              <Badge variant="light" color={ROLE_COLORS[session.user.role] ?? 'gray'}>
                {ROLE_LABELS[session.user.role]}
              </Badge>
            </Group>
            <Divider orientation="vertical" />
            <Button variant="default" leftSection={<IconLock size={16} />} onClick={() => void lock()}>
              Lock
            </Button>
            <Button variant="subtle" color="gray" leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm">
        <AppShell.Section grow component="nav" aria-label="Main">
          <NavLink component={Link} to="/patients" label="Patients" leftSection={<IconUsers size={18} />} active={at('/patients')} />
          {can('appointments.day') && (
            <NavLink component={Link} to="/appointments" label="Appointments" leftSection={<IconCalendarEvent size={18} />} active={at('/appointments')} />
          )}
          {can('appointments.queue') && (
            <NavLink
              component={Link}
              to="/queue"
              label={session.user.role === 'doctor' ? 'My queue' : 'Doctor queue'}
              leftSection={<IconListNumbers size={18} />}
              active={at('/queue')}
            />
          )}
          {can('consult.templates') && (
            <NavLink component={Link} to="/templates" label="Templates" leftSection={<IconTemplate size={18} />} active={at('/templates')} />
          )}
          {can('inbox.list') && (
            <NavLink
              component={Link}
              to="/inbox"
              label={
                <>
                  Needs attention
                  {attention > 0 && <VisuallyHidden> ({attention} open)</VisuallyHidden>}
                </>
              }
              leftSection={<IconAlertTriangle size={18} />}
              rightSection={
                attention > 0 ? (
                  <Badge color="red" variant="filled" size="sm" circle={attention < 10} aria-hidden>
                    {attention}
                  </Badge>
                ) : undefined
              }
              active={at('/inbox')}
            />
          )}
          {can('invoices.list') && <NavLink component={Link} to="/billing" label="Billing" leftSection={<IconFileInvoice size={18} />} active={at('/billing')} />}
          {can('dayClosing.get') && (
            <NavLink component={Link} to="/day-closing" label="Day closing" leftSection={<IconCashRegister size={18} />} active={at('/day-closing')} />
          )}
          {can('gst.summary') && (
            <NavLink component={Link} to="/gst-summary" label="GST summary" leftSection={<IconReportAnalytics size={18} />} active={at('/gst-summary')} />
          )}
          {can('schedules.setWeekly') && (
            <NavLink component={Link} to="/schedules" label="Schedules" leftSection={<IconCalendarTime size={18} />} active={at('/schedules')} />
          )}
          {can('staff.list') && <NavLink component={Link} to="/staff" label="Staff" leftSection={<IconUsersGroup size={18} />} active={at('/staff')} />}
          {showDevices && <NavLink component={Link} to="/devices" label="Devices" leftSection={<IconDevicesPc size={18} />} active={at('/devices')} />}
          {can('billing.saveTaxProfile') && (
            <NavLink component={Link} to="/billing-settings" label="Billing settings" leftSection={<IconReceiptTax size={18} />} active={at('/billing-settings')} />
          )}
          {can('clinic.update') && (
            <NavLink component={Link} to="/settings" label="Clinic settings" leftSection={<IconSettings size={18} />} active={at('/settings')} />
          )}
        </AppShell.Section>
        <AppShell.Section>
          <Box p="xs" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
            <Text size="xs" fw={600} c="dimmed" mb={6}>
              Keyboard
            </Text>
            <Stack gap={6}>
              <Group justify="space-between" gap={4}>
                <Text size="xs" c="dimmed">
                  Find patient
                </Text>
                <span className="kbd-hint">
                  <Kbd size="xs">F2</Kbd> / <Kbd size="xs">Ctrl</Kbd>+<Kbd size="xs">K</Kbd>
                </span>
              </Group>
              {canRegister && (
                <Group justify="space-between" gap={4}>
                  <Text size="xs" c="dimmed">
                    Register patient
                  </Text>
                  <span className="kbd-hint">
                    <Kbd size="xs">Alt</Kbd>+<Kbd size="xs">N</Kbd>
                  </span>
                </Group>
              )}
            </Stack>
          </Box>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Box maw={1200}>
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
