/**
 * The INDI property cache: what the drivers behind an indiserver have defined, kept current from
 * the `def*Vector`, `set*Vector` and `delProperty` elements of the stream (indi.md "Handshake and
 * properties"). A def replaces a vector, a set merges only the members it carries (and may change
 * state, timeout and message), a del drops one vector or a whole device. Numbers arrive as plain
 * or sexagesimal text ("12:30:15", "-05 23 10") and are stored as numbers.
 */
import type { XmlElement } from "./xml_stream.ts";

export type PropertyState = "Idle" | "Ok" | "Busy" | "Alert";
export type PropertyType = "Number" | "Switch" | "Text" | "Light" | "BLOB";
export type Permission = "ro" | "wo" | "rw";
export type SwitchRule = "OneOfMany" | "AtMostOne" | "AnyOfMany";

export interface NumberMember {
  name: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  format: string;
}

export interface BlobMember {
  name: string;
  label: string;
  /** Latest payload (decoded), null until one arrives. */
  value: Uint8Array | null;
  format: string;
  /** Declared decoded size. */
  size: number;
}

export interface SimpleMember<V> {
  name: string;
  label: string;
  value: V;
}

interface VectorBase<T extends PropertyType, M> {
  type: T;
  device: string;
  name: string;
  label: string;
  group: string;
  state: PropertyState;
  perm: Permission;
  /** Seconds the driver expects a change to take; 0 when it did not say. */
  timeoutS: number;
  timestamp: string;
  /** The driver's last message on this vector (why it went Alert, usually); "" when none. */
  message: string;
  /** Rises with every def or set of any vector: a waiter tells an answer from an old value. */
  revision: number;
  members: Map<string, M>;
}

export type NumberVector = VectorBase<"Number", NumberMember>;
export type SwitchVector = VectorBase<"Switch", SimpleMember<boolean>> & { rule: SwitchRule };
export type TextVector = VectorBase<"Text", SimpleMember<string>>;
export type LightVector = VectorBase<"Light", SimpleMember<PropertyState>>;
export type BlobVector = VectorBase<"BLOB", BlobMember>;
export type IndiVector = NumberVector | SwitchVector | TextVector | LightVector | BlobVector;

export type PropertyChange =
  | { kind: "def" | "set"; vector: IndiVector }
  | { kind: "del"; device: string; name: string | null }
  | { kind: "message"; device: string | null; message: string; timestamp: string };

const STATES: readonly string[] = ["Idle", "Ok", "Busy", "Alert"];

/** Parses an INDI number: decimal, or sexagesimal with ':' or ' ' separators ("-12:30:15.5"). */
export function parseIndiNumber(text: string): number {
  const trimmed = text.trim();
  if (trimmed === "") return NaN;
  if (!/[: ]/.test(trimmed)) return Number(trimmed);
  const parts = trimmed.split(/[: ]+/);
  if (parts.length > 3 || parts.some((p) => p === "" || !/^[+-]?\d*\.?\d*$/.test(p))) return NaN;
  const negative = parts[0]!.startsWith("-");
  let value = 0;
  for (let i = 0; i < parts.length; i++) value += Math.abs(Number(parts[i])) / 60 ** i;
  return negative ? -value : value;
}

function state(text: string | undefined, fallback: PropertyState): PropertyState {
  const trimmed = text?.trim();
  return trimmed !== undefined && STATES.includes(trimmed) ? trimmed as PropertyState : fallback;
}

function typeOf(tag: string): PropertyType | null {
  const m = /^(?:def|set|new)(Number|Switch|Text|Light|BLOB)Vector$/.exec(tag);
  return m ? m[1] as PropertyType : null;
}

export class PropertyCache {
  #devices = new Map<string, Map<string, IndiVector>>();
  #revision = 0;

  get(device: string, name: string): IndiVector | undefined {
    return this.#devices.get(device)?.get(name);
  }

