/**
 * Who may name each shared table of ours (issue #14: one module per table is the only code that
 * writes it and offers the queries others need). `npm run lint` fails when a file not listed here
 * spells one of these table names in a string or SQL template: call the owner instead.
 *
 * An entry is a file path or a folder ending in '/', relative to the project root. Migrations,
 * tests, benchmarks and fixtures are exempt (see EXEMPT): DDL and checks of what landed in a table
 * are not a second owner. The mirror tables (bl_support_ticket, bl_support_message) are the sync's
 * and are not listed here.
 */
export const TABLE_OWNERS = {
  bl_support_outbox: [
    'demo/runDemo.ts',
    'demo/show.ts',
    'escalator/agent/digest.ts',
    'escalator/agent/notices.ts',
    'mail/outbox/outboxRow.ts',
    'daemon/metrics/dbGauges.ts',
    'status/outboxSection.ts',
    'sync/store/outbox.ts',
  ],
  bl_support_cursor: [
    'escalator/agent/context.ts',
    'escalator/agent/passStatus.ts',
    'escalator/state/refreshDeps.ts',
    'schema/historyBaseline.ts',
    'schema/install.ts',
    'daemon/metrics/dbGauges.ts',
    'status/syncSection.ts',
    'sync/preflight.ts',
    'sync/store/cursors.ts',
    'templates/reply/seedTemplates.ts',
  ],
  bl_support_escalation: [
    'escalator/agent/digest.ts',
    'escalator/agent/distribute.ts',
    'escalator/agent/escalationStore.ts',
    'queue/schemaProbe.ts',
    'report/buildReport.ts',
    'report/escalationCounts.ts',
    'report/reportTypes.ts',
    'status/escalationSection.ts',
  ],
  bl_support_ticket_event: [
    'escalator/history/readHistory.ts',
    'escalator/history/syncHistory.ts',
    'escalator/history/ticketEvents.ts',
  ],
  bl_support_webhook_delivery: ['escalator/agent/notices.ts', 'escalator/webhooks/deliver.ts'],
  bl_support_native_change: ['schema/nativeChanges.ts', 'schema/uninstall.ts'],
  bl_support_daemon: [
    'cli/commands/uninstall.ts',
    'daemon/dbLoad/daemonLoads.ts',
    'daemon/heartbeat.ts',
    'daemon/workerHealth.ts',
    'mail/outbox/claim.ts',
    'mail/outbox/reap.ts',
    'status/syncSection.ts',
  ],
  bl_support_set_aside: ['status/setAsideSection.ts', 'sync/isolate.ts', 'sync/store/setAside.ts'],
  bl_support_native_intent: ['escalator/agent/nativeEffects.ts'],
};

/** Folders whose files may name any table: DDL, and tests/benchmarks that look at what landed. */
export const EXEMPT = ['schema/migrations/', 'test/', 'bench/', 'fixtures/', 'lint/'];
