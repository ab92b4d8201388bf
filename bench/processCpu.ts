import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time used so far (user + system, ms) by this process and by its descendants, the latter summed by
 * process name ("node" for a child script, "mariadbd" for the private server), read from /proc. Where a
 * benchmark's time goes when the machine is shared: a throughput ratio moves with the load, the CPU each
 * side spends per item much less. Empty for the descendants where there is no /proc.
 */
export interface CpuSnapshot {
  self: number;
  /** This process's main thread alone (its other threads: V8's, libuv's, worker threads), when /proc has it. */
  mainThread?: number;
  children: Map<string, number>;
}

/** Linux reports /proc times in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICK_MS = 10;

export function cpuSnapshot(): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    self: (usage.user + usage.system) / 1000,
    mainThread: mainThreadCpu(),
    children: descendantsCpu(process.pid),
  };
}

/** What was spent between two snapshots, by "self" and each descendant's name. */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const spent: Record<string, number> = { self: after.self - before.self };
  if (before.mainThread !== undefined && after.mainThread !== undefined)
    spent.mainThread = after.mainThread - before.mainThread;
  for (const [name, ms] of after.children) spent[name] = ms - (before.children.get(name) ?? 0);
  return spent;
}

/** The main thread's task has the process's ID. */
function mainThreadCpu(): number | undefined {
  try {
    return cpuOfStat(readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** User + system ms of a /proc stat line: "pid (name) state ppid … utime stime …" (the name may hold spaces). */
function cpuOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function descendantsCpu(root: number): Map<string, number> {
  const byParent = new Map<number, Array<{ pid: number; name: string; ms: number }>>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return new Map();
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (name) state ppid …": the name may hold spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    const ms = cpuOfStat(stat);
    const list = byParent.get(ppid) ?? [];
    list.push({ pid: Number(entry), name: stat.slice(stat.indexOf('(') + 1, close), ms });
    byParent.set(ppid, list);
  }
  const out = new Map<string, number>();
  const walk = (pid: number): void => {
    for (const child of byParent.get(pid) ?? []) {
      out.set(child.name, (out.get(child.name) ?? 0) + child.ms);
      walk(child.pid);
    }
  };
  walk(root);
  return out;
}
