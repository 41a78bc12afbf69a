import { recordEvent, requestFacts } from '#shared/events';
import { sessionAndRegistrations } from '#shared/compose/registrations';
import { httpHandler } from '#shared/http/handler';
import { publicRegistration } from '#shared/registrations';
import { sessionViewer } from '#shared/sessions';

/** POST /registrations/{id}/payment: admins record a payment (twice is harmless); 403 for the owner, 404 for others. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: sessionAndRegistrations,
  },
  async ({ session, event, services: { registrations } }) => {
    const registration = await registrations.pay(sessionViewer(session), event.pathParameters?.id ?? '');
    recordEvent('paymentRecorded', {
      userId: session.userId,
      registrationId: registration.id,
      ...requestFacts(event),
    });
    return { status: 200, body: publicRegistration(registration) };
  },
);
