/**
 * A numbered, append-only step of our schema. MySQL commits DDL implicitly, so a migration cannot be
 * rolled back half-way: every statement must be safe to run again (CREATE … IF NOT EXISTS, ADD COLUMN
 * IF NOT EXISTS on MariaDB is not on MySQL, so guard ALTERs with `skipIf`) so that a crash mid-migration
 * is repaired by the next install.
 */
import { Db } from '../core/db';

export interface MigrationStatement {
  sql: string;
  /** True when the statement's effect is already there (checked before running it). */
  skipIf?: (db: Db) => Promise<boolean>;
}

export interface Migration {
  version: number;
  name: string;
  statements: Array<string | MigrationStatement>;
}

/** Our tables all start with this prefix: uninstall --purge drops exactly these. */
export const OUR_TABLE_PREFIX = 'bl_support_';
