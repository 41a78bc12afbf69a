/**
 * The Pistus browser client: plain DOM, no framework. It talks only to the public API, always with
 * `credentials: 'include'`, and never sees the session token: the cookie is HttpOnly, and nothing here keeps
 * a token in storage or memory. The API's base URL comes from the page (empty: the same origin).
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import createClient from 'openapi-fetch';
import { encode } from 'uqr';
import type { components, paths } from './api';

type ApiError = components['schemas']['Error'];
type User = components['schemas']['User'];
type Session = components['schemas']['SessionList']['items'][number];

const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
const app = document.querySelector<HTMLElement>('#app') as HTMLElement;
const nav = document.querySelector<HTMLElement>('#nav') as HTMLElement;

/**
 * The API, typed from the generated OpenAPI document (client/api.d.ts, `npm run openapi`): a path, a body
 * or a field the document does not have does not compile. Cookies always go along (`credentials`).
 */
const api = createClient<paths>({ baseUrl: meta('pistus-api'), credentials: 'include' });

/** The error a failed call answered, for the page to show; a network failure says so too. */
const problem = (error: ApiError | undefined, response: Response): ApiError['error'] | undefined =>
  response.ok
    ? undefined
    : (error?.error ?? { code: 'error', message: response.statusText || 'Request failed' });

/** Builds an element; text is always set as text, never parsed as HTML. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function field(name: string, label: string, type = 'text', extra: Record<string, string> = {}) {
  return el(
    'label',
    {},
    label,
    el('input', { name, type, id: `field-${name}`, ...extra }),
    el('span', { class: 'field-error', id: `error-${name}`, role: 'alert' }),
  );
}

/** Shows the API's error messages next to the fields they name, and the rest above the button. */
function showErrors(form: HTMLFormElement, error: ApiError['error']) {
  for (const span of form.querySelectorAll('.field-error')) span.textContent = '';
  for (const input of form.querySelectorAll('input')) input.removeAttribute('aria-invalid');
  const general = form.querySelector('.form-error') as HTMLElement;
  general.textContent = '';
  const unplaced: string[] = [];
  for (const [name, problem] of Object.entries(error.fields ?? {})) {
    const span = form.querySelector(`#error-${CSS.escape(name)}`);
    if (span) {
      span.textContent = `${name.replace('_', ' ')} ${problem}`;
      form.querySelector(`[name="${CSS.escape(name)}"]`)?.setAttribute('aria-invalid', 'true');
    } else unplaced.push(`${name}: ${problem}`);
  }
  if (!error.fields || unplaced.length)
    general.textContent = error.fields ? unplaced.join('; ') : error.message;
}

function form(
  id: string,
  fields: HTMLElement[],
  submit: string,
  onSubmit: (values: Record<string, string>, form: HTMLFormElement) => Promise<void>,
) {
  const element = el(
    'form',
    { id, novalidate: '' },
    ...fields,
    el('p', { class: 'form-error', role: 'alert' }),
    el('button', { type: 'submit' }, submit),
  );
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(element)].map(([k, v]) => [k, String(v)]));
    await onSubmit(values, element);
  });
  return element;
}

/**
 * Step-up: a sensitive change (a passkey, the email address, the second factor) answers 403
 * `reauthentication_required` when this session has not proved who the user is lately. Then a dialog asks
 * for the password (or a code from the authenticator app, or a passkey), `POST /reauth` takes it, and the change is tried
 * once more; closing the dialog leaves the first answer to be shown.
 */
type Answer = { error?: ApiError; response: Response };
async function withStepUp<A extends Answer>(call: () => Promise<A>): Promise<A> {
  const first = await call();
  if (first.response.status !== 403 || first.error?.error.code !== 'reauthentication_required') return first;
  return (await proveWhoYouAre()) ? call() : first;
}

