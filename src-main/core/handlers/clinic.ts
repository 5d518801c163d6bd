import { notFound } from '../../../src-shared/errors';
import type { ClinicInfo } from '../../../src-shared/api/types';
import { runMutation, type Handlers } from '../context';

export const clinicHandlers: Pick<Handlers, 'clinic.get' | 'clinic.update'> = {
  async 'clinic.get'(ctx) {
    const clinic = await ctx.clinic();
    if (!clinic) throw notFound('clinic');
    return clinic;
  },

  async 'clinic.update'(ctx, input) {
    const current = await ctx.clinic();
    if (!current) throw notFound('clinic');
    // Only the fields this edit changes travel: the server merges them into the clinic as it is there.
    const set = Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify((current as unknown as Record<string, unknown>)[k])));
    try {
      return (await runMutation(ctx, 'clinic.update', { set })) as ClinicInfo;
    } finally {
      ctx.invalidateClinic();
    }
  },
};
