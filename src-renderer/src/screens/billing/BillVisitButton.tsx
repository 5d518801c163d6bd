import { useState } from 'react';
import { Button, type ButtonProps } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileInvoice } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { AppointmentStatusName } from '../../../../src-shared/api/types';
import { api, errorBody } from '../../api/client';
import { billingKeys } from '../../api/billing';
import { useCan } from '../../app/Guard';

const BILLABLE: ReadonlySet<AppointmentStatusName> = new Set<AppointmentStatusName>(['checked_in', 'in_consult', 'completed']);

/**
 * "Bill" on a visit that has been seen (checked in, in consultation or done), for who may bill: opens the visit's
 * bill — a new draft at the doctor's fee, or the one it already has.
 */
export function BillVisitButton({ appointmentId, status, patientName, ...props }: { appointmentId: string; status: AppointmentStatusName; patientName?: string } & ButtonProps) {
  const can = useCan();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  if (!BILLABLE.has(status) || !can('invoices.draftForVisit')) return null;
  const open = async () => {
    setBusy(true);
    try {
      const inv = await api.call('invoices.draftForVisit', { appointmentId });
      queryClient.setQueryData(billingKeys.invoice(inv.id), inv);
      void navigate(`/billing/${inv.id}`);
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not open the bill', message: errorBody(e).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      color="orange"
      variant="light"
      leftSection={<IconFileInvoice size={16} />}
      loading={busy}
      aria-label={patientName ? `Bill ${patientName}` : undefined}
      {...props}
      onClick={(e) => {
        e.stopPropagation();
        void open();
      }}
    >
      Bill
    </Button>
  );
}
