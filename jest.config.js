/**
 * Two jest projects. `unit`: the tests that need no database server at all (pure functions, the CLI's
 * own checks, the PHP and HTML the installer writes); `npm run test:unit` runs them alone, with no
 * server started and BXSUP_TEST_DB_URL hidden (test/helpers/unitProject.ts), so one that reaches for a
 * database fails. `db`: every other test file, on the server test/helpers/globalSetup.ts finds or
 * starts. A new test file is a db test until it is listed here.
 */
const UNIT_TESTS = [
  'bridge/serverFeatures',
  'cli/lazyCommands',
  'core/instantToNative',
  'core/lockConflicts',
  'core/maskSecrets',
  'core/maxRowsPerSecond',
  'core/openSweepSeconds',
  'core/readAhead',
  'core/rowBudget',
  'escalator/agentPlan',
  'escalator/slaStateField',
  'helpers/seededRandom',
  'lint/tableOwnership',
  'mail/claimSize',
  'mail/headers',
  'mail/links',
  'mail/passObjects',
  'mail/rawSend',
  'mail/retryPolicy',
  'mail/searchIndex',
  'mail/siteSender',
  'picker/formInChromium',
  'picker/orderPage',
  'picker/phpSyntax',
  'picker/plan',
  'picker/ticketForm',
  'queue/formatQueue',
  'queue/queueOptions',
  'report/businessClock',
  'report/chromiumSettle',
  'report/durationCounts',
  'report/reportPure',
  'service/configPrivacy',
  'service/expectedPasses',
  'service/systemdUnit',
  'sla/calendar',
  'sla/nativeSchedule',
  'sla/slaPolicy',
  'sync/mapping',
  'sync/sweepWindow',
];

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};

/** @type {import('jest').Config} */
module.exports = {
  // Each db test file creates its own database on the shared server; two workers match the two cores.
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: UNIT_TESTS.map((name) => `<rootDir>/test/${name}.test.ts`),
      setupFiles: ['<rootDir>/test/helpers/unitProject.ts'],
    },
    {
      ...shared,
      displayName: 'db',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        ...UNIT_TESTS.map((name) => `^<rootDir>/test/${name}\\.test\\.ts$`),
      ],
      globalSetup: '<rootDir>/test/helpers/globalSetup.ts',
      globalTeardown: '<rootDir>/test/helpers/globalTeardown.ts',
    },
  ],
};
