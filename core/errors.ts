/**
 * The few named errors the user can meet. Each carries a stable code, the exit code the CLI maps it to
 * (2: usage, configuration or environment; 1: a failure while working) and a one-line message that says
 * how to fix the problem. The original error, if any, is kept as `cause` for the debug log.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'DB_UNREACHABLE'
  | 'DB_AUTH'
  | 'DB_NOT_BITRIX'
  | 'DB_VERSION'
  | 'DB_PRIVILEGES'
  | 'SCHEMA_TOO_NEW'
  | 'SCHEMA_NOT_INSTALLED'
  | 'BITRIX_SETTINGS'
  | 'TEMPLATE_INVALID'
  | 'NOT_FOUND'
  | 'WORK_FAILED';

const ENVIRONMENT_CODES: ReadonlySet<ErrorCode> = new Set([
  'CONFIG_INVALID',
  'USAGE',
  'DB_UNREACHABLE',
  'DB_AUTH',
  'DB_NOT_BITRIX',
  'DB_VERSION',
  'DB_PRIVILEGES',
  'SCHEMA_TOO_NEW',
  'SCHEMA_NOT_INSTALLED',
  'BITRIX_SETTINGS',
  'TEMPLATE_INVALID',
  'NOT_FOUND',
]);

export class BxsupError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: 1 | 2;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BxsupError';
    this.code = code;
    this.exitCode = ENVIRONMENT_CODES.has(code) ? 2 : 1;
  }
}

export function isBxsupError(err: unknown): err is BxsupError {
  return err instanceof BxsupError;
}
