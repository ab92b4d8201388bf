import { Knex } from 'knex';
import { NativeMessage, readMessageBodies } from '../../bridge/nativeMessages';
import { existingTicketIds } from '../../bridge/nativeTickets';
import { staffAmong } from '../../bridge/staff';
import {
  authorsToClassify,
  isLogLine,
  isStaffMessage,
  mapMessage,
  MirrorMessage,
} from '../mapping/messageRow';
import { linkOrders, saveOrderLinks } from '../orderLinker';
import { BatchOutcome, emptyOutcome, mergeOutcome } from '../outcome';
import { LogTransition, transitionsOf } from '../mapping/logTransitions';
import { lockCursor, SYNC_CURSORS } from '../../store/cursors';
import { remapTickets } from './remapTickets';
import { PassContext } from '../passContext';
import { anyMirroredMessageIn, copyMessages } from '../store/messages';
import { OutboxEvent, replyEvent } from '../store/outbox';
import { insertNewOutboxEntries } from '../../store/outbox/insert';
import { MessageTicketState, readMessageTickets } from '../store/messageTickets';
import { applyMessageFacts } from '../store/tickets';
import { setAsideIds } from '../../store/setAside';

export interface MessageBatchResult {
  outcome: BatchOutcome;
  /** How many rows from the front of the batch were dealt with (mirrored, or skipped for good). */
  consumed: number;
  /** A ticket that exists in Bitrix but is not mirrored yet: its messages wait for it. */
  blockedTicketId: number | null;
}

/**
 * Mirrors messages in ID order inside the caller's transaction. Log lines are skipped; a message of a
 * ticket that is not mirrored yet stops the batch right there (it is retried once the ticket is in), and
 * one of a ticket Bitrix no longer has is skipped. Per ticket it records the opening message and the
 * first visible staff reply, links an order named in the opening message, and queues a reply event for
 * each visible staff message after the baseline that is not the opening one and not the bridge's own.
 * `after`: the rows were read after this message cursor, under its lock (see IdSpan).
 */
export async function mirrorMessages(
  trx: Knex.Transaction,
  ctx: PassContext,
  rows: NativeMessage[],
  after: number | null,
): Promise<MessageBatchResult> {
  const outcome = emptyOutcome();
  const ticketIds = [...new Set(rows.filter((r) => !isLogLine(r)).map((r) => Number(r.TICKET_ID)))];
  const tickets = await readMessageTickets(trx, ticketIds);
  const unmirrored = ticketIds.filter((id) => !tickets.has(id));
  const waiting = await existingTicketIds(trx, unmirrored);
  // A ticket the sync set aside is not waited for: its messages are skipped, and mirrored by the
  // reconciliation once the ticket is (reconcilePhase.ts).
  for (const id of await setAsideIds(trx, [...waiting])) waiting.delete(id);
  let consumed = rows.length;
  let blockedTicketId: number | null = null;
  let skipped = false;
  const usable: NativeMessage[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    if (isLogLine(row)) continue;
    const ticketId = Number(row.TICKET_ID);
    if (tickets.has(ticketId)) usable.push(row);
    else if (waiting.has(ticketId)) {
      consumed = index;
      blockedTicketId = ticketId;
      break;
    } else {
      skipped = true;
      ctx.deps.logger.debug('message of a ticket Bitrix no longer has (or set aside): skipped', {
        messageId: row.ID,
        ticketId,
      });
    }
  }
  if (usable.length === 0) {
    // Log lines only (a reopen from the admin form writes no message): they may still tell a reopen.
    await remapReopened(trx, ctx, rows.slice(0, consumed), [], tickets, outcome);
    return { outcome, consumed, blockedTicketId };
  }

  const caps = await ctx.capabilities();
  const staff = caps.moduleRights
    ? await staffAmong(trx, authorsToClassify(usable), ctx.nowNative)
    : new Set<number>();
  const mirrored = usable.map((row) => mapMessage(row, isStaffMessage(row, staff), ctx.toInstant, ctx.now));
  const span = after === null ? null : { after, upTo: Number(rows[consumed - 1].ID) };
  // A span that held no mirrored message now holds exactly this batch's.
  const emptySpan = span && !(await anyMirroredMessageIn(trx, span)) ? span : null;
  await copyMessages(trx, mirrored, skipped ? null : emptySpan);
  const facts = ticketFacts(mirrored, tickets);
  // Also marks the tickets' SLA stale: messages are SLA history (replies, customer answers).
  await applyMessageFacts(trx, mirrored);
  await linkFromOpeningMessages(trx, ctx, mirrored, tickets, facts);

  const events: OutboxEvent[] = [];
  for (let i = 0; i < mirrored.length; i++) {
    const message = mirrored[i];
    const native = usable[i];
    const opening = facts.get(message.ticketId)?.openingId ?? null;
    if (
      message.id > ctx.baseline.messageId &&
      message.isStaff &&
      !message.isInternal &&
      message.id !== opening &&
      (native.CREATED_MODULE_NAME ?? '').toLowerCase() !== 'bxsup'
    ) {
      events.push(replyEvent(message.ticketId, message.id));
    }
  }
  outcome.events = await insertNewOutboxEntries(trx, events, ctx.now);
  outcome.messages = mirrored.length;
  await remapReopened(trx, ctx, rows.slice(0, consumed), mirrored, tickets, outcome);
  // One notice per message: built only when someone listens (a backfill mirrors millions).
  outcome.messageNotices = !ctx.deps.events
    ? []
    : mirrored.map((m) => ({
        messageId: m.id,
        ticketId: m.ticketId,
        isStaff: m.isStaff,
        isInternal: m.isInternal,
      }));
  return { outcome, consumed, blockedTicketId };
}