function proveWhoYouAre(): Promise<boolean> {
  return new Promise((done) => {
    const dialog = el('dialog', { id: 'reauth-dialog', 'aria-labelledby': 'reauth-title' });
    const cancel = el('button', { type: 'button', class: 'secondary', id: 'reauth-cancel' }, 'Cancel');
    let proved = false;
    const proof = form(
      'reauth-form',
      [
        field('password', 'Your password', 'password', { autocomplete: 'current-password' }),
        field('code', 'Or a code from your authenticator app', 'text', {
          autocomplete: 'one-time-code',
          inputmode: 'numeric',
        }),
      ],
      'Confirm',
      async (values, f) => {
        const body = values.code ? { code: values.code } : { password: values.password ?? '' };
        const { error, response } = await api.POST('/reauth', { body });
        const failure = problem(error, response);
        if (failure) return showErrors(f, failure);
        proved = true;
        dialog.close();
      },
    );
    // A passkey proves both factors, as at login: any of this account's, answering a login challenge.
    const byPasskey = passkeyButton('reauth-passkey', 'Use a passkey instead', async () => {
      const options = await api.POST('/passkeys/login/options');
      if (!options.data) return problem(options.error, options.response)?.message;
      const answer = await startAuthentication({ optionsJSON: options.data as never });
      const { error, response } = await api.POST('/reauth', { body: { passkey: answer as never } });
      if (!response.ok) return problem(error, response)?.message;
      proved = true;
      dialog.close();
      return undefined;
    });
    proof.append(cancel);
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      done(proved);
    });
    dialog.append(
      el('h2', { id: 'reauth-title' }, 'Confirm it is you'),
      el('p', {}, 'This changes how your account is protected. Please confirm who you are first.'),
      proof,
      byPasskey,
      linkedProviderSignIns(),
    );
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Sign-in at an identity provider is a navigation, not a fetch: the API sends the browser to the provider
 * and takes it back to `returnTo` (this client's page), with the outcome in the query. `link` attaches the
 * identity to the signed-in account instead.
 */
const providerStart = (provider: string, page: string, link = false) =>
  `${meta('pistus-api')}/auth/${encodeURIComponent(provider)}/start?${new URLSearchParams({
    returnTo: `${location.origin}/${page}`,
    ...(link ? { link: 'true' } : {}),
  })}`;

/** "Sign in with …" for each provider the API offers, as links (nothing shows while there are none). */
function providerButtons(verb: string): HTMLElement {
  const area = el('div', { id: 'providers', class: 'providers' });
  void api.GET('/auth/providers').then(({ data }) =>
    area.replaceChildren(
      ...(data?.items ?? []).map((provider) =>
        el(
          'a',
          {
            class: 'button secondary',
            href: providerStart(provider.id, '#/home'),
            'data-provider': provider.id,
          },
          `${verb} with ${provider.name}`,
        ),
      ),
    ),
  );
  return area;
}

/** What a provider sign-in came back with (`auth_error`), in words. */
const AUTH_ERRORS: Record<string, string> = {
  invalid_state: 'That sign-in could not be finished in this browser. Please start it again.',
  provider_error: 'The provider did not confirm who you are. Please try again.',
  link_required:
    'An account already uses that email address. Log in to it, then link this provider from your account page.',
  identity_taken: 'That provider account already signs in to another Pistus account.',
  account_disabled: 'This account is disabled.',
  unauthorized: 'Please log in first.',
  reauthentication_required: 'Please confirm who you are first.',
};

/** The outcome a provider sign-in put in the address, taken out of it (a reload does not show it twice). */
function takeAuthOutcome(): Record<string, string> {
  const query = new URLSearchParams(location.search);
  const outcome: Record<string, string> = {};
  for (const name of ['auth_error', 'mfa_required', 'linked']) {
    const value = query.get(name);
    if (value !== null) outcome[name] = value;
  }
  if (Object.keys(outcome).length) history.replaceState(null, '', `${location.pathname}${location.hash}`);
  return outcome;
}

/**
 * In the step-up dialog: an account with no password (made by a provider) proves itself by signing in at a
 * provider it linked again, which starts a fresh session; the change is then made once more. Empty for an
 * account with none.
 */
function linkedProviderSignIns(): HTMLElement {
  const area = el('div', { class: 'providers', id: 'reauth-providers' });
  void Promise.all([api.GET('/identities'), api.GET('/auth/providers')]).then(([linked, offered]) => {
    const mine = new Set((linked.data?.items ?? []).map((identity) => identity.provider));
    const links = (offered.data?.items ?? [])
      .filter((provider) => mine.has(provider.id))
      .map((provider) =>
        el(
          'a',
          { class: 'button secondary', href: providerStart(provider.id, '#/account') },
          `Sign in again with ${provider.name}`,
        ),
      );
    area.replaceChildren(
      ...(links.length ? [el('p', {}, 'Or sign in again with a provider you linked:'), ...links] : []),
    );
  });
  return area;
}

function render(...children: Node[]) {
  app.replaceChildren(...children);
}

async function currentUser(): Promise<User | undefined> {
  const { data, response } = await api.GET('/check_session');
  return response.status === 200 ? data : undefined;
}

function loginView(notice = '') {
  nav.hidden = true;
  render(
    el('h2', {}, 'Log in'),
    ...(notice ? [el('p', { class: 'notice', id: 'notice' }, notice)] : []),
    form(
      'login-form',
      [
        field('username', 'Username', 'text', { autocomplete: 'username' }),
        field('password', 'Password', 'password', { autocomplete: 'current-password' }),
      ],
      'Log in',
      async (values, f) => {
        const { username = '', password = '' } = values;
        const { data, error, response } = await api.POST('/login', { body: { username, password } });
        const failure = problem(error, response);
        if (failure) return showErrors(f, failure);
        // The password was right; the account asks for its second factor before any session.
        if (data && 'mfaRequired' in data) return secondFactorView();
        location.hash = '#/home';
      },
    ),
    passkeyButton('passkey-login', 'Sign in with a passkey', async () => {
      const options = await api.POST('/passkeys/login/options');
      if (!options.data) return problem(options.error, options.response)?.message;
      const answer = await startAuthentication({ optionsJSON: options.data as never });
      const signedIn = await api.POST('/passkeys/login', { body: { response: answer as never } });
      if (!signedIn.response.ok) return problem(signedIn.error, signedIn.response)?.message;
      location.hash = '#/home';
      return undefined;
    }),
    providerButtons('Sign in'),
    el('p', {}, el('a', { href: '#/forgot', id: 'forgot-link' }, 'Forgot password?')),
    el('p', {}, 'No account yet? ', el('a', { href: '#/signup' }, 'Sign up')),
  );
}

/**
 * A button that runs a WebAuthn ceremony, and shows why it did not finish (the browser's own refusal, or
 * the API's), in its own alert line.
 */
function passkeyButton(id: string, label: string, ceremony: () => Promise<string | undefined>) {
  const message = el('p', { class: 'form-error', id: `${id}-error`, role: 'alert' });
  const button = el('button', { type: 'button', class: 'secondary', id }, label);
  button.addEventListener('click', async () => {
    message.textContent = '';
    try {
      message.textContent = (await ceremony()) ?? '';
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : 'The passkey could not be used.';
    }
  });
  return el('div', { class: 'passkey' }, button, message);
}

/** The second half of a login: a code of the authenticator app, or one recovery code. */
function secondFactorView() {
  nav.hidden = true;
  render(
    el('h2', {}, 'Two-factor authentication'),
    el('p', {}, 'Type the 6-digit code your authenticator app shows, or one of your recovery codes.'),
    form(
      'mfa-form',
      [field('code', 'Code or recovery code', 'text', { autocomplete: 'one-time-code', inputmode: 'text' })],
      'Verify',
      async (values, f) => {
        const typed = (values.code ?? '').trim();
        const body = /^\d{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed };
        const { error, response } = await api.POST('/login/mfa', { body });
        const failure = problem(error, response);
        if (failure) {
          if (failure.code === 'mfa_expired') return loginView(failure.message);
          return showErrors(f, {
            ...failure,
            fields: failure.fields && { code: Object.values(failure.fields).join('; ') },
          });
        }
        location.hash = '#/home';
        void route();
      },
    ),
  );
}

/** "Forgot password?": the same answer whatever was typed, as the API gives it. */
function forgotView() {
  nav.hidden = true;
  const done = el('p', { class: 'notice', id: 'notice', hidden: '' });
  render(
    el('h2', {}, 'Forgot your password?'),
    el(
      'p',
      {},
      'Type your email address or your username. If the account has a verified address, a link to reset its password is mailed to it.',
    ),
    form(
      'forgot-form',
      [field('who', 'Email address or username', 'text', { autocomplete: 'username' })],
      'Send me a link',
      async (values, f) => {
        const who = (values.who ?? '').trim();
        const { data, error, response } = await api.POST('/password/forgot', {
          body: who.includes('@') ? { email: who } : { username: who },
        });
        const failure = problem(error, response);
        if (failure) {
          // The API names the field it read (email or username); this form has one for both.
          return showErrors(f, {
            ...failure,
            fields: failure.fields && { who: Object.values(failure.fields).join('; ') },
          });
        }
        showErrors(f, { code: '', message: '', fields: {} });
        done.textContent = data?.message ?? '';
        done.hidden = false;
      },
    ),
    done,
    el('p', {}, el('a', { href: '#/login' }, 'Back to log in')),
  );
}

/** The token a mailed link carries; the address bar keeps it no longer than the page needs it. */
const linkToken = (): string => new URLSearchParams(location.search).get('token') ?? '';

/** Leaves a link's page for the app itself, dropping the token from the address bar and the history. */
function leaveLink(hash: string) {
  history.replaceState(null, '', `/${hash}`);
  void route();
}

/** The page a verification link opens: one click confirms (a mail scanner fetching the link does not). */
function verifyEmailView() {
  nav.hidden = true;
  const token = linkToken();
  const result = el('p', { class: 'notice', id: 'notice', hidden: '' });
  const confirm = form('verify-form', [], 'Confirm my address', async (_values, f) => {
    const { error, response } = await api.POST('/email/verify', { body: { token } });
    const failure = problem(error, response);
    if (failure) return showErrors(f, failure);
    f.remove();
    history.replaceState(null, '', '/verify-email');
    result.textContent = 'Your email address is confirmed.';
    result.hidden = false;
  });
  render(
    el('h2', {}, 'Confirm your email address'),
    confirm,
    result,
    el('p', {}, el('a', { href: '/#/home', id: 'continue' }, 'Continue to Pistus')),
  );
}

/** The page a reset link opens: a new password, under the signup rules; every session ends. */
function resetPasswordView() {
  nav.hidden = true;
  const token = linkToken();
  render(
    el('h2', {}, 'Choose a new password'),
    form(
      'reset-form',
      [field('newPassword', 'New password', 'password', { autocomplete: 'new-password' })],
      'Set my password',
      async (values, f) => {
        const { error, response } = await api.POST('/password/reset', {
          body: { token, newPassword: values.newPassword ?? '' },
        });
        const failure = problem(error, response);
        if (failure) return showErrors(f, failure);
        leaveLink('#/password-reset');
      },
    ),
  );
}

function signupView() {
  nav.hidden = true;
  render(
    el('h2', {}, 'Sign up'),
    form(
      'signup-form',
      [
        field('username', 'Username', 'text', { autocomplete: 'username' }),
        field('password', 'Password', 'password', { autocomplete: 'new-password' }),
        field('password_confirmation', 'Password confirmation', 'password', { autocomplete: 'new-password' }),
        field('email', 'Email (optional, to get back in if you forget your password)', 'email', {
          autocomplete: 'email',
        }),
      ],
      'Sign up',
      async (values, f) => {
        const { username = '', password = '', password_confirmation, email } = values;
        const { error, response } = await api.POST('/signup', {
          body: {
            username,
            password,
            ...(password_confirmation ? { password_confirmation } : {}),
            ...(email ? { email } : {}),
          },
        });
        const failure = problem(error, response);
        if (failure) return showErrors(f, failure);
        location.hash = '#/home';
      },
    ),
    providerButtons('Sign up'),
    el('p', {}, 'Have an account? ', el('a', { href: '#/login' }, 'Log in')),
  );
}

function homeView(user: User) {
  render(
    el('h2', { id: 'welcome' }, `Welcome, ${user.username}!`),
    el('p', {}, 'Manage your registrations, or read the reminder emails in the mail viewer.'),
    ...adminLink(user),
  );
}

/** A moment in the visitor's own time zone and language. */
const date = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** The API's default reminder window: inside it, an unpaid registration is due soon (the mail has gone). */
const DUE_SOON_MS = 2 * 24 * 3600 * 1000;

/** "4 days 23 h left", "5 h left", "passed": what is left until a deadline, to the hour. */
function timeLeft(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (ms <= 0) return 'passed';
  const hours = Math.floor(ms / 3_600_000);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  if (days === 0) return hours === 0 ? 'less than an hour left' : `${hours} h left`;
  return `${days} ${days === 1 ? 'day' : 'days'}${rest ? ` ${rest} h` : ''} left`;
}

/** The deadline cell: the date in the visitor's zone and the time left, marked when due soon or paid. */
function deadlineCell(r: { paymentDeadline: string; paid: boolean }) {
  const left = Date.parse(r.paymentDeadline) - Date.now();
  const state = r.paid ? 'paid' : left <= DUE_SOON_MS ? 'due-soon' : 'open';
  return el(
    'td',
    { 'data-label': 'Deadline', 'data-state': state, class: `deadline ${state}` },
    el('time', { datetime: r.paymentDeadline }, date(r.paymentDeadline)),
    ...(r.paid ? [] : [el('span', { class: 'left' }, ` (${timeLeft(r.paymentDeadline)})`)]),
  );
}

async function registrationsView(user: User) {
  const list = el('tbody', { id: 'registrations' });
  const message = el('p', { class: 'form-error', id: 'list-error', role: 'alert' });
  const refresh = async () => {
    const { data, error, response } = await api.GET('/registrations', {
      params: { query: { limit: '100' } },
    });
    const failure = problem(error, response);
    if (failure) {
      message.textContent = failure.message;
      return;
    }
    list.replaceChildren(
      ...(data?.items ?? []).map((r) => {
        /** A button that calls the API, shows its error if any, and reloads the list. */
        const action = (
          name: string,
          label: string,
          call: () => Promise<{ error?: ApiError; response: Response }>,
        ) => {
          const button = el('button', { type: 'button', class: 'secondary', 'data-action': name }, label);
          button.addEventListener('click', async () => {
            const { error: failed, response: answer } = await call();
            message.textContent = problem(failed, answer)?.message ?? '';
            await refresh();
          });
          return button;
        };
        const id = { params: { path: { id: r.id } } };
        const remove = action('delete', 'Delete', () => api.DELETE('/registrations/{id}', id));
        // Only admins record payments: the server refuses anyone else, and the page does not offer it.
        const pay = action('pay', 'Record payment', () => api.POST('/registrations/{id}/payment', id));
        const canPay = !r.paid && user.role === 'admin';
        return el(
          'tr',
          { 'data-id': r.id },
          el('td', { 'data-label': 'Activity' }, r.activity, r.studentName ? ` (${r.studentName})` : ''),
          el('td', { 'data-label': 'Email' }, r.email),
          deadlineCell(r),
          el(
            'td',
            { 'data-label': 'Status', ...(r.paid ? { class: 'paid' } : {}) },
            r.paid ? 'Paid' : 'Unpaid',
          ),
          el('td', { 'data-label': 'Actions' }, ...(canPay ? [pay] : []), remove),
        );
      }),
    );
  };
  render(
    el('h2', {}, 'Registrations'),
    form(
      'registration-form',
      [
        field('activity', 'Activity'),
        field('email', 'Email', 'email'),
        field('studentName', 'Student name (optional)'),
      ],
      'Register',
      async (values, f) => {
        const { activity = '', email = '', studentName } = values;
        const { error, response } = await api.POST('/registrations', {
          body: { activity, email, ...(studentName ? { studentName } : {}) },
        });
        const failure = problem(error, response);
        if (failure) return showErrors(f, failure);
        f.reset();
        showErrors(f, { code: '', message: '', fields: {} });
        await refresh();
      },
    ),
    message,
    el(
      'table',
      {},
      el(
        'thead',
        {},
        el('tr', {}, ...['Activity', 'Email', 'Deadline', 'Status', ''].map((h) => el('th', {}, h))),
      ),
      list,
    ),
  );
  await refresh();
}

/** The account's address: its state, and a form to set or change it (a link is mailed to confirm it). */
function emailSection(user: User): Node[] {
  const state = el(
    'p',
    { id: 'email-state' },
    user.email
      ? `${user.email} (${user.emailVerified ? 'verified' : 'not verified yet: follow the link we mailed you'})`
      : 'No email address yet: add one so you can reset a forgotten password.',
  );
  const sent = el('p', { class: 'notice', id: 'email-notice', hidden: '' });
  return [
    el('h3', {}, 'Your email address'),
    state,
    form(
      'email-form',
      [
        field('email', user.email ? 'New email address' : 'Email address', 'email', {
          autocomplete: 'email',
        }),
      ],
      user.email && !user.emailVerified ? 'Save and send the link again' : 'Save',
      async (values, f) => {
        const { data, error, response } = await withStepUp(() =>
          api.PUT('/email', { body: { email: values.email ?? '' } }),
        );
        const failure = problem(error, response);
        if (failure) return showErrors(f, failure);
        showErrors(f, { code: '', message: '', fields: {} });
        state.textContent = `${values.email ?? ''} (not verified yet: follow the link we mailed you)`;
        sent.textContent = data?.message ?? '';
        sent.hidden = false;
        f.reset();
      },
    ),
    sent,
  ];
}

/** A QR code as SVG squares built in the DOM: no image data URL, so the page's CSP stays as strict. */
function qrCode(text: string, label: string) {
  const { data, size } = encode(text, { border: 2 });
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('class', 'qr');
  const background = document.createElementNS(ns, 'rect');
  for (const [name, value] of Object.entries({ width: size, height: size, fill: '#fff' }))
    background.setAttribute(name, String(value));
  svg.append(background);
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      const square = document.createElementNS(ns, 'rect');
      for (const [name, value] of Object.entries({ x, y, width: 1, height: 1, fill: '#000' }))
        square.setAttribute(name, String(value));
      svg.append(square);
    }),
  );
  return svg;
}

