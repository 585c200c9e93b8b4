import { isURL, ValidateBy } from 'class-validator';

/** The schemes an outgoing request (fetch, jose's key fetch) is made with. */
const HTTP_PROTOCOLS = ['http:', 'https:'];

/**
 * Whether `value` is an http(s) URL the server can use: one validator.js's `isURL` accepts (a
 * host of a valid form, no spaces…) and that WHATWG's parser (`new URL`, fetch: what later
 * reads it) parses too. `isURL` alone lets through URLs `new URL` throws on, such as
 * `http://0x100000000/` (a host WHATWG reads as an IPv4 number out of range); WHATWG alone
 * accepts much `isURL` refuses.
 */
export function isHttpUrl(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    isURL(value, { protocols: ['http', 'https'], require_protocol: true, require_tld: false }) &&
    parsesAsHttpUrl(value)
  );
}

/** Whether WHATWG's parser (`new URL`, fetch) reads `value` as an http(s) URL. */
export function parsesAsHttpUrl(value: string): boolean {
  return URL.canParse(value) && HTTP_PROTOCOLS.includes(new URL(value).protocol);
}

/** A field that must be an http(s) URL, by `isHttpUrl`: 400 VALIDATION_FAILED with `message`. */
export const IsHttpUrl = (message: string): PropertyDecorator =>
  ValidateBy({ name: 'isHttpUrl', validator: { validate: isHttpUrl } }, { message });
