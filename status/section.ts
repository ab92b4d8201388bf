import { Config } from '../config/config';
import { Db } from '../core/db';

/** One part of `bxsup status`: its facts for --json, its lines for people, and what is wrong. */
export interface StatusSection {
  key: string;
  data: Record<string, unknown>;
  lines: Array<[label: string, value: string]>;
  problems: string[];
  /** Worth knowing, not a reason to call the bridge unhealthy (e.g. MyISAM tables). */
  warnings?: string[];
}

export interface StatusDeps {
  db: Db;
  config: Config;
  now: Date;
}

export type StatusCollector = (deps: StatusDeps) => Promise<StatusSection>;