/** Recovery codes, shown this once, with what they are for. */
const recoveryList = (codes: string[]) =>
  el(
    'div',
    { id: 'recovery-codes' },
    el(
      'p',
      {},
      'Your recovery codes. Keep them somewhere safe: each signs you in once without your app, and they are not shown again.',
    ),
    el('ul', { class: 'codes' }, ...codes.map((code) => el('li', {}, el('code', {}, code)))),
  );

/** Two-factor authentication: on with a scanned secret and a code; off, or new recovery codes, with a code. */
function totpSection(user: User): Node[] {
  const area = el('div', { id: 'totp' });
  const codeForm = (
    id: string,
    submit: string,
    act: (code: string) => Promise<{ error?: ApiError; response: Response; data?: unknown }>,
    done: (data: unknown) => void,
  ) =>
    form(
      id,
      [
        field(`${id}-code`, 'Code from your app', 'text', {
          autocomplete: 'one-time-code',
          inputmode: 'numeric',
        }),
      ],
      submit,
      async (values, f) => {
        const answer = await act(values[`${id}-code`] ?? '');
        const failure = problem(answer.error, answer.response);
        if (failure)
          return showErrors(f, {
            ...failure,
            fields: failure.fields && { [`${id}-code`]: Object.values(failure.fields).join('; ') },
          });
        done(answer.data);
      },
    );
  const showOff = () => {
    const begin = el('button', { type: 'button', id: 'totp-begin' }, 'Set up an authenticator app');
    begin.addEventListener('click', async () => {
      const offer = await withStepUp(() => api.POST('/mfa/totp'));
      if (!offer.data) return;
      area.replaceChildren(
        el(
          'p',
          {},
          'Scan this code with your authenticator app, or type the key below, then enter the code it shows.',
        ),
        qrCode(offer.data.otpauthUri, 'QR code of your authenticator key'),
        el('p', {}, 'Key: ', el('code', { id: 'totp-secret' }, offer.data.secret)),
        codeForm(
          'totp-confirm',
          'Turn on',
          (code) => withStepUp(() => api.POST('/mfa/totp/confirm', { body: { code } })),
          (data) => {
            area.replaceChildren(
              el('p', { id: 'totp-state' }, 'Two-factor authentication is on.'),
              recoveryList((data as { recoveryCodes: string[] }).recoveryCodes),
            );
          },
        ),
      );
    });
    area.replaceChildren(el('p', { id: 'totp-state' }, 'Two-factor authentication is off.'), begin);
  };
  const showOn = () =>
    area.replaceChildren(
      el('p', { id: 'totp-state' }, 'Two-factor authentication is on.'),
      codeForm('totp-disable', 'Turn off', (code) => api.DELETE('/mfa/totp', { body: { code } }), showOff),
      codeForm(
        'totp-renew',
        'New recovery codes',
        (code) => api.POST('/mfa/recovery-codes', { body: { code } }),
        (data) => area.append(recoveryList((data as { recoveryCodes: string[] }).recoveryCodes)),
      ),
    );
  if (user.mfaEnabled) showOn();
  else showOff();
  return [el('h3', {}, 'Two-factor authentication'), area];
}

