import { databaseSection } from './databaseSection';
import { dbLoadSection } from './dbLoadSection';
import { bitrixMailSection } from './bitrixMailSection';
import { escalationSection } from './escalationSection';
import { installSection } from './installSection';
import { setAsideSection } from './setAsideSection';
import { orderPickerSection } from './orderPickerSection';
import { outboxSection } from './outboxSection';
import { schemaSection } from './schemaSection';
import { StatusCollector, StatusDeps, StatusSection } from './section';
import { serviceSection } from './serviceSection';
import { syncSection } from './syncSection';

/** The sections of `bxsup status`, in the order they are shown; later capabilities append theirs. */
export const STATUS_SECTIONS: StatusCollector[] = [
  databaseSection,
  schemaSection,
  installSection,
  orderPickerSection,
  syncSection,
  setAsideSection,
  outboxSection,
  bitrixMailSection,
  escalationSection,
  serviceSection,
  dbLoadSection,
];

export interface StatusReport {
  healthy: boolean;
  problems: string[];
  warnings: string[];
  sections: StatusSection[];
}

export async function collectStatus(deps: StatusDeps): Promise<StatusReport> {
  const sections: StatusSection[] = [];
  for (const collect of STATUS_SECTIONS) sections.push(await collect(deps));
  const problems = sections.flatMap((s) => s.problems);
  const warnings = sections.flatMap((s) => s.warnings ?? []);
  return { healthy: problems.length === 0, problems, warnings, sections };
}
