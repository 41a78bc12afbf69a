import { recordEvent } from '#shared/platform/events';
import { registrationPayment } from '#shared/compose/registrations';
import { publicRegistration, registrationPathSchema } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** POST /registrations/{id}/payment: admins record a payment (twice is harmless); 403 for the owner, 404 for others. */
export const handler = sessionRoute(
  {
    routes: ['POST /registrations/{id}/payment'],
    doc: {
      summary: 'Record a payment (admins)',
      tag: 'Registrations',
      responses: {
        200: { description: 'Paid; paying twice keeps the first `paidAt`.', body: answers.registration },
        403: docs.error('Only admins record payments (`forbidden`), said only to the owner.'),
        404: docs.notFound,
        409: docs.error('The deadline has passed (`payment_deadline_passed`).'),
      },
    },
    session: 'required',
    path: registrationPathSchema,
    services: { registrations: registrationPayment },
  },
  async ({ session, path, facts, services: { registrations } }) => {
    const registration = await registrations.pay(sessionViewer(session), path.id);
    recordEvent('paymentRecorded', {
      userId: session.userId,
      registrationId: registration.id,
      ...facts,
    });
    return { status: 200, body: publicRegistration(registration) };
  },
);
