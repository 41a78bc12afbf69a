import { describe, expect, it } from 'vitest';
import { tableName } from '#shared/compose/dynamodb';
import { parseSettings } from '#shared/platform/config';
import { registrationsTable, usersTable } from '#shared/data/tables';

const minimal = {
  USERS_TABLE: 'users',
  SESSIONS_TABLE: 'sessions',
  REGISTRATIONS_TABLE: 'registrations',
  LOGIN_ATTEMPTS_TABLE: 'attempts',
  SIGNING_KEYS: '{}',
};

describe('settings', () => {
  it('fill in the documented defaults', () => {
    expect(parseSettings(minimal)).toMatchObject({
      STAGE: 'local',
      TOKEN_ISSUER: 'pistus',
      TOKEN_AUDIENCE: 'pistus-api',
      SESSION_TTL_SECONDS: 43200,
      SESSION_IDLE_SECONDS: 1800,
      BCRYPT_COST: 12,
      PASSWORD_MIN_LENGTH: 8,
      COOKIE_NAME: '__Host-session',
      COOKIE_SAME_SITE: 'Lax',
      ALLOWED_ORIGINS: [],
      LOG_LEVEL: 'INFO',
      PAYMENT_PERIOD_DAYS: 5,
      REMINDER_WINDOW_DAYS: 2,
      SES_MAX_SEND_RATE: 1,
      SES_CONCURRENCY: 4,
    });
  });

  it('parse numbers and origin lists', () => {
    const settings = parseSettings({
      ...minimal,
      BCRYPT_COST: '11',
      ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173',
    });
    expect(settings.BCRYPT_COST).toBe(11);
    expect(settings.ALLOWED_ORIGINS).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it.each([
    [{ USERS_TABLE: '' }, 'USERS_TABLE'],
    [{ BCRYPT_COST: 'twelve' }, 'BCRYPT_COST'],
    [{ BCRYPT_COST: '16' }, 'BCRYPT_COST'],
    [{ SESSION_TTL_SECONDS: '10' }, 'SESSION_TTL_SECONDS'],
    [{ PASSWORD_MIN_LENGTH: '6' }, 'PASSWORD_MIN_LENGTH'],
    [{ COOKIE_SAME_SITE: 'lax' }, 'COOKIE_SAME_SITE'],
    [{ ALLOWED_ORIGINS: 'not a url' }, 'ALLOWED_ORIGINS'],
    [{ STAGE: 'staging' }, 'STAGE'],
    [{ SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:x' }, 'SIGNING_SECRET_ARN'],
    [{ PASSWORD_PEPPER: 'p', PEPPER_SECRET_ARN: 'arn' }, 'PEPPER_SECRET_ARN'],
    [{ REGISTRATIONS_TABLE: '' }, 'REGISTRATIONS_TABLE'],
    [{ REMINDER_WINDOW_DAYS: '5' }, 'REMINDER_WINDOW_DAYS'],
    [{ SES_MAX_SEND_RATE: '0' }, 'SES_MAX_SEND_RATE'],
    [{ SES_ENDPOINT: 'localhost:8005' }, 'SES_ENDPOINT'],
  ])('fail fast naming the setting: %o', (override, name) => {
    expect(() => parseSettings({ ...minimal, ...override })).toThrow(
      new RegExp(`Invalid configuration: .*${name}`),
    );
  });

  it('allow a cheap bcrypt cost only on the local stage', () => {
    expect(parseSettings({ ...minimal, BCRYPT_COST: '4' }).BCRYPT_COST).toBe(4);
    expect(() => parseSettings({ ...minimal, STAGE: 'prod', BCRYPT_COST: '9' })).toThrow(
      /BCRYPT_COST: must be at least 10/,
    );
  });

  it('leave out the tables a function does not use, and name one it asks for without having it', () => {
    const settings = parseSettings({ SIGNING_KEYS: '{}', USERS_TABLE: 'users' });
    expect(tableName(settings, usersTable)).toBe('users');
    expect(() => tableName(settings, registrationsTable)).toThrow(
      /REGISTRATIONS_TABLE: this function uses the registrations table but was not given its name/,
    );
  });

  it('refuse raw secrets in the environment outside the local stage, naming each', () => {
    expect(() => parseSettings({ STAGE: 'dev', SIGNING_KEYS: '{}' })).toThrow(
      /SIGNING_KEYS: is for the local stage only/,
    );
    expect(() => parseSettings({ STAGE: 'prod', PASSWORD_PEPPER: 'p'.repeat(40) })).toThrow(
      /PASSWORD_PEPPER: is for the local stage only/,
    );
    expect(parseSettings({ STAGE: 'prod', SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:x' }).STAGE).toBe(
      'prod',
    );
    expect(parseSettings({ STAGE: 'local', SIGNING_KEYS: '{}' }).SIGNING_KEYS).toBe('{}');
  });
});
