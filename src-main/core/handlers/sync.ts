import { unauthenticated } from '../../../src-shared/errors';
import type { Handlers } from '../context';
import type { SyncManager } from '../sync/manager';

/** Joining a clinic server, the sync indicator, and the device administration relayed to the server. */
export function syncHandlers(sync: SyncManager): Pick<Handlers, 'sync.join' | 'sync.connect' | 'sync.status' | 'devices.list' | 'devices.revoke' | 'devices.createEnrolmentCode'> {
  return {
    async 'sync.join'(_ctx, input) {
      return sync.join(input);
    },

    async 'sync.connect'(ctx, input) {
      if (!ctx.session) throw unauthenticated();
      const result = await sync.connect(input);
      ctx.log.log('info', 'sync.connected', { by: ctx.session.userId, deviceId: result.deviceId });
      return result;
    },

    async 'sync.status'(ctx) {
      return sync.status(ctx.db);
    },

    async 'devices.list'(ctx) {
      if (!ctx.session) throw unauthenticated();
      return sync.listDevices(ctx.session.userId);
    },

    async 'devices.revoke'(ctx, { id }) {
      if (!ctx.session) throw unauthenticated();
      const device = await sync.revokeDevice(ctx.session.userId, id);
      ctx.log.log('info', 'devices.revoked', { deviceId: device.id, by: ctx.session.userId });
      return device;
    },

    async 'devices.createEnrolmentCode'(ctx, input) {
      if (!ctx.session) throw unauthenticated();
      const code = await sync.createEnrolmentCode(ctx.session.userId, input);
      // The code itself is a secret for the administrator's eyes: not logged.
      ctx.log.log('info', 'devices.enrolment_code_created', { by: ctx.session.userId, station: code.stationRole });
      return code;
    },
  };
}
