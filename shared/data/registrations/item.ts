/** A registration as stored, its item shape and the table's interface: what the adapter's parts share. */
export interface Registration {
  id: string;
  ownerId: string;
  activity: string;
  email: string;
  studentName?: string;
  registeredAt: string;
  paymentDeadline: string;
  paid: boolean;
  paidAt?: string;
  reminderSentAt?: string;
  /**
   * When its owner's account was deleted: a paid registration is kept for the organiser's accounts, with
   * the person's name and address removed (`email` empty from then on).
   */
  personalDataRemovedAt?: string;
}

/** The stored item: the registration plus the index attributes that place it. */
export interface RegistrationItem extends Registration {
  entity: typeof ENTITY;
  /** Present only while unpaid: that presence is what puts the item in the sparse deadline index. */
  unpaid?: typeof UNPAID;
  reminderClaimedAt?: string;
  /** The run that holds the reminder claim, so a run recognises its own claim after a retried write. */
  reminderClaim?: string;
  /** A digest of the request that created it: a replay must be the same request. */
  requestHash?: string;
}

export const ENTITY = 'registration';
export const UNPAID = 'unpaid';

/** The position after which a listing continues; a page's last item gives it. */
export interface PageKey {
  id: string;
  registeredAt: string;
}

export interface Page<T> {
  items: T[];
  next?: PageKey;
}

export const toRegistration = (item: Record<string, unknown>): Registration => {
  const {
    entity: _entity,
    unpaid: _unpaid,
    reminderClaimedAt: _claimedAt,
    reminderClaim: _claim,
    requestHash: _request,
    ...registration
  } = item as unknown as RegistrationItem;
  return registration;
};

/**
 * A reminder claim's answer: the registration as claimed (so the sender reads it in the same write); `taken`
 * while another sender holds a live claim; `settled` when there is nothing left to remind (paid, deleted,
 * or already reminded).
 */
export type ClaimResult = { claimed: Registration } | 'taken' | 'settled';

/** Where a page of the deadline index starts: DynamoDB's own key, opaque to everyone else. */
export type IndexCursor = Record<string, unknown>;

export interface DuePage {
  items: Registration[];
  /** The cursor this page was read from (undefined for the first): a continuation starts here again. */
  start?: IndexCursor;
}

export interface RegistrationsTable {
  /**
   * Stores a new registration made by the request `requestHash` digests. When its id is taken by the same
   * owner's same request (a write retried after a lost answer, or a replay under the same idempotency
   * key), that one is the answer, as stored; `taken` when the id holds anything else.
   */
  createRegistration(registration: Registration, requestHash: string): Promise<Registration | 'taken'>;
  findRegistration(id: string): Promise<Registration | undefined>;
  /** Newest first. */
  listByOwner(ownerId: string, limit: number, after?: PageKey): Promise<Page<Registration>>;
  /** Every registration, newest first. */
  listAll(limit: number, after?: PageKey): Promise<Page<Registration>>;
  /** Removes the person's name and address from `ownerId`'s registration (its owner's account was deleted). */
  removePersonalData(id: string, ownerId: string, at: string): Promise<void>;
  /** Deletes when `ownerId` owns it (or unconditionally when ownerId is undefined); false when it did not happen. */
  deleteRegistration(id: string, ownerId: string | undefined): Promise<boolean>;
  /**
   * Marks it paid (idempotent: a second payment keeps the first `paidAt`), provided it exists and its
   * deadline has not passed. 'missing' and 'deadline_passed' tell the two refusals apart.
   */
  markPaid(id: string, now: Date): Promise<Registration | 'missing' | 'deadline_passed'>;
  /** Pages of unpaid registrations whose deadline is at most `dueBy`, soonest first, from `start` if given. */
  unpaidDueBy(dueBy: Date, pageSize?: number, start?: IndexCursor): AsyncGenerator<DuePage>;
  /** Deletes up to 25 ids in one BatchWriteItem; returns the ids DynamoDB left unprocessed. */
  deleteBatch(ids: readonly string[]): Promise<string[]>;
  /** Deletes only while it is still unpaid; false when it was paid (or gone) meanwhile. */
  deleteIfUnpaid(id: string): Promise<boolean>;
  /**
   * Reserves the right to send the reminder: only one sender gets it, and only while the registration is
   * unpaid and not reminded. A claim older than `staleBefore` (a sender that died mid-send) can be taken
   * over; a claim already holding `token` (the same attempt's write, retried after a lost answer) is own.
   */
  claimReminder(id: string, token: string, now: Date, staleBefore: Date): Promise<ClaimResult>;
  markReminderSent(id: string, now: Date): Promise<void>;
  /** Gives a claim back after a failed send, so the next run tries again. */
  releaseReminder(id: string): Promise<void>;
}
