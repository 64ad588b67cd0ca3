/**
 * Every failure the domain reports carries a stable string code; only the edges (console, Slack,
 * HTTP) turn a code into words for people or a status code. `details` holds structured facts
 * (current status, reasons, line numbers) for those edges to render.
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