/** Passkeys: the ones you have, and a button to add one on this device. */
function passkeysSection(): Node[] {
  const list = el('ul', { id: 'passkeys', class: 'sessions' });
  const refresh = async () => {
    const { data } = await api.GET('/passkeys');
    list.replaceChildren(
      ...(data?.items ?? []).map((passkey) => {
        const remove = el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-action': 'remove-passkey',
            'aria-label': `Remove the passkey ${passkey.name}`,
          },
          'Remove',
        );
        remove.addEventListener('click', async () => {
          await withStepUp(() => api.DELETE('/passkeys/{id}', { params: { path: { id: passkey.id } } }));
          await refresh();
        });
        return el(
          'li',
          { 'data-id': passkey.id },
          el('strong', {}, passkey.name),
          ` added ${date(passkey.createdAt)} `,
          remove,
        );
      }),
    );
  };
  void refresh();
  return [
    el('h3', {}, 'Passkeys'),
    el('p', {}, 'Sign in with your fingerprint, face or device PIN instead of a password and a code.'),
    list,
    passkeyButton('passkey-add', 'Add a passkey', async () => {
      const options = await withStepUp(() => api.POST('/passkeys/register/options'));
      if (!options.data) return problem(options.error, options.response)?.message;
      const answer = await startRegistration({ optionsJSON: options.data as never });
      const added = await withStepUp(() =>
        api.POST('/passkeys/register', { body: { response: answer as never } }),
      );
      if (!added.response.ok) return problem(added.error, added.response)?.message;
      await refresh();
      return undefined;
    }),
  ];
}

