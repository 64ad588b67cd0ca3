import { errorField, type AppError, type ErrorCode } from '../domain/errors.js';
import { errorReply, warnings, type Reply } from './reply.js';

/** The one table that turns domain error codes into what a person reads. */
export const ERROR_LEADS: Readonly<Record<ErrorCode, string>> = {
  NOT_FOUND: 'Not found',
  INVALID_INPUT: 'Invalid input',
  INVALID_TRANSITION: 'Not allowed now',
  CONFLICT: 'Conflict',
  ALREADY_EXISTS: 'Already exists',
  TEMPLATE_LOCKED: 'Template locked',
  INCOMPLETE: 'Incomplete',
  CONFIRMATION_REQUIRED: 'Confirmation needed',
  CONFIRMATION_MISMATCH: 'Confirmation does not match',
  APPROVAL_REQUIRED: 'Approval needed',
  FORBIDDEN: 'Not permitted',
  NOT_AVAILABLE: 'Not available',
  IN_USE: 'In use',
};

/**
/**
 * Longest error message a reply shows. Messages quote values only as excerpts (domain/text/excerpt.ts);
 * this is the backstop for one that quotes a value whole, so no reply echoes a file or a 100 kB word.
 */
export const MAX_ERROR_MESSAGE = 1_000;

function bounded(message: string): string {
  return message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE)}… (cut: the message was ${message.length} characters)` : message;
}

/**
 * A domain refusal as a reply, worded for no edge in particular: the code's lead and the message,
 * with the field it concerns and what would confirm it as data (see typedReply for how a typed
 * command line says them).
 */
export function appErrorReply(error: AppError): Reply {
  const notes = Array.isArray(error.details.warnings) ? (error.details.warnings as string[]).map(bounded) : [];
  const lead = ERROR_LEADS[error.code];
  const message = bounded(error.message);
  const r = errorReply(`${lead}: ${message}`, warnings(notes));
  const people = Array.isArray(error.details.people) ? error.details.people.filter((p): p is string => typeof p === 'string') : [];
  const field = errorField(error);
  const confirmWith = typeof error.details.confirmWith === 'string' ? error.details.confirmWith : undefined;
  return {
    ...r,
    code: error.code,
    problem: { lead, message },
    ...(field ? { field } : {}),
    ...(error.code === 'CONFIRMATION_REQUIRED' && field ? { confirm: { field, ...(confirmWith ? { value: confirmWith } : {}) } } : {}),
    ...(people.length ? { people } : {}),
  };
}
