import type { Migration } from 'kysely';
import { migration0001 } from './0001_foundation';

/** Forward-only, in order. Never edit a migration that has shipped: add the next one. */
export const localMigrations: Record<string, Migration> = {
  '0001_foundation': migration0001,
};
