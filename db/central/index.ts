import type { Migration } from 'kysely';
import { migration0001 } from './0001_synced_tables';
import { migration0002 } from './0002_row_version_and_change_log';
import { migration0003 } from './0003_devices_and_enrolment';
import { migration0004 } from './0004_shapes_and_station_roles';
import { migration0005 } from './0005_setup_codes';
import { migration0006 } from './0006_mutations';
import { migration0007 } from './0007_billing';
import { migration0008 } from './0008_razorpay';
import { migration0009 } from './0009_consultation';

/** PostgreSQL migrations of the central sync server. Forward-only, in order: never edit one that has shipped, add the next. */
export const centralMigrations: Record<string, Migration> = {
  '0001_synced_tables': migration0001,
  '0002_row_version_and_change_log': migration0002,
  '0003_devices_and_enrolment': migration0003,
  '0004_shapes_and_station_roles': migration0004,
  '0005_setup_codes': migration0005,
  '0006_mutations': migration0006,
  '0007_billing': migration0007,
  '0008_razorpay': migration0008,
  '0009_consultation': migration0009,
};
