import { Logger } from '@nestjs/common';

import {
  CLIENT_KEY_ROTATION_MS,
  ClientKeys,
  clientNetwork,
  clientSite,
  keyRotationMs,
} from './client-keys';

const HOUR = 60 * 60_000;

describe('client networks', () => {
  it('names an IPv4 client by its address and an IPv6 one by its /64', () => {
    expect(clientNetwork('203.0.113.9')).toBe('203.0.113.9');
    expect(clientNetwork('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientNetwork('2001:db8:0:1::5')).toBe('2001:db8:0:1');
    expect(clientNetwork('2001:DB8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1');
  });

  it('names the /48 of an IPv6 client as its site, and none for IPv4', () => {
    expect(clientSite('2001:db8:0:1::1')).toBe(clientSite('2001:db8:0:2::1'));
    expect(clientSite('2001:db8:0:ffff:1:2:3:4')).toBe(clientSite('2001:db8::1'));
    expect(clientSite('2001:db8:1:1::1')).not.toBe(clientSite('2001:db8:0:1::1'));
    // A site is never named as a client is: the two tiers' buckets cannot meet.
    expect(clientSite('2001:db8::1')).not.toBe(clientNetwork('2001:db8::1'));
    expect(clientSite('203.0.113.9')).toBeUndefined();
    expect(clientSite('::ffff:203.0.113.9')).toBeUndefined();
  });

  it("drops a forwarded address's port: one client whatever the connection", () => {
    expect(clientNetwork('203.0.113.5:1234')).toBe(clientNetwork('203.0.113.5:5678'));
    expect(clientNetwork('203.0.113.5:1234')).toBe('203.0.113.5');
    expect(clientNetwork('[2001:db8::1]:443')).toBe(clientNetwork('2001:db8::2'));
    expect(clientNetwork('[2001:db8::1]')).toBe('2001:db8:0:0');
    expect(clientSite('[2001:db8:0:7::1]:443')).toBe(clientSite('2001:db8::1'));
  });

  it('puts whatever is not an address in one shared bucket, warned of once without it', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const garbage = ['not-an-address', 'unknown', '', '203.0.113.5:port', '999.0.113.5'];
      const names = garbage.map(clientNetwork);
      expect(new Set(names).size).toBe(1);
      expect(names[0]).not.toBe(clientNetwork('203.0.113.5'));
      expect(garbage.map(clientSite)).toEqual(garbage.map(() => undefined));
      const keys = new ClientKeys('a'.repeat(32), () => 0);
      expect(keys.of('not-an-address', 'reads')).toBe(keys.of('unknown', 'reads'));
      expect(warn).toHaveBeenCalledTimes(1);
      const [message] = warn.mock.calls[0] as [string];
      for (const value of garbage.filter(Boolean)) expect(message).not.toContain(value);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('client key rotation', () => {
  it('rotates every hour, or every window when the window is longer, in whole windows', () => {
    expect(CLIENT_KEY_ROTATION_MS).toBe(HOUR);
    expect(keyRotationMs(60)).toBe(HOUR);
    expect(keyRotationMs(1)).toBe(HOUR);
    expect(keyRotationMs(7)).toBe(3_605_000);
    expect(keyRotationMs(3_600)).toBe(HOUR);
    expect(keyRotationMs(5_400)).toBe(5_400_000);
    expect(keyRotationMs(7_200)).toBe(2 * HOUR);
    expect(keyRotationMs(86_400)).toBe(24 * HOUR);
  });

  it('keeps one key for a whole 2-hour period, across the top of its hours', () => {
    let now = 10 * HOUR;
    const keys = new ClientKeys('a'.repeat(32), () => now, keyRotationMs(7_200));
    const first = keys.of('203.0.113.9', 'reads');
    now += HOUR;
    expect(keys.of('203.0.113.9', 'reads')).toBe(first);
    now += HOUR - 1;
    expect(keys.of('203.0.113.9', 'reads')).toBe(first);
    now += 1;
    expect(keys.of('203.0.113.9', 'reads')).not.toBe(first);
  });

  it('names buckets with the hourly key as before when the period is an hour', () => {
    // Machines of the previous version share buckets with these while an upgrade rolls out.
    // The name the hourly key gave before periods could be longer (computed with that code).
    const before = 'b2jRlLLuVrJspzEUg_e354';
    const now = () => 5 * HOUR;
    expect(new ClientKeys('a'.repeat(32), now).of('203.0.113.9', 'reads')).toBe(before);
    const windowOf60 = new ClientKeys('a'.repeat(32), now, keyRotationMs(60));
    expect(windowOf60.of('203.0.113.9', 'reads')).toBe(before);
    const windowOf7200 = new ClientKeys('a'.repeat(32), now, keyRotationMs(7_200));
    expect(windowOf7200.of('203.0.113.9', 'reads')).not.toBe(before);
  });
});
