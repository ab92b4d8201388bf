import { z } from 'zod';

/**
 * The `mail` section of bxsup.config.json. `smtpUrl` also comes from BXSUP_SMTP_URL (config/config.ts);
 * it carries credentials, so it is only ever logged through redact() (core/logger.ts masks the key).
 */
const smtpUrl = z
  .string()
  .url()
  .refine((v) => /^smtps?:\/\//i.test(v), 'must start with smtp:// or smtps://');

export const mailConfigSchema = z
  .object({
    /** smtp: nodemailer pool (default, dependable); bitrix: rows in b_event; files: .eml files in `dir`. */
    transport: z.enum(['smtp', 'bitrix', 'files']).default('smtp'),
    /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465. */
    smtpUrl: smtpUrl.optional(),
    /** Sender: "Shop support <support@shop.example>"; default the site's b_lang.EMAIL, then main's email_from. */
    from: z.string().min(3).optional(),
    /** Where the files transport writes .eml files. */
    dir: z.string().min(1).default('out/mail'),
    /** A folder laid out like templates/mail (<lang>/<event>.html.ejs …) that replaces ours. */
    templatesDir: z.string().min(1).optional(),
    /** Right side of Message-IDs; default the host of the site's base URL. */
    messageIdDomain: z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, 'must be a host name')
      .optional(),
    /** Rows claimed per round trip; the sender loops until nothing is due. */
    batchSize: z.number().int().min(1).max(1000).default(50),
    /** Mails in flight at once (SMTP pool connections for the smtp transport). */
    concurrency: z.number().int().min(1).max(50).default(5),
    /** How often the daemon's timer wakes the sender. */
    pollIntervalMs: z.number().int().min(100).default(5000),
    /**
     * A claim's lease: its holder renews it every quarter of this while it holds the row; one not
     * renewed for this long (and whose daemon's heartbeat stopped too) belongs to a dead sender and is
     * handed out again.
     */
    claimTimeoutMs: z.number().int().min(5000).default(120000),
    /** Temporary failures: capped exponential backoff with jitter, then 'dead' after maxAttempts. */
    retryBaseMs: z.number().int().min(100).default(30000),
    retryMaxMs: z.number().int().min(1000).default(3600000),
    maxAttempts: z.number().int().min(1).max(1000).default(25),
    /** `bxsup status` reports a problem when a due mail has waited longer than this. */
    backlogAlertMinutes: z.number().int().min(1).default(30),
    /**
     * Shipment tracking page for #TRACKING_LINK#: `<number>` is replaced by the tracking number;
     * per b_sale_order_delivery.DELIVERY_ID in `trackingUrls`.
     */
    trackingUrl: z.string().optional(),
    trackingUrls: z.record(z.string().regex(/^\d+$/), z.string()).default({}),
    /** What a reply-template placeholder renders as when the ticket has no value for it. */
    placeholderFallback: z.string().default('—'),
    /** Per placeholder name (without #), e.g. { "ORDER_NUMBER": "(no order)" }. */
    placeholderFallbacks: z.record(z.string().regex(/^[A-Z0-9_]+$/), z.string()).default({}),
    /** Fill placeholders an operator left in a reply (b_ticket_message.MESSAGE) before mailing it. */
    expandPlaceholders: z.boolean().default(true),
  })
  .strict();

export type MailConfig = z.infer<typeof mailConfigSchema>;
