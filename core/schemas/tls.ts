/**
 * The secure connection's API shapes (routes/tls.ts): where the box serves HTTPS, and the
 * fingerprint of its certificate authority, which the phone shows so the user can compare it
 * with the certificate they install.
 */
import { z } from "zod";

export const TlsStatusDto = z.object({
  https_port: z.number().int().nullable().describe(
    "the port the box serves HTTPS on now; null when it does not (not configured, no certificate yet, port busy)",
  ),
  ca_fingerprint_sha256: z.string().nullable().describe(
    "SHA-256 of the box's CA certificate, colon-separated hex as phones show it",
  ),
  ca_common_name: z.string().nullable(),
  ca_not_after: z.string().nullable().describe("ISO 8601"),
  leaf_names: z.array(z.string()).describe("DNS names and addresses the server certificate covers"),
  leaf_not_after: z.string().nullable().describe("ISO 8601; renewed 30 days before"),
  problem: z.string().nullable().describe("why there is no certificate, when there is none"),
});
export type TlsStatus = z.infer<typeof TlsStatusDto>;
