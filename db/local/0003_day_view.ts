import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The day view shows every appointment of a day with its patient's name and MRN: a thousand or more
 * patient look-ups by id. This index holds exactly what a look-up needs, so each is one b-tree
 * search (the UNIQUE index on id alone costs a second search into the table for every row).
 */
export const migration0003: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    await sql.raw(`CREATE INDEX patients_label ON patients (id, full_name, mrn)`).execute(db);
  },
};
