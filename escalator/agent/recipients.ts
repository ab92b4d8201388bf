import { Recipient } from '../escalationConfig';

/**
 * Who a level notifies, as user IDs. The roles are resolved once per pass (see PassPeople):
 * `assignee` is the ticket's responsible after the level's own reassignment (the supervisors when there
 * is none), `supervisor` the configured supervisors (else the support admins), `head` the configured
 * head of support (else the supervisors).
 */
export interface PassPeople {
  supervisors: number[];
  head: number[];
}

export function resolveRecipients(
  notify: readonly Recipient[],
  assignee: number | null,
  people: PassPeople,
): number[] {
  const ids: number[] = [];
  for (const r of notify) {
    if (r === 'assignee') ids.push(...(assignee ? [assignee] : people.supervisors));
    else if (r === 'supervisor') ids.push(...people.supervisors);
    else if (r === 'head') ids.push(...people.head);
    else ids.push(r);
  }
  return [...new Set(ids)];
}