/**
 * The providers that sign in to this account: each unlinkable (not the last way in), and a link button for
 * each the API offers. Linking is a change of what signs in, so it asks for a recent proof: when the API
 * sends the browser back for one, the dialog asks, and the link starts again.
 */
function identitiesSection(): Node[] {
  const list = el('ul', { id: 'identities', class: 'sessions' });
  const message = el('p', { class: 'form-error', id: 'identities-error', role: 'alert' });
  const links = el('div', { id: 'identity-links', class: 'providers' });
  const refresh = async () => {
    const [{ data }, offered] = await Promise.all([api.GET('/identities'), api.GET('/auth/providers')]);
    const names = new Map((offered.data?.items ?? []).map((p) => [p.id, p.name]));
    list.replaceChildren(
      ...(data?.items ?? []).map((identity) => {
        const name = names.get(identity.provider) ?? identity.provider;
        const unlink = el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-action': 'unlink-identity',
            'aria-label': `Unlink ${name}`,
          },
          'Unlink',
        );
        unlink.addEventListener('click', async () => {
          const { error, response } = await withStepUp(() =>
            api.DELETE('/identities/{id}', { params: { path: { id: identity.id } } }),
          );
          message.textContent = problem(error, response)?.message ?? '';
          await refresh();
        });
        return el(
          'li',
          { 'data-id': identity.id },
          el('strong', {}, name),
          `${identity.email ? ` (${identity.email})` : ''}, linked ${date(identity.linkedAt)} `,
          unlink,
        );
      }),
    );
    links.replaceChildren(
      ...[...names].map(([id, name]) => {
        const link = el(
          'a',
          { class: 'button secondary', href: providerStart(id, '#/account', true), 'data-link': id },
          `Link ${name}`,
        );
        link.addEventListener('click', () => sessionStorage.setItem('pistus-linking', id));
        return link;
      }),
    );
  };
  void refresh();
  return [
    el('h3', {}, 'Sign-in providers'),
    el(
      'p',
      {},
      'Sign in with another account you have (Google, GitHub…) as well as, or instead of, a password.',
    ),
    list,
    message,
    links,
  ];
}

