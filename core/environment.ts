/**
 * The BXSUP_* environment variables bxsup reads. A misspelt one (BXSUP_DB_ULR) would otherwise be
 * ignored in silence and the command would use another database or none: it gets a warning that names
 * the known ones. The tests' and benchmarks' own variables count as known.
 */
export const KNOWN_VARIABLES = [
  'BXSUP_DB_URL',
  'BXSUP_SMTP_URL',
  'BXSUP_SITE_URL',
  'BXSUP_CONFIG',
  'BXSUP_DEBUG',
  'BXSUP_OPERATOR_ID',
  'BXSUP_SYSTEMD_DIR',
] as const;

const OWN_TOOLS = /^BXSUP_(TEST_|BENCH_|FAULT_|CHROMIUM$|REPORT_SCREENSHOT$)/;

/** One warning line per unknown BXSUP_* variable, or none. */
export function unknownVariableWarnings(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('BXSUP_'))
    .filter((name) => !(KNOWN_VARIABLES as readonly string[]).includes(name) && !OWN_TOOLS.test(name))
    .sort()
    .map(
      (name) => `unknown environment variable ${name} is ignored (bxsup reads ${KNOWN_VARIABLES.join(', ')})`,
    );
}
