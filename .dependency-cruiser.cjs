/**
 * The allowed imports between the project's rooms (top-level folders), checked by `npm run lint`.
 * docs/architecture.md explains the rooms and this table; change both together.
 *
 * Every import must match one `allowed` rule (anything else is an error), and no import circle may
 * exist at all. Type-only imports count (tsPreCompilationDeps): a type imported back is still a circle
 * for a reader.
 */

/** The rooms every feature room may use: the foundations below the pipeline, and the SLA's words and time. */
const BASE = ['core/', 'config/', 'bridge/', 'store/', 'schema/', 'sla/'];
/** Node built-ins and npm packages. */
const PACKAGES = { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg'] };

/** A room may import itself and what `to` lists (folders end in '/', files are named); `why` is for the reader. */
const room = (name, to, why) => ({
  from: { path: `^${name}/` },
  to: { path: `^(${[`${name}/`, ...to].map((p) => p.replace(/\./g, '\\.')).join('|')})` },
  comment: why,
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle means two modules are one: take the shared part out into a file of its own.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  allowedSeverity: 'error',
  allowed: [
    { from: {}, to: PACKAGES, comment: 'Node built-ins and npm packages' },
    { from: { path: '^core/' }, to: { path: '^core/' }, comment: 'core imports nothing of ours' },
    {
      from: { path: '^config/' },
      to: {
        path: '^(config/|core/|(mail|escalator|sync|service)/[A-Za-z]*Config\\.ts$|sla/slaSchema\\.ts$)',
      },
      comment: 'config/ composes the section each feature owns (its *Config.ts schema) into one Config',
    },
    room('lint', [], 'lint/: our own ESLint rules'),
    {
      from: { path: '^[^/]+\\.(js|cjs|mjs)$' },
      to: {},
      comment: "the tools' own configuration files at the root",
    },
    room('bridge', ['core/', 'config/'], 'bridge/ reads the native Bitrix tables; it knows no feature'),
    room('store', ['core/'], 'store/: one module per shared table of ours; it imports only core/'),
    room(
      'schema',
      ['core/', 'config/', 'bridge/', 'store/'],
      "schema/: migrations and the installer's own steps; it knows no feature",
    ),
    room(
      'sla',
      ['core/', 'bridge/'],
      "sla/: the SLA's policy, calendars and deadline arithmetic, shared by the sync, the escalator and the report; it reads the native SLA schedules",
    ),
    room('sync', BASE, 'sync/ mirrors Bitrix into our tables'),
    room('escalator', [...BASE, 'sync/store/'], 'escalator/ reads the mirror through its owner, sync/store/'),
    room(
      'mail',
      [...BASE, 'templates/', 'sync/store/'],
      'mail/ sends the outbox with the texts of templates/',
    ),
    room(
      'templates',
      [...BASE, 'mail/eventTypes.ts', 'mail/facts/'],
      'templates/ fill their placeholders from mail/facts',
    ),
    room(
      'sitefiles',
      ['core/', 'config/', 'bridge/', 'store/', 'schema/'],
      'sitefiles/ places PHP files in the site (an install step)',
    ),
    room(
      'install',
      [...BASE, 'mail/install/', 'sitefiles/'],
      "install/ puts the schema's install steps and reversers together with those each capability owns",
    ),
    room('queue', [...BASE, 'sync/store/'], 'queue/: the open-ticket queue the CLI prints'),
    room('report', [...BASE, 'queue/', 'sync/store/'], "report/ shares the queue's probes and formatting"),
    room(
      'service',
      ['core/', 'config/', 'bridge/'],
      'service/: the systemd unit, the service user, config privacy',
    ),
    room(
      'status',
      [
        ...BASE,
        'sync/',
        'escalator/',
        'mail/',
        'queue/',
        'service/',
        'sitefiles/',
        'install/',
        'daemon/dbLoad/',
        'daemon/nextRun.ts',
      ],
      '`bxsup status` reads what every room keeps; of the daemon only its load window and its timer',
    ),
    {
      from: { path: '^(daemon|cli)/' },
      to: { pathNot: '^(cli|test|bench)/' },
      comment: 'the composition roots wire everything',
    },
    { from: { path: '^cli/' }, to: { path: '^cli/' }, comment: 'the CLI root' },
    {
      from: { path: '^(demo|bench|fixtures|test)/' },
      to: { pathNot: '^(cli|test)/' },
      comment: 'tools and tests may use any room; nothing imports the CLI',
    },
    { from: { path: '^test/' }, to: { path: '^(test|cli)/' }, comment: 'tests drive the CLI too' },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage)/' },
  },
};