/** A new password: the current one proves it is you; every other session ends with the change. */
function passwordSection(): Node[] {
  const done = el('p', { class: 'notice', id: 'password-notice', hidden: '' });
  return [
    el('h3', {}, 'Your password'),
    form(
      'password-form',
      [
        field('currentPassword', 'Current password', 'password', { autocomplete: 'current-password' }),
        field('newPassword', 'New password', 'password', { autocomplete: 'new-password' }),
        field('newPassword_confirmation', 'New password again', 'password', { autocomplete: 'new-password' }),
      ],
      'Change password',
      async (values, f) => {
        done.hidden = true;
        if (values.newPassword !== values.newPassword_confirmation)
          return showErrors(f, {
            code: 'invalid_input',
            message: 'The new passwords differ.',
            fields: { newPassword_confirmation: 'does not match the new password' },
          });
        const { error, response } = await api.POST('/password', {
          body: { currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '' },
        });
        const failure = problem(error, response);
        if (failure) return showErrors(f, failure);
        showErrors(f, { code: '', message: '', fields: {} });
        f.reset();
        done.textContent = 'Your password is changed. Every other session has ended; this one goes on.';
        done.hidden = false;
      },
    ),
    done,
  ];
}

/** Log out everywhere, this browser included, after a confirmation: then the login page. */
function everywhereSection(): Node[] {
  const message = el('p', { class: 'form-error', id: 'everywhere-error', role: 'alert' });
  const ask = el('button', { type: 'button', id: 'logout-everywhere' }, 'Log out everywhere');
  const confirm = el(
    'div',
    { id: 'logout-everywhere-confirm', hidden: '' },
    el('p', {}, 'End every session of your account, on every device, this one included?'),
    el('button', { type: 'button', id: 'logout-everywhere-yes' }, 'Yes, log out everywhere'),
    ' ',
    el('button', { type: 'button', class: 'secondary', id: 'logout-everywhere-no' }, 'Cancel'),
  );
  ask.addEventListener('click', () => {
    confirm.hidden = false;
    ask.hidden = true;
  });
  confirm.querySelector('#logout-everywhere-no')?.addEventListener('click', () => {
    confirm.hidden = true;
    ask.hidden = false;
  });
  confirm.querySelector('#logout-everywhere-yes')?.addEventListener('click', async () => {
    const { error, response } = await api.DELETE('/sessions');
    message.textContent = problem(error, response)?.message ?? '';
    if (response.ok) location.hash = '#/logged-out-everywhere';
  });
  return [ask, confirm, message];
}

/** Saves a file the browser already holds: a temporary link with `download`, clicked, then let go. */
function saveFile(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name, hidden: '' });
  document.body.append(link);
  link.click();
  link.remove();
  // The click starts the download at once; the object URL is freed later, not under the download's feet.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The export's file name, as the API names it. Another origin's page cannot read Content-Disposition (CORS
 * does not expose it), so the same name is built from the username then.
 */
const exportFileName = (response: Response, username: string) =>
  /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
  `pistus-export-${username}.json`;

/** "Download my data": the account's export, the API's bytes as they came, saved as a JSON file. */
function exportControl(user: User): HTMLElement {
  const message = el('p', { class: 'form-error', id: 'export-error', role: 'alert' });
  const button = el('button', { type: 'button', id: 'export-data' }, 'Download my data');
  button.addEventListener('click', async () => {
    message.textContent = '';
    const { data, error, response } = await api.GET('/account/export', { parseAs: 'blob' });
    if (!data) {
      message.textContent = problem(error, response)?.message ?? 'The export could not be made.';
      return;
    }
    saveFile(data, exportFileName(response, user.username));
  });
  return el('div', { class: 'export' }, button, message);
}

/**
 * "Delete my account": the user types their username to arm the button (a deletion cannot be undone, so a
 * slip of the mouse must not make one), the API asks for a recent proof, and the login page says it is done.
 */
function deleteAccountForm(user: User): HTMLFormElement {
  const confirmation = field(
    'confirm-username',
    `To confirm, type your username (${user.username})`,
    'text',
    {
      autocomplete: 'off',
      autocapitalize: 'none',
      spellcheck: 'false',
    },
  );
  const remove = form('delete-account-form', [confirmation], 'Delete my account', async (_values, f) => {
    const { error, response } = await withStepUp(() => api.DELETE('/account'));
    const failure = problem(error, response);
    if (failure) return showErrors(f, failure);
    location.hash = '#/account-deleted';
  });
  const input = remove.querySelector('input') as HTMLInputElement;
  const button = remove.querySelector('button[type=submit]') as HTMLButtonElement;
  button.classList.add('danger');
  button.disabled = true;
  input.addEventListener('input', () => {
    button.disabled = input.value !== user.username;
  });
  return remove;
}

/** Your data: a copy of everything the account holds, and the account's end. */
function yourDataSection(user: User): Node[] {
  return [
    el('h3', {}, 'Your data'),
    el(
      'p',
      {},
      'Download a copy of what Pistus holds about you: your account, sessions, passkeys, linked providers, registrations and its security log.',
    ),
    exportControl(user),
    el(
      'p',
      {},
      'Deleting your account ends every session and removes your sign-ins and data for good; paid registrations are kept, without your name and address. It cannot be undone.',
    ),
    deleteAccountForm(user),
  ];
}

/** The account page: where the user is signed in, each session endable but the one in use here. */
async function accountView(user: User, notice = '') {
  const list = el('ul', { id: 'sessions', class: 'sessions' });
  const message = el('p', { class: 'form-error', id: 'sessions-error', role: 'alert' });
  const refresh = async () => {
    const { data, error, response } = await api.GET('/sessions');
    message.textContent = problem(error, response)?.message ?? '';
    list.replaceChildren(
      ...(data?.items ?? []).map((session: Session) => {
        const details = el(
          'span',
          {},
          el('strong', {}, session.device),
          ` from ${session.ip}, last active ${date(session.lastActiveAt)}`,
        );
        if (session.current)
          return el('li', { 'data-current': 'true' }, details, ' ', el('em', {}, '(this device)'));
        const end = el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-action': 'end-session',
            'aria-label': `End the session on ${session.device} from ${session.ip}`,
          },
          'End',
        );
        end.addEventListener('click', async () => {
          const ended = await api.DELETE('/sessions/{id}', { params: { path: { id: session.id } } });
          message.textContent = problem(ended.error, ended.response)?.message ?? '';
          await refresh();
        });
        return el('li', { 'data-id': session.id }, details, ' ', end);
      }),
    );
  };
  render(
    el('h2', {}, 'Your account'),
    ...(notice ? [el('p', { class: 'notice', id: 'notice', role: 'status' }, notice)] : []),
    el('p', {}, `Signed in as ${user.username}.`),
    ...adminLink(user),
    ...emailSection(user),
    ...passwordSection(),
    ...totpSection(user),
    ...passkeysSection(),
    ...identitiesSection(),
    el('h3', {}, 'Your sessions'),
    el('p', {}, 'Everywhere you are signed in. End any session you do not recognise.'),
    message,
    list,
    ...everywhereSection(),
    ...yourDataSection(user),
  );
  await refresh();
}

