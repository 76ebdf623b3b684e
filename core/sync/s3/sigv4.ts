/**
 * AWS Signature Version 4 for S3, computed with WebCrypto (HMAC-SHA256, SHA-256). Every S3-
 * compatible store (AWS, Backblaze B2, Cloudflare R2, MinIO) accepts it. The signature covers the
 * method, the path exactly as sent, the sorted query, the signed headers and the payload's SHA-256,
 * so a request altered in flight — or a body that is not the one we hashed — is refused by the
 * store. Tested against the worked examples in AWS's S3 documentation.
 */

const encoder = new TextEncoder();

/** SHA-256 of the empty body, the payload hash of every bodiless request. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignInput {
  method: string;
  /** The path as it goes on the wire, already URI-encoded (S3 does not encode it twice). */
  path: string;
  /** Query parameters, raw (unencoded); the signer encodes and sorts them. */
  query: readonly (readonly [string, string])[];
  /** Headers to sign, any case; must include `host` and `x-amz-date`. */
  headers: Readonly<Record<string, string>>;
  payloadSha256Hex: string;
  region: string;
  service?: string;
}

export interface Signature {
  authorization: string;
  canonicalRequest: string;
  stringToSign: string;
}

/** RFC 3986 percent-encoding as SigV4 wants it: unreserved characters stay, the rest is %XX. */
export function uriEncode(text: string, encodeSlash = true): string {
  let out = "";
  for (const byte of encoder.encode(text)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (c === "/" && !encodeSlash)) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The query as SigV4 canonicalises it — and as we send it, so both always agree. */
export function canonicalQuery(query: readonly (readonly [string, string])[]): string {
  return query.map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0)
    .map(([k, v]) => `${k}=${v}`).join("&");
}

/** `20130524T000000Z` for a Unix time in ms. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource)));
}

export async function signRequest(input: SignInput, creds: Credentials): Promise<Signature> {
  const service = input.service ?? "s3";
  const headers = Object.entries(input.headers).map(([k, v]) =>
    [k.toLowerCase(), v.trim().replace(/\s+/g, " ")] as const
  ).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const date = headers.find(([k]) => k === "x-amz-date")?.[1];
  if (!date || !/^\d{8}T\d{6}Z$/.test(date)) {
    throw new TypeError(`signRequest: x-amz-date must be like 20130524T000000Z, got "${date}"`);
  }
  if (!headers.some(([k]) => k === "host")) throw new TypeError("signRequest: no host header");
  const signedHeaders = headers.map(([k]) => k).join(";");
  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path,
    canonicalQuery(input.query),
    headers.map(([k, v]) => `${k}:${v}\n`).join(""),
    signedHeaders,
    input.payloadSha256Hex,
  ].join("\n");
  const day = date.slice(0, 8);
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", date, scope, await sha256Hex(canonicalRequest)]
    .join("\n");
  let key = await hmac(encoder.encode(`AWS4${creds.secretAccessKey}`), day);
  for (const part of [input.region, service, "aws4_request"]) key = await hmac(key, part);
  const signature = toHex(await hmac(key, stringToSign));
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope},` +
      `SignedHeaders=${signedHeaders},Signature=${signature}`,
    canonicalRequest,
    stringToSign,
  };
}

async function hmac(key: Uint8Array, data: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key as BufferSource,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(data)));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
