import { useState } from 'react';
import { Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { staffFields } from '../../../../src-shared/api/contract';
import { newPassword, personName } from '../../../../src-shared/api/fields';
import type { StaffMember } from '../../../../src-shared/api/types';
import { ASSIGNABLE_ROLES, ROLE_LABELS } from '../../../../src-shared/roles';
import { api, errorBody } from '../../api/client';
import { keys } from '../../api/queries';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { zodFieldErrors } from '../../lib/formErrors';
import { REQUIRED } from '../../lib/required';
import { fieldsFor, useFormSubmit } from '../../lib/useFormSubmit';

const ROLE_OPTIONS = ASSIGNABLE_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

function useRefreshStaff() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: keys.staff });
}

function passwordsDiffer(password: string, confirm: string): string | null {
  return password !== confirm ? 'The two passwords are not the same.' : null;
}

// ---- Add staff ------------------------------------------------------------------------------
interface NewStaffValues {
  displayName: string;
  username: string;
  role: string | null;
  password: string;
  confirm: string;
}

export function AddStaffModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const refresh = useRefreshStaff();
  const form = useForm<NewStaffValues>({
    initialValues: { displayName: '', username: '', role: 'front_desk', password: '', confirm: '' },
    validateInputOnBlur: true,
    validate: (v) => {
      const parsed = staffFields.safeParse({ displayName: v.displayName, username: v.username, role: v.role ?? undefined, password: v.password });
      const errors = parsed.success ? {} : zodFieldErrors(parsed.error);
      const confirm = passwordsDiffer(v.password, v.confirm);
      if (confirm) errors.confirm = confirm;
      return errors;
    },
  });

  const { busy, refusal, setRefusal, onSubmit } = useFormSubmit(form, fieldsFor(null, ['displayName', 'username', 'role', 'password']));
  const close = () => {
    setRefusal(null);
    onClose();
  };

  const submit = onSubmit(async (v) => {
    const member = await api.call('staff.create', { displayName: v.displayName, username: v.username, role: v.role as (typeof ASSIGNABLE_ROLES)[number], password: v.password });
    notifications.show({ color: 'teal', title: 'Staff member added', message: `${member.displayName} can now sign in as ${member.username}.` });
    refresh();
    form.reset();
    close();
  });

  return (
    <Modal opened={opened} onClose={close} title="Add staff member" centered size="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} />
          <TextInput label="Full name" {...REQUIRED} autoComplete="off" data-autofocus {...form.getInputProps('displayName')} />
          <TextInput label="Username" {...REQUIRED} autoComplete="off" description="Letters, digits, dots or underscores; starts with a letter" {...form.getInputProps('username')} />
          <Select label="Role" {...REQUIRED} allowDeselect={false} data={ROLE_OPTIONS} {...form.getInputProps('role')} />
          <PasswordInput label="Password" {...REQUIRED} autoComplete="new-password" description="At least 8 characters" {...form.getInputProps('password')} />
          <PasswordInput label="Confirm password" {...REQUIRED} autoComplete="new-password" {...form.getInputProps('confirm')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create staff member
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

// ---- Edit (name, role) ----------------------------------------------------------------------
export function EditStaffModal({ member, onClose }: { member: StaffMember; onClose: () => void }) {
  const refresh = useRefreshStaff();
  const form = useForm({
    initialValues: { displayName: member.displayName, role: member.role as string | null },
    validateInputOnBlur: true,
    validate: {
      displayName: (v) => {
        const r = personName('Name').safeParse(v);
        return r.success ? null : (r.error.issues[0]?.message ?? 'Name is not valid.');
      },
      role: (v) => (v ? null : 'Choose a role.'),
    },
  });

  const { busy, refusal, onSubmit } = useFormSubmit(form, fieldsFor(null, ['displayName', 'role']));
  const submit = onSubmit(async (v) => {
    const input: { id: string; displayName?: string; role?: (typeof ASSIGNABLE_ROLES)[number] } = { id: member.id };
    if (v.displayName.trim() !== member.displayName) input.displayName = v.displayName;
    if (v.role !== member.role) input.role = v.role as (typeof ASSIGNABLE_ROLES)[number];
    if (input.displayName === undefined && input.role === undefined) return onClose();
    await api.call('staff.update', input);
    notifications.show({ color: 'teal', message: 'Staff member updated.' });
    refresh();
    onClose();
  });

  return (
    <Modal opened onClose={onClose} title={`Edit ${member.displayName}`} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} />
          <TextInput label="Full name" {...REQUIRED} autoComplete="off" data-autofocus {...form.getInputProps('displayName')} />
          <TextInput label="Username" value={member.username} readOnly disabled description="A username cannot be changed." />
          <Select label="Role" {...REQUIRED} allowDeselect={false} data={ROLE_OPTIONS} {...form.getInputProps('role')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

// ---- Deactivate / activate ------------------------------------------------------------------
export function SetActiveModal({ member, onClose }: { member: StaffMember; onClose: () => void }) {
  const refresh = useRefreshStaff();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const activate = !member.active;
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('staff.setActive', { id: member.id, active: activate });
      notifications.show({ color: 'teal', message: activate ? `${member.displayName} can sign in again.` : `${member.displayName} has been deactivated.` });
      refresh();
      onClose();
    } catch (e) {
      setError(errorBody(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={activate ? `Activate ${member.displayName}?` : `Deactivate ${member.displayName}?`} centered>
      <Stack gap="sm">
        <ApiErrorAlert message={error} />
        <Text size="sm">
          {activate
            ? 'They will be able to sign in again with their username and password.'
            : 'They will be signed out and cannot sign in until an administrator activates the account again. Their records stay.'}
        </Text>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color={activate ? 'teal' : 'red'} loading={busy} onClick={() => void run()}>
            {activate ? 'Activate' : 'Deactivate'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

// ---- Reset password -------------------------------------------------------------------------
export function ResetPasswordModal({ member, onClose }: { member: StaffMember; onClose: () => void }) {
  const form = useForm({
    initialValues: { newPassword: '', confirm: '' },
    validateInputOnBlur: true,
    validate: {
      newPassword: (v) => {
        const r = newPassword.safeParse(v);
        return r.success ? null : (r.error.issues[0]?.message ?? 'Password is not valid.');
      },
      confirm: (v, values) => passwordsDiffer(values.newPassword, v),
    },
  });
  const { busy, refusal, onSubmit } = useFormSubmit(form, fieldsFor(null, ['newPassword']));
  const submit = onSubmit(async (v) => {
    await api.call('staff.resetPassword', { id: member.id, newPassword: v.newPassword });
    notifications.show({ color: 'teal', message: `${member.displayName}'s password was reset. Tell them the new one in person.` });
    onClose();
  });
  return (
    <Modal opened onClose={onClose} title={`Reset password for ${member.displayName}`} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} />
          <Text size="sm" c="dimmed">
            They will be signed out everywhere and must use the new password.
          </Text>
          <PasswordInput label="New password" {...REQUIRED} autoComplete="new-password" description="At least 8 characters" data-autofocus {...form.getInputProps('newPassword')} />
          <PasswordInput label="Confirm new password" {...REQUIRED} autoComplete="new-password" {...form.getInputProps('confirm')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Set new password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
