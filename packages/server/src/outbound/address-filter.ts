/**
 * Which addresses the server may connect to on a user's behalf (outgoing webhooks, link
 * previews): public unicast only. Everything ipaddr.js does not class as `unicast` is refused —
 * private (10/8, 172.16/12, 192.168/16), loopback, link-local (169.254/16, the cloud metadata
 * service at 169.254.169.254 among them; fe80::/10), unique-local (fc00::/7), multicast,
 * carrier-grade NAT (100.64/10), unspecified, broadcast, reserved and documentation ranges, and
 * IPv6 forms that carry an IPv4 address to elsewhere (6to4, Teredo, NAT64). An IPv4-mapped IPv6
 * address (::ffff:a.b.c.d) is judged as the IPv4 address it is. The operator's allow-list
 * (OUTBOUND_ALLOWED_ADDRESSES, CIDR blocks) lets chosen addresses through anyway.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses `10.1.0.0/16`, `127.0.0.1` (a /32) or `::1` (a /128); throws on anything else. */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const [address, bits] = trimmed.includes('/') ? ipaddr.parseCIDR(trimmed) : [ipaddr.parse(trimmed), undefined];
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return [(address as ipaddr.IPv6).toIPv4Address(), (bits ?? 128) - 96];
  }
  return [address, bits ?? (address.kind() === 'ipv4' ? 32 : 128)];
}

export class AddressFilter {
  readonly #allowed: readonly Cidr[];

  constructor(allowed: readonly Cidr[] = []) {
    this.#allowed = allowed;
  }

  /** Why `address` (an IP literal) is refused, e.g. `loopback`; null when it may be reached. Not an IP address: refused. */
  refusal(address: string): string | null {
    // Node's strict forms only: no legacy IPv4 shorthands (1.2.3, 0x7f.1), which could be read two ways.
    const bare = address.replace(/^\[|\]$/g, '');
    if (isIP(bare) === 0) return 'not an IP address';
    // process(): an IPv4-mapped IPv6 address becomes the IPv4 address it carries.
    const parsed = ipaddr.process(bare);
    for (const [block, bits] of this.#allowed) {
      if (block.kind() === parsed.kind() && parsed.match(block as never, bits)) return null;
    }
    const range = parsed.range();
    return range === 'unicast' ? null : range;
  }
}
