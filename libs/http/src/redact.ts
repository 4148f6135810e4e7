/** Query parameters whose values are secrets, however they are spelled or percent-encoded. */
const SECRET_PARAM = /^(?:access_?)?token$|secret|password|passwd|api_?key|authorization|signature/i;
/** What a ledger token looks like (`sl_` + base64url), wherever it appears in a URL. */
const TOKEN_LIKE = /sl_[A-Za-z0-9_-]{8,}/g;

/**
 * A URL fit to echo in a response (`instance`) or a log line: the values of secret-looking query
 * parameters and anything shaped like a ledger token become `[REDACTED]`. EventSource clients send
 * their token as `?token=`; a confused client may put it anywhere.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query =
    q < 0
      ? ''
      : url.slice(q).replace(/([?&;])([^=&;#]*)=([^&;#]*)/g, (all: string, sep: string, key: string) => (SECRET_PARAM.test(decode(key)) ? `${sep}${key}=[REDACTED]` : all));
  return (path + query).replace(TOKEN_LIKE, '[REDACTED]');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
