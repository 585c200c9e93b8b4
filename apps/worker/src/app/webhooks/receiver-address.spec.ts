import { refusedReceiver } from './receiver-address';

describe('the webhook receiver check', () => {
  it.each([
    ['http://user:pw@hooks.example/x', 'the webhook URL holds a user name or password'],
    ['http://:pw@hooks.example/x', 'the webhook URL holds a user name or password'],
    ['ftp://hooks.example/x', 'the webhook URL is not http(s)'],
    ['http://10.0.0.1/x', 'the webhook is a loopback, private or link-local address'],
    ['http://localhost:8080/x', 'the webhook is a loopback, private or link-local address'],
  ])('refuses %s before connecting', (url, reason) => {
    expect(refusedReceiver(url, false)).toMatch(reason);
    expect(refusedReceiver(url, false)).not.toContain('pw');
  });

  it('lets private receivers through when they are allowed, and public ones always', () => {
    expect(refusedReceiver('http://10.0.0.1/x', true)).toBeUndefined();
    expect(refusedReceiver('https://hooks.example/x', false)).toBeUndefined();
    expect(refusedReceiver('http://user:pw@10.0.0.1/x', true)).toMatch(/user name or password/);
  });
});