/**
 * Reopens in the fast path. The module leaves a reopened ticket's status as it was and resets REOPEN in
 * the same call, so only the slow reconciliation used to notice (closed tickets are outside the change
 * phase's open set), and a ticket stayed `resolved` while the customer waited. Two signs come with the
 * new rows: a customer message on a ticket the mirror holds closed, and the module's "ticket opened" log
 * line (also when the close and the reopen both fell between two polls). Such tickets are remapped in
 * this batch's transaction, under the 'changes' lock (always taken after the 'message' lock).
 */
async function remapReopened(
  trx: Knex.Transaction,
  ctx: PassContext,
  rows: NativeMessage[],
  mirrored: MirrorMessage[],
  tickets: Map<number, MessageTicketState>,
  outcome: BatchOutcome,
): Promise<void> {
  const candidates = new Set<number>();
  for (const m of mirrored) {
    // Only a message written after the install can tell of a reopen the mirror missed: an earlier one
    // (history, as for log lines below) was there before the ticket was read for the mirror, whose state
    // already shows what it did. A backfill would otherwise re-read every closed ticket a customer ever
    // wrote in (half of them), to find nothing changed.
    if (
      m.id > ctx.baseline.messageId &&
      !m.isStaff &&
      !m.isInternal &&
      tickets.get(m.ticketId)?.isOpen === false
    )
      candidates.add(m.ticketId);
  }
  const transitions = await loggedTransitions(trx, ctx, rows);
  for (const [ticketId, list] of transitions)
    if (list.some((t) => t.kind === 'opened')) candidates.add(ticketId);
  if (candidates.size === 0) return;
  const known = await readMessageTickets(trx, [...candidates]);
  const ids = [...candidates].filter((id) => known.has(id)).sort((a, b) => a - b);
  if (ids.length === 0) return;
  await lockCursor(trx, SYNC_CURSORS.changes);
  const remapped = await remapTickets(trx, ctx, ids, { transitions });
  mergeOutcome(outcome, remapped);
}

/** The closes and reopens logged by the live rows of a batch (history, up to the baseline, is not read). */
async function loggedTransitions(
  trx: Knex.Transaction,
  ctx: PassContext,
  rows: NativeMessage[],
): Promise<Map<number, LogTransition[]>> {
  const logs = rows.filter((r) => isLogLine(r) && Number(r.ID) > ctx.baseline.messageId);
  const out = new Map<number, LogTransition[]>();
  if (logs.length === 0) return out;
  const bodies = await readMessageBodies(
    trx,
    logs.map((r) => Number(r.ID)),
  );
  for (const row of logs) {
    const at = ctx.toInstant(row.DATE_CREATE) ?? ctx.now;
    for (const kind of transitionsOf(bodies.get(Number(row.ID)) ?? null)) {
      const list = out.get(Number(row.TICKET_ID)) ?? [];
      list.push({ kind, at, messageId: Number(row.ID) });
      out.set(Number(row.TICKET_ID), list);
    }
  }
  return out;
}

interface TicketFacts {
  id: number;
  /** Set only when this batch found the opening message. */
  firstMessageId: number | null;
  /** The ticket's opening message, known before or found now. */
  openingId: number | null;
}

function ticketFacts(
  messages: MirrorMessage[],
  tickets: Map<number, MessageTicketState>,
): Map<number, TicketFacts> {
  const facts = new Map<number, TicketFacts>();
  for (const m of messages) {
    const known = tickets.get(m.ticketId)?.firstMessageId ?? null;
    const f = facts.get(m.ticketId) ?? {
      id: m.ticketId,
      firstMessageId: null,
      openingId: known,
    };
    // Messages come in ID order: the first visible one without a known opening message is it.
    if (!m.isInternal && f.openingId === null) {
      f.openingId = m.id;
      f.firstMessageId = m.id;
    }
    facts.set(m.ticketId, f);
  }
  return facts;
}

async function linkFromOpeningMessages(
  trx: Knex.Transaction,
  ctx: PassContext,
  messages: MirrorMessage[],
  tickets: Map<number, MessageTicketState>,
  facts: Map<number, TicketFacts>,
): Promise<void> {
  if (!(await ctx.capabilities()).orders) return;
  // The opening message is weighed, as a title is, only when nothing is linked.
  const openings = messages.filter(
    (m) => facts.get(m.ticketId)?.firstMessageId === m.id && tickets.get(m.ticketId)!.orderId === null,
  );
  if (openings.length === 0) return;
  // Only these texts come into Node: the opening messages of unlinked tickets.
  const bodies = await readMessageBodies(
    trx,
    openings.map((m) => m.id),
  );
  const decisions = await linkOrders(
    trx,
    ctx,
    openings.map((m) => ({
      ticketId: m.ticketId,
      ownerId: tickets.get(m.ticketId)!.userId,
      // Not read here: the ticket's UF value was weighed when it was mirrored, and the write-back
      // never replaces a value an operator has set since.
      ufValue: null,
      texts: [{ source: 'message' as const, text: bodies.get(m.id) ?? '' }],
      current: { orderId: null, orderSource: null },
    })),
  );
  await saveOrderLinks(trx, ctx, decisions, {
    mirror: 'existing',
    signatures: new Map(openings.map((m) => [m.ticketId, tickets.get(m.ticketId)!.nativeState])),
  });
}
