import { Logger } from '@nestjs/common';

import { ClientKeys, clientNetwork } from './client-keys';

describe('client networks', () => {
  it('names an IPv4 client by its address and an IPv6 one by its /64', () => {
    expect(clientNetwork('203.0.113.9')).toBe('203.0.113.9');
    expect(clientNetwork('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientNetwork('2001:db8:0:1::5')).toBe('2001:db8:0:1');
    expect(clientNetwork('2001:DB8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1');
  });

  it("drops a forwarded address's port: one client whatever the connection", () => {
    expect(clientNetwork('203.0.113.5:1234')).toBe(clientNetwork('203.0.113.5:5678'));
    expect(clientNetwork('203.0.113.5:1234')).toBe('203.0.113.5');
    expect(clientNetwork('[2001:db8::1]:443')).toBe(clientNetwork('2001:db8::2'));
    expect(clientNetwork('[2001:db8::1]')).toBe('2001:db8:0:0');
  });

  it('puts whatever is not an address in one shared bucket, warned of once without it', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const garbage = ['not-an-address', 'unknown', '', '203.0.113.5:port', '999.0.113.5'];
      const names = garbage.map(clientNetwork);
      expect(new Set(names).size).toBe(1);
      expect(names[0]).not.toBe(clientNetwork('203.0.113.5'));
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
