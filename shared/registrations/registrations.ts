import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import type { Clock } from '#shared/platform/clock';
import type { PageKey, Registration, RegistrationsTable } from '#shared/data/registrations';
import type { Role } from '#shared/data/users';
import { paymentDeadlineFor } from '#shared/registrations/deadline-rules';
import { conflict, forbidden, invalid, notFound } from '#shared/platform/outcomes';

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
    async create(viewer: Viewer, input: NewRegistration): Promise<Registration> {
      const registeredAt = clock();
      const registration: Registration = {
        id: randomUUID(),
        ownerId: viewer.userId,
        activity: input.activity,
        email: input.email,
        ...(input.studentName ? { studentName: input.studentName } : {}),
        registeredAt: registeredAt.toISOString(),
        paymentDeadline: paymentDeadlineFor(registeredAt, paymentPeriodDays).toISOString(),
        paid: false,
      };
      await table.createRegistration(registration);
      return registration;
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
