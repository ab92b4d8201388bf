import { z } from 'zod';
import { cronProblem } from './cronRule';

/**
 * The `escalation` section of bxsup.config.json: when the agent runs, and what each level does.
 *
 * A level fires once per ticket, SLA target and reopen cycle, at its point: the warning instant
 * (`on: "warning"`, the sla.warningPercent share of the target used up) or the deadline
 * (`on: "breach"`) plus `afterMinutes` of real time. Recipients are user IDs or the roles `assignee`,
 * `supervisor` (escalation.supervisors, else the support admins: right 'W') and `head`
 * (escalation.headOfSupport, else the supervisors).
 */
const recipient = z.union([z.enum(['assignee', 'supervisor', 'head']), z.number().int().positive()]);
const target = z.enum(['first_reply', 'resolution']);

const level = z
  .object({
    /** Stable name: part of the "happens once" key, so renaming a level lets it fire again. */
    name: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1–32 characters a-z, 0-9, _ or -'),
    on: z.enum(['warning', 'breach']),
    afterMinutes: z.number().int().min(0).default(0),
    targets: z.array(target).min(1).default(['first_reply', 'resolution']),
    notify: z.array(recipient).default([]),
    /** Give the ticket to the supervisor, or to the least-loaded active member of its support group. */
    reassign: z.enum(['supervisor', 'least_loaded']).optional(),
    /** Raise CRITICALITY_ID to the site's next criticality by C_SORT. */
    raisePriority: z.boolean().default(false),
  })
  .strict();

export type EscalationLevel = z.infer<typeof level>;
export type EscalationTarget = z.infer<typeof target>;
export type Recipient = z.infer<typeof recipient>;

export const DEFAULT_LEVELS: EscalationLevel[] = [
  {
    name: 'warning',
    on: 'warning',
    afterMinutes: 0,
    targets: ['first_reply', 'resolution'],
    notify: ['assignee'],
    raisePriority: false,
  },
  {
    name: 'breach',
    on: 'breach',
    afterMinutes: 0,
    targets: ['first_reply', 'resolution'],
    notify: ['supervisor'],
    raisePriority: true,
  },
];

const webhook = z
  .object({
    name: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'must be 1–40 characters a-z, 0-9, _ or -'),
    /** bitrix24: an incoming webhook URL (https://portal.bitrix24.ru/rest/1/<token>); json: any URL taking {text}. */
    type: z.enum(['bitrix24', 'json']),
    url: z.string().url(),
    /** Only these levels (default: all). */
    levels: z.array(z.string()).optional(),
    /** Site user ID → Bitrix24 portal user ID, for im.notify.system.add (default: the same ID). */
    userIds: z.record(z.string().regex(/^\d+$/), z.number().int().positive()).default({}),
  })
  .strict();

export type WebhookConfig = z.infer<typeof webhook>;

export const escalationConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** node-schedule cron (5 fields, or 6 with seconds first), in the daemon host's zone. */
    cron: z
      .string()
      .superRefine((v, ctx) => {
        const problem = cronProblem(v);
        if (problem)
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `"${v}" is not a cron rule the daemon can run (${problem}); e.g. "*/15 * * * *" is every 15 minutes`,
          });
      })
      .default('*/15 * * * *'),
    /**
     * Due tickets read per query and escalated together, in one transaction (a pass loops until none
     * is left): big enough that a commit and a dozen statements serve many tickets, small enough that
     * the locks are held for tens of milliseconds and a pass killed half-way has committed some.
     */
    batchSize: z.number().int().min(1).max(10000).default(100),
    /** Stale SLA states recomputed per pass at most (the sync recomputes the ones it changes itself). */
    refreshLimit: z.number().int().min(100).default(20000),
    supervisors: z.array(z.number().int().positive()).default([]),
    headOfSupport: z.array(z.number().int().positive()).default([]),
    levels: z
      .array(level)
      .default(DEFAULT_LEVELS)
      .refine((ls) => new Set(ls.map((l) => l.name)).size === ls.length, 'level names must be unique'),
    webhooks: z.array(webhook).default([]),
    webhookRetry: z
      .object({
        attemptsPerPass: z.number().int().min(1).max(10).default(3),
        maxAttempts: z.number().int().min(1).max(100).default(10),
        baseMs: z.number().int().min(10).default(1000),
        maxMs: z.number().int().min(10).default(60000),
        timeoutMs: z.number().int().min(100).default(5000),
      })
      .strict()
      .default({}),
    /** Give new unassigned tickets to the least-loaded active member of their category's support group. */
    distribution: z
      .object({
        enabled: z.boolean().default(false),
        /** Category (our label) → b_ticket_ugroups.ID. */
        categoryGroups: z.record(z.string(), z.number().int().positive()).default({}),
        /** For categories not listed (and tickets without one); none: such tickets stay unassigned. */
        defaultGroup: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type EscalationConfig = z.infer<typeof escalationConfigSchema>;
