import { Db } from '../core/db';
import { DbTarget } from '../core/dbUrl';
import { SqlRunner } from '../core/sqlRunner';

/**
 * One step of `bxsup install` and what it is given. The steps live with the capability whose work
 * they do (schema/install.ts, mail/install/, sitefiles/); install/install.ts lists them in order and
 * schema/install.ts runs the list. A file of its own so that a step can name these types without
 * importing the installer.
 */
export interface InstallOptions {
  dryRun: boolean;
  seedDictionaries: boolean;
  /** Switch off the native mails to customers that ours replace (mail/install/takeOverCustomerMail.ts). */
  takeOverCustomerMail?: boolean;
  /** Place the customer form's order picker when a site root is known (`--no-order-picker` says no). */
  orderPicker?: boolean;
  /** Also wrap the order page with an "Ask about this order" link to this address (#ORDER_ID#). */
  orderPageLink?: string | null;
}

export interface InstallDeps {
  db: Db;
  target: DbTarget;
  runner: SqlRunner;
  now: Date;
  /** The site's document root (--bitrix-root / db.bitrixRoot), when known: Bitrix's caches are cleared there, the order picker's files placed. */
  bitrixRoot?: string;
  /** A line under the current step: in a dry run, each file it would write. */
  note?: (line: string) => void;
  /** Called once per step, as it ends: "[2/4] our tables: created (schema version 1)". */
  onStep: (index: number, total: number, title: string, result: string) => void;
}

export interface StepOutcome {
  result: string;
  /** Whether anything was (or, in a dry run, would be) changed. */
  changed: boolean;
  /** What the admin should know (printed as warnings after the steps). */
  warnings?: string[];
}

export interface InstallStep {
  title: string;
  /** Refuses (throws) before any step changes anything: the site's own files in our way. */
  check?(deps: InstallDeps, options: InstallOptions): Promise<void>;
  /** Returns the one-line result. */
  run(deps: InstallDeps, options: InstallOptions): Promise<StepOutcome>;
  /**
   * What of this step's work is missing from the database now (an install stopped half-way, a row
   * removed by hand), for `bxsup status`; empty when complete. Steps whose work is optional have none.
   */
  verify?(db: Db): Promise<string[]>;
}
