import { Migration } from '../migration';
import { migration001 } from './001_initial';
import { migration002 } from './002_sync';
import { migration003 } from './003_escalation';
import { migration004 } from './004_reliability';
import { migration005 } from './005_real_sites';
import { migration006 } from './006_db_load';
import { migration007 } from './007_drop_sla_episode';
import { migration008 } from './008_escalation_outcome_by_id';

/** Every migration in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
];

export const CODE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
