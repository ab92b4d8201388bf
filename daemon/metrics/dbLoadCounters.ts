import { Counter, Registry } from 'prom-client';
import { DbLoad } from '../dbLoad/sessionCounters';

/**
 * What the daemon's own connections cost the database, per worker (daemon/dbLoad/workerPools.ts reads
 * each connection's session counters): counters, so Prometheus' rate() gives statements and rows
 * examined per second. Bytes are seen from the daemon: received = what the server sent.
 */
export class DbLoadCounters {
  private readonly statements: Counter<'worker'>;
  private readonly rowsExamined: Counter<'worker'>;
  private readonly bytesReceived: Counter<'worker'>;
  private readonly bytesSent: Counter<'worker'>;

  constructor(registry: Registry) {
    const counter = (name: string, help: string): Counter<'worker'> =>
      new Counter({ name, help, labelNames: ['worker'], registers: [registry] });
    this.statements = counter(
      'bxsup_db_statements_total',
      "Statements the worker's database connections sent (session Questions)",
    );
    this.rowsExamined = counter(
      'bxsup_db_rows_examined_total',
      "Rows the server examined for the worker's connections (sum of session Handler_read_*)",
    );
    this.bytesReceived = counter(
      'bxsup_db_received_bytes_total',
      "Bytes the server sent to the worker's connections (session Bytes_sent)",
    );
    this.bytesSent = counter(
      'bxsup_db_sent_bytes_total',
      "Bytes the worker's connections sent to the server (session Bytes_received)",
    );
  }

  /** Adds a worker's load; a zero load makes its series appear before it has done anything. */
  add(worker: string, load: DbLoad): void {
    this.statements.inc({ worker }, load.statements);
    this.rowsExamined.inc({ worker }, load.rowsExamined);
    this.bytesReceived.inc({ worker }, load.bytesReceived);
    this.bytesSent.inc({ worker }, load.bytesSent);
  }
}
