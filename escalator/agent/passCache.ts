import { Criticality, siteCriticalities } from '../../bridge/criticalities';
import { supportAdmins } from '../../bridge/supportPeople';
import { siteLanguage } from '../../bridge/ticketWrites';
import { LogLanguage } from '../../bridge/nativeLogText';
import { instantToNative } from '../../core/time';
import { AgentContext } from './context';
import { PassPeople } from './recipients';
import { intentKeys } from '../../store/nativeIntents';
import { nonTransactionalTables } from '../../bridge/nativeEngines';

/**
 * What one pass reads once and uses for every ticket: the supervisors and head of support, each site's
 * criticalities and language. Small, rarely changing lookups; a new pass reads them again.
 */
export interface PassCache {
  people: PassPeople;
  /** Site-local now, for membership validity. */
  nowLocal: string;
  criticalities(siteId: string): Promise<Criticality[]>;
  language(siteId: string): Promise<LogLanguage>;
  /**
   * Effect keys with a recorded native intent (almost always none: a failed attempt leaves one); a
   * batch that records intents adds theirs, for the one-ticket retries after it fails.
   */
  intents: Set<string>;
  /** b_ticket and b_ticket_message roll back with our tables (InnoDB): no intents needed for a batch. */
  nativeTransactional: boolean;
}

export async function createPassCache(ctx: AgentContext, now: Date): Promise<PassCache> {
  const nowLocal = instantToNative(now, ctx.zone);
  const supervisors = ctx.escalation.supervisors.length
    ? ctx.escalation.supervisors
    : await supportAdmins(ctx.db, nowLocal);
  const criticalities = new Map<string, Promise<Criticality[]>>();
  const languages = new Map<string, Promise<LogLanguage>>();
  const memo = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    const known = map.get(key);
    if (known) return known;
    const value = load();
    map.set(key, value);
    return value;
  };
  const intents = new Set(await intentKeys(ctx.db));
  const nonTransactional = (await nonTransactionalTables(ctx.db)).map((t) => t.table);
  return {
    intents,
    nativeTransactional: !nonTransactional.some((t) => t === 'b_ticket' || t === 'b_ticket_message'),
    people: {
      supervisors,
      head: ctx.escalation.headOfSupport.length ? ctx.escalation.headOfSupport : supervisors,
    },
    nowLocal,
    criticalities: (siteId) => memo(criticalities, siteId, () => siteCriticalities(ctx.db, siteId)),
    language: (siteId) => memo(languages, siteId, () => siteLanguage(ctx.db, siteId)),
  };
}
