import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const body = '{"type":"note-status.changed"}';
  const now = 1_800_000_000;

  it('matches HMAC-SHA256 of "<timestamp>.<body>" (a vector any receiver can reproduce)', () => {
    // echo -n '1800000000.{"type":"note-status.changed"}' | openssl dgst -sha256 -hmac secret
    expect(signWebhook('secret', now, body)).toBe(
      'sha256=c20183329ccd5fdd091a118b7737e72705fbc70e480f0df2c4cd13daa3b438ac',
    );
  });

  it('accepts its own signature and rejects a changed body, a wrong secret or an old timestamp', () => {
    const signature = signWebhook('secret', now, body);
    const headers = { timestamp: String(now), signature };
    expect(verifyWebhook('secret', headers, body, now)).toBe(true);
    expect(verifyWebhook('secret', headers, `${body} `, now)).toBe(false);
    expect(verifyWebhook('other', headers, body, now)).toBe(false);
    expect(verifyWebhook('secret', headers, body, now + 301)).toBe(false);
    expect(verifyWebhook('secret', { timestamp: 'x', signature }, body, now)).toBe(false);
    expect(
      verifyWebhook('secret', { timestamp: String(now), signature: undefined }, body, now),
    ).toBe(false);
  });
});
