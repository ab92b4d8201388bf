import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Db } from '../core/db';
import { utcToInstant } from '../core/time';
import { FIXTURE } from '../fixtures/seed';
import { emlFileName } from '../mail/transports/filesTransport';
import { outboxRecord } from '../store/outbox/records';

const PRIORITY = ['', 'low', 'normal', 'high', 'critical'];

function local(value: string | null): string {
  const instant = utcToInstant(value);
  return instant ? DateTime.fromJSDate(instant, { zone: FIXTURE.zone }).toFormat('dd.MM HH:mm') : '—';
}

/** What the bridge now knows of a ticket, in the words an operator would use. */
export async function describeTicket(db: Db, ticketId: number): Promise<string[]> {
  const t = await db('bl_support_ticket as t')
    .leftJoin('b_sale_order as o', 'o.ID', 't.order_id')
    .where('t.id', ticketId)
    .first('t.*', 'o.ACCOUNT_NUMBER as order_number');
  if (!t) return ['not mirrored yet'];
  const lines = [
    `${t.number} · ${PRIORITY[t.priority]} priority · ${t.status}` +
      (t.order_number
        ? ` · order ${t.order_number} linked (found in the ${t.order_source === 'uf' ? 'UF_ORDER_ID field' : t.order_source})`
        : ' · no order'),
    `SLA: first reply ${t.first_reply_at ? `given ${local(t.first_reply_at)}` : `due ${local(t.first_reply_deadline)}`}, resolution ${t.resolved_at ? `done ${local(t.resolved_at)}` : `due ${local(t.sla_deadline)}`} (Moscow time)`,
  ];
  const uf = await db('b_uts_support')
    .where('VALUE_ID', ticketId)
    .first()
    .catch(() => undefined);
  if (uf)
    lines.push(
      `Bitrix ticket form shows UF_TICKET_NUMBER ${uf.UF_TICKET_NUMBER ?? '—'}, UF_ORDER_ID ${uf.UF_ORDER_ID ?? '—'}, UF_SLA_DEADLINE ${uf.UF_SLA_DEADLINE ?? '—'}`,
    );
  const last = await db('b_ticket_message')
    .where({ TICKET_ID: ticketId, IS_LOG: 'N', IS_HIDDEN: 'N' })
    .orderBy('ID', 'desc')
    .first('MESSAGE', 'MESSAGE_BY_SUPPORT_TEAM');
  if (last?.MESSAGE_BY_SUPPORT_TEAM === 'Y') lines.push(`native reply now reads: "${String(last.MESSAGE)}"`);
  return lines;
}

/** One line per mail event: who it went to, and its subject from the .eml file. */
export async function describeMail(db: Db, outboxId: number, dir: string): Promise<string[]> {
  const row = await outboxRecord(db, outboxId);
  if (!row) return [`outbox row ${outboxId}: gone`];
  if (row.state !== 'sent')
    return [`${row.event_type}: ${row.state}${row.last_error ? ` (${row.last_error})` : ''}`];
  const file = path.join(dir, emlFileName({ eventKey: row.event_key }));
  if (!existsSync(file)) return [`${row.event_type}: sent`];
  const raw = readFileSync(file, 'utf8');
  const header = (name: string): string =>
    decodeMime(new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(raw)?.[1] ?? '');
  return [`${row.event_type} → ${header('To')} «${header('Subject')}» (${path.basename(file)})`];
}

/** Enough RFC 2047 decoding to print a subject: =?UTF-8?B?…?= and =?UTF-8?Q?…?= words. */
function decodeMime(value: string): string {
  return value
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}
