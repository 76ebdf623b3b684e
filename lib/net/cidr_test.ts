import assert from "node:assert/strict";
import { canonicalAddress, isTrusted, isValidCidr } from "./cidr.ts";

const DEFAULTS = ["127.0.0.0/8", "::1/128", "10.42.0.0/24"];

Deno.test("isTrusted: IPv4 loopback and hotspot subnet", () => {
  assert.equal(isTrusted("127.0.0.1", DEFAULTS), true);
  assert.equal(isTrusted("127.255.3.4", DEFAULTS), true);
  assert.equal(isTrusted("10.42.0.17", DEFAULTS), true);
  assert.equal(isTrusted("10.42.1.17", DEFAULTS), false);
  assert.equal(isTrusted("192.168.1.20", DEFAULTS), false);
});

Deno.test("isTrusted: IPv6 loopback, brackets and zone ids", () => {
  assert.equal(isTrusted("::1", DEFAULTS), true);
  assert.equal(isTrusted("[::1]", DEFAULTS), true);
  assert.equal(isTrusted("0:0:0:0:0:0:0:1", DEFAULTS), true);
  assert.equal(isTrusted("::2", DEFAULTS), false);
  assert.equal(isTrusted("fe80::1%wlan0", ["fe80::/10"]), true);
  assert.equal(isTrusted("fec0::1", ["fe80::/10"]), false);
  assert.equal(isTrusted("2001:db8:0:1::5", ["2001:db8::/32"]), true);
  assert.equal(isTrusted("2001:db9::5", ["2001:db8::/32"]), false);
});

Deno.test("isTrusted: IPv4-mapped IPv6 matches IPv4 networks", () => {
  assert.equal(isTrusted("::ffff:127.0.0.1", DEFAULTS), true);
  assert.equal(isTrusted("::FFFF:10.42.0.5", DEFAULTS), true);
  assert.equal(isTrusted("::ffff:7f00:1", DEFAULTS), true);
  assert.equal(isTrusted("::ffff:192.168.0.1", DEFAULTS), false);
  // And the other way round: a plain IPv4 client inside a mapped IPv6 network.
  assert.equal(isTrusted("10.1.2.3", ["::ffff:10.0.0.0/104"]), true);
});

Deno.test("isTrusted: prefixes that are not byte-aligned, /0 and bare hosts", () => {
  assert.equal(isTrusted("172.16.5.4", ["172.16.0.0/12"]), true);
  assert.equal(isTrusted("172.32.0.1", ["172.16.0.0/12"]), false);
  assert.equal(isTrusted("8.8.8.8", ["0.0.0.0/0"]), true);
  assert.equal(isTrusted("::ffff:8.8.8.8", ["0.0.0.0/0"]), true);
  assert.equal(isTrusted("2001::1", ["0.0.0.0/0"]), false);
  assert.equal(isTrusted("192.168.4.2", ["192.168.4.2"]), true);
  assert.equal(isTrusted("192.168.4.3", ["192.168.4.2"]), false);
});

Deno.test("isTrusted: garbage addresses are never trusted; bad CIDRs are misuse", () => {
  for (const bad of ["", "localhost", "127.0.0", "127.0.0.1.5", "1.2.3.256", "01.2.3.4", ":::1"]) {
    assert.equal(isTrusted(bad, DEFAULTS), false, bad);
  }
  assert.throws(() => isTrusted("127.0.0.1", ["127.0.0.0/33"]), TypeError);
});

Deno.test("isValidCidr", () => {
  for (const good of DEFAULTS.concat(["0.0.0.0/0", "::/0", "fd00::/8", "10.0.0.1"])) {
    assert.equal(isValidCidr(good), true, good);
  }
  for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "abc/8", "1::2::3/64"]) {
    assert.equal(isValidCidr(bad), false, bad);
  }
});

Deno.test("canonicalAddress: one spelling per address, null for names", () => {
  assert.equal(canonicalAddress("10.42.0.1"), "10.42.0.1");
  assert.equal(canonicalAddress("::ffff:10.42.0.1"), "10.42.0.1");
  assert.equal(canonicalAddress("::1"), "0:0:0:0:0:0:0:1");
  assert.equal(canonicalAddress("FE80::1%wlan0"), "fe80:0:0:0:0:0:0:1");
  assert.equal(canonicalAddress("fe80:0:0:0::1"), canonicalAddress("fe80::1"));
  assert.equal(canonicalAddress("openskylab.local"), null);
  assert.equal(canonicalAddress("10.042.0.1"), null);
});
