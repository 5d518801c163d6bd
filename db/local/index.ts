import type { Migration } from 'kysely';
import { migration0001 } from './0001_foundation';
import { migration0002 } from './0002_appointments';

/** Forward-only, in order. Never edit a migration that has shipped: add the next one. */
export const localMigrations: Record<string, Migration> = {
  '0001_foundation': migration0001,
  '0002_appointments': migration0002,
};
