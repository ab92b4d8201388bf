import { EventEmitter } from 'node:events';

/**
 * What happened to each mail, for logs, metrics and tests (which await these instead of sleeping).
 */
export interface MailEventMap {
  'mail:sent': [{ outboxId: number; eventKey: string; to: string[]; messageId: string }];
  'mail:retry': [{ outboxId: number; eventKey: string; attempts: number; error: string; availableAt: Date }];
  'mail:dead': [{ outboxId: number; eventKey: string; reason: string }];
  'mail:skipped': [{ outboxId: number; eventKey: string; reason: string }];
  'mail:no-address': [{ outboxId: number; eventKey: string; reason: string }];
}

export type MailEvents = EventEmitter<MailEventMap>;

export function createMailEvents(): MailEvents {
  return new EventEmitter<MailEventMap>();
}
