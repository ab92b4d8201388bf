import { existsSync } from 'node:fs';
import path from 'node:path';
import { probeSchema } from '../queue/schemaProbe';
import { countOpenQueue, OpenQueueCounts } from '../store/slaColumns';
import { UNIT_NAME } from '../service/systemdUnit';
import { unitDirectory } from '../service/unitFile';
import { StatusCollector } from './section';

/**
 * How the bridge runs and what is waiting: the systemd unit (written by `bxsup service install` on
 * this host), the metrics endpoint, and the open queue (open, overdue, unassigned). None of it is a
 * problem of the bridge itself: overdue tickets are the operators' business, not an unhealthy bridge.
 */
export const serviceSection: StatusCollector = async ({ db, config, now }) => {
  const unitFile = path.join(unitDirectory(undefined), UNIT_NAME);
  const unitInstalled = existsSync(unitFile);
  const metrics = config.metrics.port
    ? { enabled: true, url: `http://${config.metrics.host}:${config.metrics.port}/metrics` }
    : { enabled: false, url: null };
  const queue = await openQueue(db, now);
  return {
    key: 'service',
    data: { unit: { file: unitFile, installed: unitInstalled }, metrics, queue },
    lines: [
      [
        'service',
        unitInstalled ? `systemd unit ${unitFile}` : 'no systemd unit on this host (bxsup service install)',
      ],
      ['metrics', metrics.enabled ? `${metrics.url} and /healthz` : 'off (set metrics.port)'],
      [
        'queue',
        queue
          ? `${queue.open} open, ${queue.overdue} overdue, ${queue.unassigned} unassigned (bxsup queue)`
          : 'not installed',
      ],
    ],
    problems: [],
  };
};

async function openQueue(
  db: Parameters<StatusCollector>[0]['db'],
  now: Date,
): Promise<OpenQueueCounts | null> {
  const schema = await probeSchema(db, ['bl_support_ticket']);
  if (!schema.hasTable('bl_support_ticket')) return null;
  return countOpenQueue(db, schema, now);
}
