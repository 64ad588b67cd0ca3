/**
 * Every failure the domain reports carries a stable string code; only the edges (console, Slack,
 * HTTP) turn a code into words for people or a status code. `details` holds structured facts
 * (current status, reasons, line numbers) for those edges to render; `details.field` names the
 * input the error concerns (`name`, `at`, `template`, `confirm`…) where one does, so each edge can
 * point at its own widget for it. Messages name things in words, never in one edge's syntax.
 */
export const ERROR_CODES = [
  'NOT_FOUND',
  'INVALID_INPUT',
  'INVALID_TRANSITION',
  'CONFLICT',
  'ALREADY_EXISTS',
  'TEMPLATE_LOCKED',
  'INCOMPLETE',
  'CONFIRMATION_REQUIRED',
  'CONFIRMATION_MISMATCH',
  'APPROVAL_REQUIRED',
  'FORBIDDEN',
  'NOT_AVAILABLE',
  'IN_USE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The input field an error concerns (`details.field`), when it names one. */
export function errorField(error: AppError): string | undefined {
  const field = error.details.field;
  return typeof field === 'string' && field ? field : undefined;
}
