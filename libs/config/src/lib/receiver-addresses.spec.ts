import { isPrivateAddress, isPrivateHost } from './receiver-addresses';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.169.254',
    '255.255.255.255',
    '224.0.0.1',
    '::',
    '::1',
    '[::1]',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '[::ffff:7f00:1]',
    '::ffff:a9fe:a9fe',
    '0:0:0:0:0:ffff:10.0.0.1',
    // NAT64's well-known prefix: a DNS64/NAT64 gateway delivers these to the IPv4 address inside.
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::a00:1',
    '[64:ff9b::7f00:1]',
    '64:ff9b::192.168.0.1',
    '64:ff9b:1::808:808',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700::1111',
    '::ffff:808:808',
    '64:ff9b::808:808',
    '64:ff9b::8.8.8.8',
    '2001:db8::a00:1',
    'localhost',
  ])('lets %s through (a name is checked once resolved)', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses localhost by name before any lookup, and leaves other names to the lookup', () => {
    expect(isPrivateHost('localhost')).toBe(true);
    expect(isPrivateHost('LOCALHOST.')).toBe(true);
    expect(isPrivateHost('hooks.localhost')).toBe(true);
    expect(isPrivateHost('[::1]')).toBe(true);
    expect(isPrivateHost('10.0.0.8')).toBe(true);
    expect(isPrivateHost('localhost.example')).toBe(false);
    expect(isPrivateHost('hooks.example')).toBe(false);
  });
});
