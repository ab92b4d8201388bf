import { AddressInfo, createServer } from 'node:net';
import axios from 'axios';
import { eventually } from './daemonProcess';

/** A TCP port free on loopback now, for a child daemon's metrics.port. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The value of one series in Prometheus text, or null when it is not there. */
export function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

export async function scrapeMetrics(port: number): Promise<string> {
  return (await axios.get<string>(`http://127.0.0.1:${port}/metrics`)).data;
}

/**
 * Resolves once the daemon serving /metrics on `port` has run, for each of `passes`, a whole pass that
 * began after this call: what a test awaits instead of sleeping when it must see that a running daemon
 * did nothing more. bxsup_last_pass_timestamp_seconds is set as each pass ends, so a pass ending after
 * the call may have begun before it; the pass after that one began after it.
 */
export async function wholePassesSince(port: number, passes: string[], timeoutMs = 30000): Promise<void> {
  const since = Date.now() / 1000;
  const lastPasses = async (): Promise<number[]> => {
    const text = await scrapeMetrics(port);
    return passes.map((p) => sample(text, `bxsup_last_pass_timestamp_seconds{pass="${p}"}`) ?? 0);
  };
  let ended: number[] = [];
  await eventually(
    async () => (ended = await lastPasses()).every((at) => at > since),
    timeoutMs,
    `a ${passes.join(' and a ')} pass ending on port ${port}`,
  );
  await eventually(
    async () => (await lastPasses()).every((at, i) => at > ended[i]),
    timeoutMs,
    `a whole ${passes.join(' and a whole ')} pass on port ${port}`,
  );
}