  devices(): string[] {
    return [...this.#devices.keys()];
  }

  properties(device: string): IndiVector[] {
    return [...(this.#devices.get(device)?.values() ?? [])];
  }

  clear(): void {
    this.#devices.clear();
  }

  /** Applies one top-level element; returns what changed, or null for an element it ignores. */
  apply(element: XmlElement): PropertyChange | null {
    const { tag, attrs } = element;
    if (tag === "delProperty") {
      const device = attrs.device ?? "";
      const name = attrs.name ?? null;
      if (name === null) this.#devices.delete(device);
      else this.#devices.get(device)?.delete(name);
      return { kind: "del", device, name };
    }
    if (tag === "message") {
      return {
        kind: "message",
        device: attrs.device ?? null,
        message: attrs.message ?? "",
        timestamp: attrs.timestamp ?? "",
      };
    }
    const type = typeOf(tag);
    if (!type || attrs.device === undefined || attrs.name === undefined) return null;
    const vector = tag.startsWith("def") ? this.#define(type, element) : this.#set(type, element);
    return vector ? { kind: tag.startsWith("def") ? "def" : "set", vector } : null;
  }

  #define(type: PropertyType, element: XmlElement): IndiVector {
    const a = element.attrs;
    const base = {
      device: a.device!,
      name: a.name!,
      label: a.label ?? a.name!,
      group: a.group ?? "",
      state: state(a.state, "Idle"),
      perm:
        (a.perm === "ro" || a.perm === "wo"
          ? a.perm
          : type === "Light"
          ? "ro"
          : "rw") as Permission,
      timeoutS: Number(a.timeout ?? 0) || 0,
      timestamp: a.timestamp ?? "",
      message: a.message ?? "",
      revision: ++this.#revision,
    };
    const children = element.children;
    let vector: IndiVector;
    switch (type) {
      case "Number":
        vector = {
          ...base,
          type,
          members: new Map(children.map((c) => [c.attrs.name ?? "", {
            name: c.attrs.name ?? "",
            label: c.attrs.label ?? c.attrs.name ?? "",
            value: parseIndiNumber(c.text),
            min: parseIndiNumber(c.attrs.min ?? "0"),
            max: parseIndiNumber(c.attrs.max ?? "0"),
            step: parseIndiNumber(c.attrs.step ?? "0"),
            format: c.attrs.format ?? "%g",
          }])),
        };
        break;
      case "Switch":
        vector = {
          ...base,
          type,
          rule: (a.rule as SwitchRule | undefined) ?? "AnyOfMany",
          members: new Map(
            children.map((c) => [c.attrs.name ?? "", simple(c, c.text.trim() === "On")]),
          ),
        };
        break;
      case "Text":
        vector = {
          ...base,
          type,
          members: new Map(children.map((c) => [c.attrs.name ?? "", simple(c, c.text.trim())])),
        };
        break;
      case "Light":
        vector = {
          ...base,
          type,
          members: new Map(
            children.map((c) => [c.attrs.name ?? "", simple(c, state(c.text, "Idle"))]),
          ),
        };
        break;
      case "BLOB":
        vector = {
          ...base,
          type,
          members: new Map(children.map((c) => [c.attrs.name ?? "", {
            name: c.attrs.name ?? "",
            label: c.attrs.label ?? c.attrs.name ?? "",
            value: null,
            format: "",
            size: 0,
          }])),
        };
        break;
    }
    let device = this.#devices.get(base.device);
    if (!device) this.#devices.set(base.device, device = new Map());
    device.set(base.name, vector);
    return vector;
  }

  /** Merges a set*Vector into its defined vector; a set for an undefined vector is dropped. */
  #set(type: PropertyType, element: XmlElement): IndiVector | null {
    const a = element.attrs;
    const vector = this.get(a.device!, a.name!);
    if (!vector || vector.type !== type) return null;
    vector.state = state(a.state, vector.state);
    if (a.timeout !== undefined) vector.timeoutS = Number(a.timeout) || 0;
    if (a.timestamp !== undefined) vector.timestamp = a.timestamp;
    vector.message = a.message ?? "";
    vector.revision = ++this.#revision;
    for (const child of element.children) {
      const member = vector.members.get(child.attrs.name ?? "");
      if (!member) continue;
      switch (vector.type) {
        case "Number": {
          const m = member as NumberMember;
          const value = parseIndiNumber(child.text);
          if (Number.isFinite(value)) m.value = value;
          if (child.attrs.min !== undefined) m.min = parseIndiNumber(child.attrs.min);
          if (child.attrs.max !== undefined) m.max = parseIndiNumber(child.attrs.max);
          if (child.attrs.step !== undefined) m.step = parseIndiNumber(child.attrs.step);
          break;
        }
        case "Switch":
          (member as SimpleMember<boolean>).value = child.text.trim() === "On";
          break;
        case "Text":
          (member as SimpleMember<string>).value = child.text.trim();
          break;
        case "Light":
          (member as SimpleMember<PropertyState>).value = state(child.text, "Idle");
          break;
        case "BLOB": {
          const m = member as BlobMember;
          m.value = child.blob ?? new Uint8Array(0);
          m.format = child.attrs.format ?? "";
          m.size = Number(child.attrs.size ?? m.value.length) || 0;
          break;
        }
      }
    }
    return vector;
  }
}

function simple<V>(c: XmlElement, value: V): SimpleMember<V> {
  return { name: c.attrs.name ?? "", label: c.attrs.label ?? c.attrs.name ?? "", value };
}

/** The value of a number member, or `fallback` when the vector or member is missing. */
export function numberValue(
  vector: IndiVector | undefined,
  member: string,
  fallback: number,
): number {
  if (vector?.type !== "Number") return fallback;
  const value = vector.members.get(member)?.value;
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

/** Whether a switch member is On (false when absent). */
export function switchOn(vector: IndiVector | undefined, member: string): boolean {
  return vector?.type === "Switch" && vector.members.get(member)?.value === true;
}

/** A number member (with its min/max/step), or undefined when the vector or member is missing. */
export function numberMember(
  vector: IndiVector | undefined,
  member: string,
): NumberMember | undefined {
  return vector?.type === "Number" ? vector.members.get(member) : undefined;
}
