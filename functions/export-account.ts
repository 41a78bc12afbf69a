import { accountExportService } from '#shared/compose/account-lifecycle';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import { recordEvent } from '#shared/platform/events';

/** GET /account/export: everything held about the signed-in account, as a file to keep (GDPR art. 15, 20). */
export const handler = sessionRoute(
  {
    routes: ['GET /account/export'],
    doc: {
      summary: 'Download my data',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description:
            'The account, its sessions, passkeys, linked providers, registrations and the events its items record, as an attachment; no hash, secret, token or recovery code.',
          body: answers.accountExport,
        },
      },
    },
    session: 'required',
    services: { exporter: accountExportService },
  },
  async ({ session, facts, services: { exporter } }) => {
    const data = await exporter.exportOf(session, session.sid);
    recordEvent('accountExported', { userId: session.userId, ...facts });
    return {
      status: 200,
      body: data,
      headers: {
        'Content-Disposition': `attachment; filename="pistus-export-${session.username}.json"`,
      },
    };
  },
);