type AdminUser = NonNullable<
  paths['/admin/users']['get']['responses'][200]['content']['application/json']
>['items'][number];

/** Rows a page of the admin list shows (the API allows 1 to 100). */
const ADMIN_PAGE_SIZE = 20;

/** A link to the admin page, for admins only (the API refuses everyone else whatever the page shows). */
const adminLink = (user: User): Node[] =>
  user.role === 'admin'
    ? [el('p', {}, el('a', { href: '#/admin', id: 'admin-link' }, 'Manage users (admin)'))]
    : [];

/**
 * One user's row: what the list says of them, and the actions an admin takes on them. `act` runs a change
 * (through step-up) and says how it went; `details` shows the user's counts.
 */
function adminUserRow(
  u: AdminUser,
  me: User,
  act: (call: () => Promise<Answer>, done: string) => Promise<void>,
  details: () => Promise<void>,
): HTMLTableRowElement {
  const id = { params: { path: { id: u.id } } };
  // Each button's name starts with what it shows (WCAG 2.5.3, label in name), then whose row it is.
  const button = (action: string, label: string, onClick: () => Promise<void>) => {
    const b = el(
      'button',
      { type: 'button', class: 'secondary', 'data-action': action, 'aria-label': `${label} (${u.username})` },
      label,
    );
    b.addEventListener('click', onClick);
    return b;
  };
  const actions = el('div', { class: 'actions' });
  const showActions = () =>
    actions.replaceChildren(
      button('user-details', 'Details', details),
      u.disabled
        ? button('enable', 'Enable', () =>
            act(() => api.POST('/admin/users/{id}/enable', id), `${u.username} can log in again.`),
          )
        : button('disable', 'Disable', () =>
            act(() => api.POST('/admin/users/{id}/disable', id), `${u.username} is disabled.`),
          ),
      button('end-sessions', 'End sessions', () =>
        act(() => api.DELETE('/admin/users/{id}/sessions', id), `Every session of ${u.username} has ended.`),
      ),
      u.role === 'admin'
        ? button('make-user', 'Make user', () =>
            act(
              () => api.PUT('/admin/users/{id}/role', { ...id, body: { role: 'user' } }),
              `${u.username} is a plain user now.`,
            ),
          )
        : button('make-admin', 'Make admin', () =>
            act(
              () => api.PUT('/admin/users/{id}/role', { ...id, body: { role: 'admin' } }),
              `${u.username} is an admin now.`,
            ),
          ),
      button('delete-user', 'Delete', async () => askToDelete()),
    );
  // A deletion cannot be undone: the row asks once more, and Cancel (focused) leaves everything as it was.
  const askToDelete = () => {
    const cancel = button('cancel-delete', 'Cancel', async () => showActions());
    actions.replaceChildren(
      el('span', {}, `Delete ${u.username} and all their data?`),
      button('confirm-delete', 'Yes, delete', () =>
        act(() => api.DELETE('/admin/users/{id}', id), `${u.username} is deleted.`),
      ),
      cancel,
    );
    cancel.focus();
  };
  showActions();
  const you = u.id === me.id ? ' (you)' : '';
  return el(
    'tr',
    { 'data-id': u.id, 'data-username': u.username, ...(u.disabled ? { 'data-disabled': 'true' } : {}) },
    el('td', { 'data-label': 'Username' }, el('strong', {}, u.username), you),
    el(
      'td',
      { 'data-label': 'Email' },
      u.email ? `${u.email}${u.emailVerified ? '' : ' (not verified)'}` : '—',
    ),
    el('td', { 'data-label': 'Role' }, u.role),
    el('td', { 'data-label': 'Disabled', class: 'state' }, u.disabled ? 'Yes' : 'No'),
    el('td', { 'data-label': 'MFA' }, u.mfaEnabled ? 'On' : 'Off'),
    el('td', { 'data-label': 'Created' }, date(u.createdAt)),
    el('td', { 'data-label': 'Last login' }, u.lastLoginAt ? date(u.lastLoginAt) : 'never'),
    el('td', { 'data-label': 'Actions' }, actions),
  );
}

/** What `GET /admin/users/{id}` counts of a user, under the table. */
async function showUserDetails(area: HTMLElement, id: string, message: HTMLElement) {
  const { data, error, response } = await api.GET('/admin/users/{id}', { params: { path: { id } } });
  message.textContent = problem(error, response)?.message ?? '';
  if (!data) return;
  const { sessions, passkeys, identities, registrations } = data.counts;
  const heading = el('h3', { tabindex: '-1' }, `Details of ${data.username}`);
  area.replaceChildren(
    heading,
    el(
      'ul',
      {},
      el('li', {}, `Sessions: ${sessions}`),
      el('li', {}, `Passkeys: ${passkeys}`),
      el('li', {}, `Linked providers: ${identities}`),
      el('li', {}, `Registrations: ${registrations}`),
    ),
  );
  heading.focus();
}

/** The admin list's table: a heading per column of `adminUserRow`, then the rows. */
function adminTable(rows: HTMLTableSectionElement): HTMLTableElement {
  const headings = ['Username', 'Email', 'Role', 'Disabled', 'MFA', 'Created', 'Last login', 'Actions'];
  return el(
    'table',
    { id: 'admin-table', 'aria-labelledby': 'admin-title' },
    el('thead', {}, el('tr', {}, ...headings.map((h) => el('th', { scope: 'col' }, h)))),
    rows,
  );
}

