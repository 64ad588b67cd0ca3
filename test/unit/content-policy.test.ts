import { describe, expect, it } from 'vitest';
import { checkContent } from '../../src/domain/campaign/content-policy.js';

const policy = { blockedTerms: ['free money'] };

describe('content rules', () => {
  it('passes ordinary marketing copy', () => {
    expect(checkContent(['Hi {{ first_name }}, our winter sale starts today: https://shop.example.com/sale'], policy)).toEqual([]);
  });
  it('rejects blocked terms, credential requests, bare-IP links and shorteners, each with a reason', () => {
    const reasons = checkContent(
      ['FREE MONEY inside!', 'Please verify your account password here http://192.168.4.20/login', 'More: https://bit.ly/abc'],
      policy,
    );
    expect(reasons.map((r) => r.code).sort()).toEqual(['BLOCKED_TERM', 'CREDENTIAL_REQUEST', 'HIDDEN_DESTINATION', 'RAW_IP_LINK']);
    expect(reasons.find((r) => r.code === 'RAW_IP_LINK')?.message).toContain('192.168.4.20');
  });
});
