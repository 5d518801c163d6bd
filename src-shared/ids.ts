import { v7 as uuidv7 } from 'uuid';

/** A new row id: UUIDv7 text, made on the device that creates the row (DESIGN.md §3). */
export function newId(): string {
  return uuidv7();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
