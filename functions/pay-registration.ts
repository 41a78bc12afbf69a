import { recordEvent } from '#shared/platform/events';
import { registrationsOnly } from '#shared/compose/registrations';
import { sessionHandler } from '#shared/http/session-handler';
import { publicRegistration, registrationPathSchema } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';

/** POST /registrations/{id}/payment: admins record a payment (twice is harmless); 403 for the owner, 404 for others. */
export const handler = sessionHandler(
  {
    session: 'required',
    path: registrationPathSchema,
    compose: registrationsOnly,
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
