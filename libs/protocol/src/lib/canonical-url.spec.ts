import { canonicalPostUrl, InvalidPostUrlError, MAX_URL_LENGTH } from './canonical-url';

describe('canonicalPostUrl', () => {
  it.each([
    ['HTTPS://Example.COM/News/Story', 'https://example.com/News/Story'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['http://example.com:8080/a', 'http://example.com:8080/a'],
    ['https://example.com/a#comments', 'https://example.com/a'],
    ['https://example.com/a?utm_source=x&UTM_Medium=y&fbclid=1&gclid=2', 'https://example.com/a'],
    ['https://example.com/a?b=2&a=1&utm_campaign=z', 'https://example.com/a?a=1&b=2'],
    ['https://example.com/a?tag=2&tag=1', 'https://example.com/a?tag=2&tag=1'],
    ['https://example.com', 'https://example.com/'],
    ['  https://example.com/a  ', 'https://example.com/a'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalPostUrl(input)).toBe(expected);
  });

  it('makes two links to one article one post', () => {
    expect(canonicalPostUrl('https://News.example.org/2026/story?id=7&utm_source=feed#top')).toBe(
      canonicalPostUrl('https://news.example.org:443/2026/story?fbclid=abc&id=7'),
    );
  });

  it.each([
    ['javascript:alert(1)', /http or https/],
    ['ftp://example.com/file', /http or https/],
    ['not a url', /not a valid absolute URL/],
    ['/relative/path', /not a valid absolute URL/],
    ['https://user:pass@example.com/', /credentials/],
    [`https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`, /at most 2048/],
  ])('refuses %s', (input, message) => {
    expect(() => canonicalPostUrl(input)).toThrow(InvalidPostUrlError);
    expect(() => canonicalPostUrl(input)).toThrow(message);
  });
});
