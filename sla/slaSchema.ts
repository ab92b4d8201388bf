import { z } from 'zod';
import { compileCalendar, CalendarConfig } from './calendarConfig';
import { PriorityName } from '../core/ticketVocabulary';
import { SlaTargets } from './slaTypes';

/**
 * The `sla` section of bxsup.config.json. Priorities are written by name (low, normal, high, critical),
 * targets in working minutes of the calendar; anything left out keeps its default (DEFAULT_SLA_POLICY).
 * A calendar is either written out ({ timeZone?, week?, holidays?, specialDays? }; no `week` = 24/7) or
 * imported from a native SLA level ({ fromNativeSla: <b_ticket_sla.ID> }). `timeZone` defaults to the
 * site's zone, which is only known once connected, so calendars are checked here with a stand-in zone
 * and built for real by loadSlaPolicy.
 */

const minutes = z.number().positive('must be a number of working minutes greater than 0');
const targets = z
  .object({ firstReplyMinutes: minutes.optional(), resolutionMinutes: minutes.optional() })
  .strict();
const byPriority = z
  .object({
    low: targets.optional(),
    normal: targets.optional(),
    high: targets.optional(),
    critical: targets.optional(),
  })
  .strict();

const calendarSpec = z
  .object({
    fromNativeSla: z.number().int().positive().optional(),
    timeZone: z.string().min(1).optional(),
    week: z.record(z.string(), z.unknown()).optional(),
    holidays: z.array(z.string()).optional(),
    specialDays: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.fromNativeSla !== undefined) {
      if (value.week || value.holidays || value.specialDays)
        ctx.addIssue({
          code: 'custom',
          message: 'give either fromNativeSla or week/holidays/specialDays, not both',
        });
      return;
    }
    try {
      compileCalendar({ ...(value as CalendarConfig), timeZone: value.timeZone ?? 'UTC' }, '@');
    } catch (err) {
      // "invalid configuration: @.week.mon[0] is …" → "week.mon[0] is …", under this calendar's key.
      const message = (err as Error).message.replace(/^invalid configuration: @\.?/, '');
      ctx.addIssue({ code: 'custom', message });
    }
  });

export type CalendarSpec = z.infer<typeof calendarSpec>;

export const slaConfigSchema = z
  .object({
    targets: byPriority.default({}),
    /** Per category (our label: the dictionary SID, else its NAME), per priority name. */
    categoryOverrides: z.record(z.string(), byPriority).default({}),
    warningPercent: z.number().gt(0).max(100).default(80),
    /** Default: 24/7 in the site's zone. */
    calendar: calendarSpec.default({}),
    categoryCalendars: z.record(z.string(), calendarSpec).default({}),
    /** Our statuses (open, in_progress, awaiting_reply, resolved) that stop the resolution clock. */
    pauseStatuses: z.array(z.string().min(1)).default([]),
    /** Stop the resolution clock while staff spoke last; a customer message starts it again. */
    pauseWhenStaffSpokeLast: z.boolean().default(false),
  })
  .strict();

export type SlaSection = z.infer<typeof slaConfigSchema>;
export type PriorityTargets = Partial<Record<PriorityName, Partial<SlaTargets>>>;
