/**
 * The phone app over the box's HTTPS in Chromium. Chromium is told to trust the box's server
 * certificate by its key (`--ignore-certificate-errors-spki-list`, which makes it a valid
 * certificate, not an ignored error), as a phone that installed the box's CA would: the page is a
 * secure context and the service worker registers (neither holds over plain HTTP on a box's
 * address); Settings shows the CA's fingerprint; and the same phone on plain HTTP is offered the
 * switch, which leads to the HTTPS page.
 */
import { join } from "node:path";
import { assertEquals } from "../_assert.ts";
import { freePort } from "../bench/_util.ts";
import { withServer } from "../integration/_server.ts";
import { hasChromium, openPhone, spkiHash } from "./_phone.ts";

Deno.test({
  name: "phone app over HTTPS: a secure context with its service worker; the switch from HTTP",
  ignore: !hasChromium(),
  async fn() {
    const httpsPort = freePort();
    await withServer(async (t) => {
      await t.server.httpsReady;
      assertEquals(t.server.httpsPort, httpsPort);
      const status = await (await fetch(`${t.server.url}/tls/status`)).json();
      const spki = await spkiHash(join(t.dataDir, "tls", "server.crt"));
      const phone = await openPhone({
        theme: "day",
        args: [
          `--ignore-certificate-errors-spki-list=${spki}`,
          "--host-resolver-rules=MAP openskylab.local 127.0.0.1",
        ],
      });
      const { page } = phone;
      try {
        const secureUrl = `https://127.0.0.1:${httpsPort}/`;
        await page.goto(`${secureUrl}#/settings`);
        assertEquals(await page.evaluate(() => globalThis.isSecureContext), true);
        const worker = await page.evaluate(async () => {
          const registration = await navigator.serviceWorker.ready;
          return registration.active?.scriptURL ?? null;
        });
        assertEquals(worker, `${secureUrl}sw.js`);

        const card = page.getByRole("region", { name: "Secure connection" });
        const fingerprint = card.getByTestId("ca-fingerprint");
        await fingerprint.waitFor();
        assertEquals(await fingerprint.innerText(), status.ca_fingerprint_sha256);
        await card.getByText("secure (HTTPS)").waitFor();
        const download = card.getByRole("link", { name: "Download the box's certificate" });
        assertEquals(await download.getAttribute("href"), "/tls/ca.crt");
        await phone.shot("settings-secure-connection", true);
        await phone.axe("settings over HTTPS");

        // The same phone on plain HTTP under the box's mDNS name (127.0.0.1 itself would count as
        // a secure context): no service worker, and since it trusts the box, the offer to switch.
        await page.goto(`http://openskylab.local:${t.server.port}/#/settings`);
        assertEquals(await page.evaluate(() => globalThis.isSecureContext), false);
        await card.getByText("not secure (HTTP)").waitFor();
        const open = card.getByRole("link", { name: "Open the secure address" });
        assertEquals(
          await open.getAttribute("href"),
          `https://openskylab.local:${httpsPort}/#/settings`,
        );
        const offer = page.getByRole("link", { name: "Switch to secure connection" });
        await offer.waitFor({ timeout: 20_000 });
        await phone.axe("the offer to switch");
        await offer.click();
        await page.waitForURL(`https://openskylab.local:${httpsPort}/#/settings`);
        assertEquals(await page.evaluate(() => globalThis.isSecureContext), true);
        await card.getByText("secure (HTTPS)").waitFor();
      } finally {
        await phone.close();
      }
    }, { configToml: `[server]\nhttps_port = ${httpsPort}\n` });
  },
});
