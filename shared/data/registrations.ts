import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deadlineAccess } from '#shared/data/registrations/deadline';
import type { RegistrationsTable } from '#shared/data/registrations/item';
import { requestAccess } from '#shared/data/registrations/requests';

export type {
  ClaimResult,
  DuePage,
  IndexCursor,
  Page,
  PageKey,
  Registration,
  RegistrationsTable,
} from '#shared/data/registrations/item';

/**
 * The registrations table: the access patterns of the API's requests and those of the deadline job, each in
 * a file of its own under shared/data/registrations/.
 */
export function registrationsTableAccess(db: DynamoDBDocumentClient, tableName: string): RegistrationsTable {
  return { ...requestAccess(db, tableName), ...deadlineAccess(db, tableName) };
}
