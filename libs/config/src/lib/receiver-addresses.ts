import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook (or any URL an operator names for the worker to call) must not reach unless
 * `WEBHOOK_ALLOW_PRIVATE_RECEIVERS` is true: the worker sends from inside the deployment's
 * network, where these reach the machine itself, its neighbours and the cloud's metadata service.
 * Classified with node:net's BlockList (ipaddr.js is only a transitive dependency here, and
 * nothing may be installed for this): IPv4-mapped IPv6 addresses are checked as their IPv4 form.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", and 0.0.0.0 (unspecified), which reaches the machine itself
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, with the metadata service 169.254.169.254
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 (broadcast)
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['fc00::', 7], // unique local addresses (ULA), with AWS's metadata service fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/**
 * Whether `address` (an IPv4 or IPv6 literal, with or without URL brackets) is loopback, private,
 * link-local, unique local, unspecified, multicast or reserved; false for a host name.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 4) return PRIVATE.check(bare, 'ipv4');
  if (family !== 6) return false;
  const embedded = embeddedIpv4(bare);
  if (embedded !== undefined) return PRIVATE.check(embedded, 'ipv4');
  return PRIVATE.check(bare, 'ipv6');
}

/**
 * The IPv4 address an IPv6 one carries in its last 32 bits where the network delivers it to that
 * IPv4 address: IPv4-mapped (`::ffff:0:0/96`, how the URL parser writes ::ffff:127.0.0.1) and
 * NAT64's well-known prefix (`64:ff9b::/96`, RFC 6052), which a DNS64/NAT64 gateway (AWS's NAT
 * gateway, Jool, Tayga) translates to any IPv4 address, private ones included.
 */
function embeddedIpv4(address: string): string | undefined {
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  const head = groups.slice(0, 6).join(':');
  if (head !== '0:0:0:0:0:65535' && head !== '100:65435:0:0:0:0') return undefined;
  const [high, low] = [groups[6] ?? 0, groups[7] ?? 0];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The eight 16-bit groups of a valid IPv6 literal (`isIP` said 6), a dotted IPv4 tail included. */
function ipv6Groups(address: string): number[] | undefined {
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = dotted
    ? `${dotted[1]}${(((+dotted[2] << 8) | +dotted[3]) >>> 0).toString(16)}:${(((+dotted[4] << 8) | +dotted[5]) >>> 0).toString(16)}`
    : address;
  const [left, right] = text.split('::');
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((group) => parseInt(group, 16)) : [];
  const head = parse(left);
  const tail = parse(right);
  const groups =
    right === undefined
      ? head
      : [...head, ...Array(8 - head.length - tail.length).fill(0), ...tail];
  return groups.length === 8 ? groups : undefined;
}

/**
 * Whether a URL's host (`new URL(…).hostname`) is refused before any lookup: a refused address
 * literal, or `localhost` and its subdomains, which always name the machine itself (RFC 6761).
 * Other names are checked once resolved.
 */
export function isPrivateHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || isPrivateAddress(name);
}
