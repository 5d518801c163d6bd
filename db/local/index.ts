import type { Migration } from 'kysely';
import { migration0001 } from './0001_foundation';
import { migration0002 } from './0002_appointments';
import { migration0003 } from './0003_day_view';
import { migration0004 } from './0004_sync';
import { migration0005 } from './0005_day_view_index';
import { migration0006 } from './0006_sync_deferred';
import { migration0007 } from './0007_drop_appointments_day';
import { migration0008 } from './0008_write_path';
import { migration0009 } from './0009_billing';
import { migration0010 } from './0010_consultation';

/** Forward-only, in order. Never edit a migration that has shipped: add the next one. */
export const localMigrations: Record<string, Migration> = {
  '0001_foundation': migration0001,
  '0002_appointments': migration0002,
  '0003_day_view': migration0003,
  '0004_sync': migration0004,
  '0005_day_view_index': migration0005,
  '0006_sync_deferred': migration0006,
  '0007_drop_appointments_day': migration0007,
  '0008_write_path': migration0008,
  '0009_billing': migration0009,
  '0010_consultation': migration0010,
};