/**
 * The admin page: find users by the start of their username or address, page through them, and disable,
 * enable, sign out, promote, demote or delete one. Every change asks for a recent proof (step-up), and the
 * API's refusals (an admin acting on their own account: `self_action`) are read out in the alert line.
 */
function adminView(me: User) {
  if (me.role !== 'admin')
    return render(
      el('h2', {}, 'Users'),
      el('p', { id: 'admins-only', role: 'status' }, 'This page is for admins only.'),
    );
  const rows = el('tbody', { id: 'admin-users' });
  const status = el('p', { class: 'notice', id: 'admin-status', role: 'status' });
  const message = el('p', { class: 'form-error', id: 'admin-error', role: 'alert' });
  const details = el('section', { id: 'admin-user-details', 'aria-label': 'User details' });
  const previous = el(
    'button',
    { type: 'button', class: 'secondary', id: 'admin-previous', hidden: '' },
    'Previous page',
  );
  const next = el(
    'button',
    { type: 'button', class: 'secondary', id: 'admin-next', hidden: '' },
    'Next page',
  );
  // The page shown starts at `cursor`; `earlier` holds the cursors of the pages before it, for going back.
  let query = '';
  let cursor: string | undefined;
  let nextCursor: string | undefined;
  const earlier: (string | undefined)[] = [];
  const empty = el('p', { id: 'admin-empty', hidden: '' }, 'No user matches.');
  const table = adminTable(rows);
  // Only the latest request's answer is shown: a slower, older one (the list before a search) is dropped.
  let latest = 0;
  const load = async () => {
    const ticket = ++latest;
    table.setAttribute('aria-busy', 'true');
    const { data, error, response } = await api.GET('/admin/users', {
      params: {
        query: { limit: String(ADMIN_PAGE_SIZE), ...(query ? { query } : {}), ...(cursor ? { cursor } : {}) },
      },
    });
    if (ticket !== latest) return;
    // Signed out meanwhile (an admin who ended their own sessions): the login page, as anywhere else.
    if (response.status === 401) return void route();
    table.removeAttribute('aria-busy');
    const failure = problem(error, response);
    if (failure) message.textContent = failure.message;
    const items = data?.items ?? [];
    nextCursor = data?.nextCursor ?? undefined;
    next.hidden = !nextCursor;
    previous.hidden = earlier.length === 0;
    empty.hidden = !data || items.length > 0;
    rows.replaceChildren(
      ...items.map((u) => adminUserRow(u, me, act, () => showUserDetails(details, u.id, message))),
    );
  };
  const act = async (call: () => Promise<Answer>, done: string) => {
    status.textContent = '';
    message.textContent = '';
    const { error, response } = await withStepUp(call);
    const failure = problem(error, response);
    if (failure) message.textContent = failure.message;
    else status.textContent = done;
    details.replaceChildren();
    await load();
  };
  next.addEventListener('click', async () => {
    earlier.push(cursor);
    cursor = nextCursor;
    await load();
  });
  previous.addEventListener('click', async () => {
    cursor = earlier.pop();
    await load();
  });
  const search = form(
    'admin-search',
    [field('query', 'Username or email starts with', 'search', { autocomplete: 'off', spellcheck: 'false' })],
    'Search',
    async (values) => {
      query = (values.query ?? '').trim();
      cursor = undefined;
      earlier.length = 0;
      status.textContent = '';
      message.textContent = '';
      details.replaceChildren();
      await load();
    },
  );
  search.setAttribute('role', 'search');
  render(
    el('h2', { id: 'admin-title' }, 'Users'),
    search,
    status,
    message,
    table,
    empty,
    el('div', { class: 'paging' }, previous, next),
    details,
  );
  return load();
}

/** The notices a page can open with, by the view's name. */
const NOTICES: Record<string, string> = {
  'logged-out': 'You are logged out.',
  'logged-out-everywhere': 'You are logged out everywhere: every session of your account has ended.',
  'password-reset': 'Your password is changed, and every session has ended. Log in with the new one.',
  'account-deleted': 'Your account was deleted.',
};

async function route() {
  // The links in mails open pages of their own (the token in their query); everything else is a hash view.
  if (location.pathname === '/verify-email') return verifyEmailView();
  if (location.pathname === '/reset-password') return resetPasswordView();
  const view = location.hash.replace(/^#\//, '') || 'home';
  const outcome = takeAuthOutcome();
  if (outcome.mfa_required !== undefined) return secondFactorView();
  const authError =
    outcome.auth_error === undefined ? '' : (AUTH_ERRORS[outcome.auth_error] ?? 'That sign-in did not work.');
  if (view === 'signup') return signupView();
  if (view === 'forgot') return forgotView();
  const user = await currentUser();
  if (!user) return loginView(authError || (NOTICES[view] ?? ''));
  nav.hidden = false;
  if (view === 'registrations') return registrationsView(user);
  if (view === 'admin') return adminView(user);
  if (view === 'account') {
    // A link sent back for a recent proof: the dialog asks for it, and the link starts again.
    const linking = sessionStorage.getItem('pistus-linking');
    sessionStorage.removeItem('pistus-linking');
    if (outcome.auth_error === 'reauthentication_required' && linking && (await proveWhoYouAre())) {
      sessionStorage.setItem('pistus-linking', linking);
      location.assign(providerStart(linking, '#/account', true));
      return undefined;
    }
    const linked = outcome.linked ? 'Linked: you can now sign in with that provider too.' : '';
    return accountView(user, linked || authError);
  }
  if (view !== 'home') location.hash = '#/home';
  return homeView(user);
}

document.querySelector('#logout')?.addEventListener('click', async () => {
  await api.POST('/logout');
  location.hash = '#/logged-out';
});
const mail = meta('pistus-mail');
const mailLink = document.querySelector<HTMLAnchorElement>('#mail-link');
if (mailLink && mail) mailLink.href = mail;
else mailLink?.remove();
window.addEventListener('hashchange', () => void route());
void route();
