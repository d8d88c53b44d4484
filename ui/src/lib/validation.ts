// Matrix user ID: "@localpart:server_name", server_name = host[:port] where
// host is a DNS name, an IPv4 address or an [IPv6] literal.
const USER_ID =
  /^@[^\s:@]+:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function isMatrixUserId(value: string): boolean {
  return value.length <= 255 && USER_ID.test(value);
}
