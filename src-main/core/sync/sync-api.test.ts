import { afterEach, describe, expect, it } from 'vitest';
import { addStaff, openTestDesk, type TestDesk } from '../../../tests/helpers';

/** The sync methods on a desk that has not joined a server: who may call them, and what they answer. */
const desks: TestDesk[] = [];
async function desk(options: Parameters<typeof openTestDesk>[0] = {}) {
  const d = await openTestDesk(options);
  desks.push(d);
  return d;
}
afterEach(async () => {
  while (desks.length) await desks.pop()!.close();
});

describe('sync on a standalone desk', () => {
  it('reports standalone to anyone, with the unsent outbox count', async () => {
    const d = await desk();
    await d.call('patients.register', { patient: { fullName: 'Ravi Shankar', sex: 'male', ageYears: 30, mobile: '9845012345' } });
    const s = await d.call('sync.status', {}, null);
    expect(s).toEqual({ state: 'standalone', serverUrl: null, lastSyncedAt: null, pendingMutations: 2, needsAttention: 0, stationRole: null, shapes: [] });
  });

  it('refuses to join once the desk has its own clinic', async () => {
    const d = await desk();
    const e = await d.fail('sync.join', { serverUrl: '127.0.0.1:9', code: 'ABCD-EFGH', deviceName: 'Front desk' }, null);
    expect(e).toMatchObject({ code: 'conflict', reason: 'already_set_up' });
  });

  it('device administration is for administrators, and needs a server', async () => {
    const d = await desk();
    const frontDesk = await addStaff(d, 'front_desk', 'meena');
    for (const method of ['devices.list', 'devices.createEnrolmentCode', 'devices.revoke'] as const) {
      const input = method === 'devices.revoke' ? { id: '01a21432-6880-75c5-ba82-8ba2e7ee7069' } : {};
      expect((await d.fail(method, input, frontDesk)).code).toBe('permission');
      expect((await d.fail(method, input, null)).code).toBe('unauthenticated');
      expect(await d.fail(method, input)).toMatchObject({ code: 'conflict', reason: 'standalone' });
    }
  });

  it('a desk that joins is told in plain words when nothing answers', async () => {
    const d = await desk({ setup: false });
    const e = await d.fail('sync.join', { serverUrl: 'http://127.0.0.1:9/', code: 'ABCD-EFGH', deviceName: 'Front desk' }, null);
    expect(e.message).toBe(
      "The server did not answer at http://127.0.0.1:9. Check the address, that this PC is on the clinic's network, and that the server is running.",
    );
    expect((await d.call('sync.status', {}, null)).state).toBe('standalone');
  });
});
