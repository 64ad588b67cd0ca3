/**
 * TRACKING_ANONYMIZE_IP: an IPv4 address kept as its /24 (`203.0.113.0/24`), an IPv6 address as its
 * /48 (`2001:db8:85a3::/48`); an IPv4-mapped IPv6 address (`::ffff:203.0.113.7`) as the IPv4 it is.
 * Anything else (not an address) is dropped rather than stored as given.
 */
export function anonymizeIp(ip: string | null): string | null {
  if (ip === null) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = mapped ? mapped[1]! : ip;
  const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  if (quad) {
    const parts = quad.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return null;
    return `${parts[0]}.${parts[1]}.${parts[2]}.0/24`;
  }
  const groups = expandIpv6(ip);
  if (!groups) return null;
  return `${groups.slice(0, 3).map((g) => g.toString(16)).join(':')}::/48`;
}

/** The eight 16-bit groups of an IPv6 address, or null. */
function expandIpv6(ip: string): number[] | null {
  const address = ip.split('%')[0]!;
  if (!/^[0-9a-f:]+$/i.test(address) || address.split('::').length > 2) return null;
  const [head, tail] = address.includes('::') ? address.split('::') : [address, null];
  const parse = (s: string | null | undefined) => (s ? s.split(':') : []);
  const left = parse(head);
  const right = parse(tail);
  const missing = 8 - left.length - right.length;
  if (tail === null ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(tail === null ? 0 : missing).fill('0'), ...right];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}
