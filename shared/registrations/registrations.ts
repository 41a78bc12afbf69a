import { createHash, randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import type { Clock } from '#shared/platform/clock';
import type { PageKey, Registration, RegistrationsTable } from '#shared/data/registrations';
import type { Role } from '#shared/data/users';
import { paymentDeadlineFor } from '#shared/registrations/deadline-rules';
import { conflict, forbidden, invalid, notFound, unprocessable } from '#shared/platform/outcomes';

/** Who is asking: every rule below is about the viewer's id and role. */
export interface Viewer {
  userId: string;
  role: Role;
}

export const createRegistrationSchema = z.strictObject(
  {
    activity: z
      .string({ error: 'must be a string' })
      .check(
        z.trim(),
        z.minLength(1, 'must be 1-100 characters'),
        z.maxLength(100, 'must be 1-100 characters'),
      ),
    email: z
      .email({ error: 'must be a valid email address' })
      .check(z.maxLength(254, 'must be a valid email address')),
    studentName: z.optional(
      z
        .string({ error: 'must be a string' })
        .check(
          z.trim(),
          z.minLength(1, 'must be 1-100 characters'),
          z.maxLength(100, 'must be 1-100 characters'),
        ),
    ),
  },
  { error: 'must be a JSON object' },
);

export type NewRegistration = z.infer<typeof createRegistrationSchema>;

/** What a client sees: the stored registration without its owner. */
export type PublicRegistration = Omit<Registration, 'ownerId' | 'reminderSentAt'>;

export const publicRegistration = ({
  ownerId: _owner,
  reminderSentAt: _sent,
  ...rest
}: Registration): PublicRegistration => rest;

const idSchema = z.uuid();
/** Ids are UUIDs: anything else cannot exist, and is answered without touching the table. */
const isRegistrationId = (id: string) => idSchema.safeParse(id).success;

const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

const invalidQuery = (field: string, problem: string) =>
  invalid({ [field]: problem }, field === 'cursor' ? 'invalid_cursor' : 'invalid_input');

const cursorSchema = z.strictObject({ id: z.uuid(), registeredAt: z.iso.datetime() });

/** Cursors are opaque to clients: base64url JSON of the last item's position, checked on the way back. */
export const encodeCursor = (key: PageKey): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string): PageKey {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Not base64 JSON: the same answer as any other bad cursor.
  }
  throw invalidQuery('cursor', 'is not a cursor this API returned');
}

/** `/registrations/{id}`: any string; an id that is not a UUID is simply one that does not exist. */
export const registrationPathSchema = z.object({ id: z.string() });

/** `?limit=&cursor=`: the page size, and the opaque cursor a previous page returned. */
export const listQuerySchema = z.object({
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, `must be a whole number from 1 to ${MAX_PAGE}`)),
      z.transform(Number),
    ),
  ),
  cursor: z.optional(z.string()),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/**
 * An `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header): absent, or 1-255 visible ASCII
 * characters chosen by the client, typically a UUID.
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(header))
    throw invalid({ 'Idempotency-Key': 'must be 1-255 visible ASCII characters' });
  return header;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * The registration id a key stands for: a UUID (version 8, RFC 9562) from the owner and the key, so the
 * same key from the same user always names the same item and the conditional create makes it once;
 * another user's identical key names another item.
 */
export function idempotentId(ownerId: string, key: string): string {
  const bytes = sha256(`${ownerId}\n${key}`).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What makes two creates the same request: the owner and the fields as validated. */
const requestHashOf = (ownerId: string, input: NewRegistration) =>
  sha256(JSON.stringify([ownerId, input.activity, input.email, input.studentName ?? null])).toString(
    'base64url',
  );

export function createRegistrations(deps: {
  table: RegistrationsTable;
  clock: Clock;
  paymentPeriodDays: number;
}) {
  const { table, clock, paymentPeriodDays } = deps;

  /** A registration the viewer may see; 404 otherwise, so its existence is not revealed. */
  async function visible(viewer: Viewer, id: string): Promise<Registration> {
    if (!isRegistrationId(id)) throw notFound();
    const registration = await table.findRegistration(id);
    if (!registration || (viewer.role !== 'admin' && registration.ownerId !== viewer.userId))
      throw notFound();
    return registration;
  }

  return {
    /**
     * A new unpaid registration. With an idempotency key, the same request again (a client's retry after
     * a lost answer) gets the registration the first one made, as it is now, and creates nothing; the key
     * with another body is refused. A key is remembered as long as its registration exists (unpaid ones
     * for the payment period, paid ones until deleted): at least the 24 h clients are promised.
     */
    async create(
      viewer: Viewer,
      input: NewRegistration,
      options: { idempotencyKey?: string } = {},
    ): Promise<{ registration: Registration; replayed: boolean }> {
      const registeredAt = clock();
      const { idempotencyKey } = options;
      const registration: Registration = {
        id: idempotencyKey === undefined ? randomUUID() : idempotentId(viewer.userId, idempotencyKey),
        ownerId: viewer.userId,
        activity: input.activity,
        email: input.email,
        ...(input.studentName ? { studentName: input.studentName } : {}),
        registeredAt: registeredAt.toISOString(),
        paymentDeadline: paymentDeadlineFor(registeredAt, paymentPeriodDays).toISOString(),
        paid: false,
      };
      const stored = await table.createRegistration(registration, requestHashOf(viewer.userId, input));
      if (stored === 'taken')
        throw unprocessable(
          'idempotency_key_reused',
          'This Idempotency-Key was already used for a different request.',
        );
      return { registration: stored, replayed: stored.registeredAt !== registration.registeredAt };
    },

    async list(viewer: Viewer, query: ListQuery) {
      const limit = Math.min(query.limit ?? DEFAULT_PAGE, MAX_PAGE);
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const page =
        viewer.role === 'admin'
          ? await table.listAll(limit, after)
          : await table.listByOwner(viewer.userId, limit, after);
      return { items: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) };
    },

    get: visible,

    async remove(viewer: Viewer, id: string): Promise<void> {
      if (!isRegistrationId(id)) throw notFound();
      const deleted = await table.deleteRegistration(id, viewer.role === 'admin' ? undefined : viewer.userId);
      if (!deleted) throw notFound();
    },

    async pay(viewer: Viewer, id: string): Promise<Registration> {
      if (viewer.role !== 'admin') {
        // The owner learns that only admins record payments; anyone else learns nothing.
        await visible(viewer, id);
        throw forbidden('Only an administrator can record a payment.');
      }
      if (!isRegistrationId(id)) throw notFound();
      const result = await table.markPaid(id, clock());
      if (result === 'missing') throw notFound();
      if (result === 'deadline_passed') {
        throw conflict(
          'payment_deadline_passed',
          'The payment deadline has passed; the registration has expired.',
        );
      }
      return result;
    },
  };
}

export type Registrations = ReturnType<typeof createRegistrations>;
