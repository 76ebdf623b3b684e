/**
 * Route checks on recorded route tables (the kernel's /proc/net/route and /proc/net/ipv6_route
 * formats, as on a box at home with a default route and as in a field with only its own hotspot)
 * and connection checks against loopback ports. No test sends a packet off this machine: the
 * address without a route is refused before any connection is tried.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { hasRoute, parseRouteV4, parseRouteV6, Reachability } from "./reachability.ts";

const dir = new URL("./testdata/", import.meta.url).pathname;
const read = (name: string) => Deno.readTextFileSync(`${dir}${name}`);

Deno.test("reachability: the recorded IPv4 tables, home (default route) and field (hotspot only)", () => {
  const home = parseRouteV4(read("route_default.txt"));
  assertEquals(home.map((r) => [r.iface, r.prefix]), [["wlan0", 0], ["wlan0", 24]]);
  const field = parseRouteV4(read("route_hotspot_only.txt"));
  assertEquals(hasRoute("203.0.113.10", home, []), true);
  assertEquals(hasRoute("203.0.113.10", field, []), false);
  // The NAS on the hotspot's own subnet is reachable in the field; loopback always is.
  assertEquals(hasRoute("10.42.0.7", field, []), true);
  assertEquals(hasRoute("127.0.0.1", [], []), true);
  assertEquals(hasRoute("::ffff:10.42.0.7", field, []), true);
});

Deno.test("reachability: the recorded IPv6 tables; a reject route does not count", () => {
  const home = parseRouteV6(read("ipv6_route_default.txt"));
  const none = parseRouteV6(read("ipv6_route_none.txt"));
  assertEquals(hasRoute("2001:db8::1", [], home), true);
  assertEquals(hasRoute("2001:db8::1", [], none), false);
  assertEquals(hasRoute("fe80::1234", [], none), true);
  assertEquals(hasRoute("::1", [], []), true);
});

Deno.test("reachability: this machine's own tables parse", async () => {
  const text = await Deno.readTextFile("/proc/net/route").catch(() => null);
  if (text === null) return; // not Linux
  assert(parseRouteV4(text).length > 0);
});

Deno.test("reachability: a listening loopback port is online; a closed one and no route are not", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })().catch(() => {});
  const check = new Reachability({ connectTimeoutMs: 2000 });
  assertEquals(await check.check(new URL(`http://127.0.0.1:${port}`)), {
    online: true,
    reason: null,
  });
  listener.close();
  await accepting;
  const closed = await check.check(new URL(`http://127.0.0.1:${port}`));
  assertEquals(closed.online, false);
  assert(closed.reason?.includes("ECONNREFUSED"), closed.reason ?? "");
  const field = new Reachability({
    routeTables: { v4: `${dir}route_hotspot_only.txt`, v6: `${dir}ipv6_route_none.txt` },
    connectTimeoutMs: 1,
  });
  assertEquals(await field.check(new URL("https://203.0.113.10:9000")), {
    online: false,
    reason: "no network route to 203.0.113.10",
  });
});
