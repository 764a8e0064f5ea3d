import { ErrBadRequestBody } from './errors.js';

export type JsonObject = Record<string, unknown>;

/** Parses a request body the way Go's json.Decoder reports problems: 400 "bad request body: ...". */
export function parseJson(text: string): unknown {
  if (text.trim() === '') throw ErrBadRequestBody.with('EOF');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw ErrBadRequestBody.with(err instanceof Error ? err.message : String(err));
  }
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function mismatch(value: unknown, field: string, want: string): Error {
  return ErrBadRequestBody.with(`json: cannot unmarshal ${jsonType(value)} into field ${field} of type ${want}`);
}

export function asObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ErrBadRequestBody.with(`json: cannot unmarshal ${jsonType(value)} into ${what}`);
  }
  return value as JsonObject;
}

/** Field lookup as encoding/json does it: exact name first, then case-insensitively. */
export function field(obj: JsonObject, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

// Absent and null both keep the current value, as decoding into a prefilled Go struct does.

export function stringField(obj: JsonObject, name: string, current: string): string {
  const value = field(obj, name);
  if (value === undefined || value === null) return current;
  if (typeof value !== 'string') throw mismatch(value, name, 'string');
  return value;
}

export function boolField(obj: JsonObject, name: string, current: boolean): boolean {
  const value = field(obj, name);
  if (value === undefined || value === null) return current;
  if (typeof value !== 'boolean') throw mismatch(value, name, 'bool');
  return value;
}

export function numberField(obj: JsonObject, name: string, current: number): number {
  const value = field(obj, name);
  if (value === undefined || value === null) return current;
  if (typeof value !== 'number') throw mismatch(value, name, 'float32');
  return value;
}

export function intField(obj: JsonObject, name: string, current: number): number {
  const value = field(obj, name);
  if (value === undefined || value === null) return current;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(value, name, 'int64');
  return value;
}
