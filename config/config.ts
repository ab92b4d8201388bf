import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BxsupError } from '../core/errors';
import { TICKET_STATUSES } from '../core/ticketVocabulary';
import { mailConfigSchema } from '../mail/mailConfig';
import { slaConfigSchema } from '../sla/slaSchema';
import { escalationConfigSchema } from '../escalator/escalationConfig';
import { metricsConfigSchema } from '../service/metricsConfig';
import { syncConfigSchema } from '../sync/syncConfig';

/**
 * Configuration: defaults < bxsup.config.json (or --config / BXSUP_CONFIG) < environment
 * (BXSUP_DB_URL, BXSUP_SMTP_URL, BXSUP_SITE_URL) < flags. Validated once; an unknown or bad key
 * is reported by its dotted name with what it should be.
 */
const statusName = z.enum(TICKET_STATUSES);
const priorityNumber = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

const configSchema = z
  .object({
    db: z
      .object({
        url: z.string().min(1).optional(),
        bitrixRoot: z.string().min(1).optional(),
        /**
         * Rows per second the background sweeps (the reconciliation) may make the server examine, on
         * average (core/rowBudget.ts): they pace themselves to it and carry the rest to the next pass.
         */
        maxRowsPerSecond: z.number().int().min(100).max(10_000_000).default(5000),
      })
      .strict()
      .default({}),
    site: z
      .object({
        /** IANA zone the native DATETIMEs are written in; default: the database server's zone. */
        timeZone: z.string().min(1).optional(),
        /** Public base URL of the shop (https://shop.example.com); default: b_lang.SERVER_NAME. */
        baseUrl: z.string().url().optional(),
        /** Per-site overrides of baseUrl, by Bitrix site ID. */
        baseUrls: z.record(z.string(), z.string().url()).default({}),
        /** Unset: the support module's own public link (its SUPPORT_DIR / SUPPORT_EDIT options). */
        ticketPath: z.string().optional(),
        ticketPaths: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .default({}),
    sync: syncConfigSchema.default({}),
    mapping: z
      .object({
        /** b_ticket_dictionary ID of a criticality → our priority 1..4. */
        criticality: z.record(z.string().regex(/^\d+$/), priorityNumber).default({}),
        /** b_ticket_dictionary ID of a status → our status. */
        status: z.record(z.string().regex(/^\d+$/), statusName).default({}),
      })
      .strict()
      .default({}),
    mail: mailConfigSchema.default({}),
    sla: slaConfigSchema.default({}),
    escalation: escalationConfigSchema.default({}),
    metrics: metricsConfigSchema.default({}),
    log: z
      .object({
        level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
        format: z.enum(['auto', 'pretty', 'json']).default('auto'),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export interface LoadConfigOptions {
  /** --config; else BXSUP_CONFIG; else ./bxsup.config.json when it exists. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, already shaped like the config. */
  overrides?: ConfigInput;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The file the configuration came from, if any. */
  file: string | null;
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.configPath ?? env.BXSUP_CONFIG;
  const file = explicit ? path.resolve(cwd, explicit) : defaultConfigFile(cwd);
  const fromFile = file ? readConfigFile(file) : {};
  const merged = deepMerge(
    deepMerge(fromFile, fromEnv(env)),
    (options.overrides ?? {}) as Record<string, unknown>,
  );
  return { config: validateConfig(merged, file ?? 'configuration'), file };
}

export function validateConfig(input: unknown, source = 'configuration'): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = [...issue.path, ...('keys' in issue ? [(issue.keys as string[])[0]] : [])].join('.');
  const what = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message.toLowerCase();
  throw new BxsupError(
    'CONFIG_INVALID',
    `${source}: ${key || '(top level)'}: ${what}: fix or remove it (see README.md, "Configuration")`,
  );
}

function defaultConfigFile(cwd: string): string | null {
  const candidate = path.join(cwd, 'bxsup.config.json');
  return existsSync(candidate) ? candidate : null;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new BxsupError(
      'CONFIG_INVALID',
      `cannot read the config file ${file}: check the path given with --config or BXSUP_CONFIG`,
      { cause },
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new BxsupError('CONFIG_INVALID', `${file} is not a JSON object: ${(cause as Error).message}`, {
      cause,
    });
  }
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  if (env.BXSUP_DB_URL) out.db = { url: env.BXSUP_DB_URL };
  if (env.BXSUP_SITE_URL) out.site = { baseUrl: env.BXSUP_SITE_URL };
  if (env.BXSUP_SMTP_URL) out.mail = { smtpUrl: env.BXSUP_SMTP_URL };
  return out;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
