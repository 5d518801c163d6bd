import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSetupCode } from '../src-server/services/founding';
import { freshDatabase, TEST_PG_URL, type TestDatabase } from '../src-server/test/backends';
import { spawnServer, type SpawnedServer } from '../src-server/test/spawn';
import { addStaff, captureLogger, openTestDesk, tempDir, until, type TestDesk } from './helpers';
import { letters, network, pendingOn, readDesk, SYNC } from './sync-world';

/**
 * The server process is killed (SIGKILL, as a power cut would) in the middle of a desk's push of a day's
 * offline work, and started again: nothing is lost and nothing is applied twice. A separate process
 * (the server's own command line) on PostgreSQL, so that the kill is real.
 */
describe.skipIf(!TEST_PG_URL)('the server killed in the middle of a push (postgres)', () => {
  let t: TestDatabase;
  let server: SpawnedServer;
  let desk: TestDesk;
  const dataDir = tempDir('clinicdesk-crash-');
  const env = () => ({ ...process.env, DATABASE_URL: t.url!, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    t = await freshDatabase('postgres');
    server = await spawnServer({ env: env(), dataDir });
  }, 120_000);
  afterAll(async () => {
    await desk?.close();
    await server?.stop();
    await t?.dispose();
  }, 60_000);

  it('after a restart every mutation is on the server exactly once', async () => {
    const net = network();
    let kill: (() => void) | null = null;
    const killing: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const k = kill;
      if (k && url.endsWith('/v1/mutations')) {
        kill = null;
        setTimeout(k, 40); // the batch is being applied: the server dies half way through it
      }
      return net.fetch(input, init);
    };
    desk = await openTestDesk({ logger: captureLogger(), sync: { ...SYNC, fetch: killing } });
    const frontDesk = await addStaff(desk, 'front_desk', 'farah');
    await addStaff(desk, 'doctor', 'drrao');
    const doctorId = (await desk.call('doctors.list', {})).find((x) => x.displayName === 'Test doctor')!.staffId;
    const setup = (await createSetupCode(t.central.db, { now: new Date() }))!;
    await desk.call('sync.connect', { serverUrl: server.url, code: setup.code, deviceName: 'Reception' });

    // A day offline: 300 registrations and 60 walk-ins (each a row, two transitions and a token).
    net.online = false;
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const p = await desk.call('patients.register', { patient: { fullName: `Crash Test ${letters(i)}`, sex: 'female', ageYears: 30, mobile: `98333${String(i).padStart(5, '0')}` } }, frontDesk);
      ids.push(p.id);
      if (i % 5 === 0) await desk.call('appointments.walkIn', { doctorId, patientId: p.id, type: 'new' }, frontDesk);
    }
    expect(pendingOn(desk)).toBe(360);

    const port = Number(new URL(server.url).port);
    let killed = false;
    kill = () => {
      killed = true;
      server.child.kill('SIGKILL');
    };
    net.online = true;
    await until(() => killed && server.child.exitCode === null && server.child.signalCode !== null, 'the server killed', 30_000);
    const between = Number((await t.central.db.selectFrom('mutations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    server = await spawnServer({ env: env(), dataDir, port });
    await until(() => pendingOn(desk) === 0, 'the outbox sent after the restart', 60_000);

    expect(between).toBeLessThan(360); // the kill did interrupt the push
    const mutations = await t.central.db.selectFrom('mutations').select(['status']).execute();
    expect(mutations).toHaveLength(360);
    expect(mutations.every((m) => m.status === 'applied')).toBe(true);
    const patients = await t.central.db.selectFrom('patients').select('id').where('full_name', 'like', 'Crash Test %').execute();
    expect(patients.map((p) => p.id).sort()).toEqual([...ids].sort());
    const walkIns = await t.central.db.selectFrom('appointments').select(['id', 'token']).where('kind', '=', 'walk_in').orderBy('token').execute();
    expect(walkIns.map((w) => w.token)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const transitions = await t.central.db.selectFrom('appointment_transitions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(transitions.n)).toBe(120);
    expect(readDesk<{ n: number }>(desk, `SELECT count(*) AS n FROM outbox WHERE status = 'rejected'`)[0]!.n).toBe(0);
    expect(readDesk<{ n: number }>(desk, 'SELECT count(*) AS n FROM inbox')[0]!.n).toBe(0);
  }, 180_000);
});
