import type { PageKey, Registration, RegistrationsTable } from '#shared/data/registrations';

/** Every registration of one owner, a page at a time, newest first (the byOwner index, never a Scan). */
export async function* ownedRegistrations(
  table: Pick<RegistrationsTable, 'listByOwner'>,
  ownerId: string,
  pageSize = 100,
): AsyncGenerator<Registration[]> {
  let after: PageKey | undefined;
  do {
    const page = await table.listByOwner(ownerId, pageSize, after);
    yield page.items;
    after = page.next;
  } while (after);
}
