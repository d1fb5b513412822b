import { describe, expect, it } from 'vitest';
import {
  checkDestination,
  checkUrl,
  isAllowedHost,
  isInternalAddress,
  parseAllowList,
  parseFetchUrl,
} from './url-guard.ts';

const noDns = async () => {
  throw new Error('ENOTFOUND');
};

describe('isInternalAddress', () => {
  it('refuses private, reserved, multicast and unspecified space, and IPv6 forms that carry such an IPv4', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.31.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '198.18.0.1',
      '198.19.255.255',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '192.0.2.10',
      '::',
      '::1',
      '::127.0.0.1', // IPv4-compatible
      '::8.8.8.8', // deprecated form: never a real destination
      '::ffff:127.0.0.1',
      '::ffff:7f00:1', // the same, as the URL parser writes it
      '::ffff:a9fe:a9fe', // 169.254.169.254
      '64:ff9b::a00:1', // NAT64 of 10.0.0.1
      '2002:c0a8:101::1', // 6to4 of 192.168.1.1
      'fd00::1',
      'fe80::1%eth0',
      'ff02::1',
      'not an address',
    ])
      expect(isInternalAddress(a), a).toBe(true);
    for (const a of ['93.184.215.14', '8.8.8.8', '198.20.0.1', '::ffff:8.8.8.8', '2606:4700::1111', '64:ff9b::808:808'])
      expect(isInternalAddress(a), a).toBe(false);
  });
});

describe('checkUrl', () => {
  it('refuses loopback in decimal, hex, octal and IPv6-mapped notation, saying why', async () => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f.0.0.1/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:7f00:1]/',
      'https://[::]/',
      'http://0/',
      'http://[::127.0.0.1]:8080/',
      'http://224.0.0.1/',
    ]) {
      const err = await checkUrl(url, { resolve: noDns }).catch((e: unknown) => e);
      expect(err, url).toMatchObject({ code: 'private_address' });
      expect(String((err as Error).message)).toMatch(/private or reserved network/);
    }
  });

  it('checks names by what they resolve to', async () => {
    const dns = async (h: string) =>
      ({ 'good.example': ['93.184.215.14'], 'evil.example': ['8.8.8.8', '10.0.0.1'] })[h] ?? [];
    await expect(checkUrl('https://good.example/x', { resolve: dns })).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('https://evil.example/x', { resolve: dns })).rejects.toMatchObject({
      code: 'private_address',
    });
    await expect(checkUrl('https://none.example/x', { resolve: dns })).rejects.toMatchObject({ code: 'unresolvable' });
  });

  it('takes only http(s), https in production, and lets allowed hosts through', async () => {
    expect(() => parseFetchUrl('file:///etc/passwd')).toThrow(/only https/);
    expect(() => parseFetchUrl('ftp://x.example/')).toThrow(/only https/);
    expect(() => parseFetchUrl('not a url')).toThrow(/not a URL/);
    expect(() => parseFetchUrl('https://user:pw@x.example/')).toThrow(/credentials/);
    expect(() => parseFetchUrl('http://crm.example/', { httpsOnly: true })).toThrow(/Only https/);
    const allow = parseAllowList(' 127.0.0.1:4010 , CRM.internal ');
    expect(allow).toEqual(['127.0.0.1:4010', 'crm.internal']);
    await expect(checkUrl('http://127.0.0.1:4010/x', { allow, httpsOnly: true })).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://127.0.0.1:4011/x', { allow })).rejects.toMatchObject({ code: 'private_address' });
    expect(isAllowedHost(new URL('http://crm.internal:9000/'), allow)).toBe(true);
    await expect(
      checkDestination(new URL('https://crm.internal/'), { allow, resolve: noDns }),
    ).resolves.toBeUndefined();
  });
});
