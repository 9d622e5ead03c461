/**
 * TypeScript types of messages, inferred from their declarations (schema.ts): a spec declared
 * with defineApiMessages keeps each field's name, type, versions and nullable versions as
 * literal types, and these types read them. Nothing is generated, so a declaration and its type
 * cannot drift apart.
 *
 * Two shapes per message, because the codec is asymmetric:
 * - `Decoded<S>`: what `decode` returns. Every field is there, whatever the version: a field the
 *   version lacks gets its default. Nullable (in any version) fields may be null.
 * - `Input<S, V>`: what `encode` takes. Every field is optional (a missing one is written as
 *   its default). With a literal version V only the fields that version carries are allowed, so
 *   a field sent in a version that drops it is a type error; with `number` every field is.
 */
import type { FieldSpec, MessageSpec } from './schema'

type NumberTypeName = 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'float64'

/** int64 is a JS number: offsets, timestamps and producer ids stay far below 2^53 (see reader.ts). */
type ScalarOf<T extends string> = T extends NumberTypeName
  ? number
  : T extends 'bool'
    ? boolean
    : T extends 'string'
      ? string
      : T extends 'bytes' | 'uuid'
        ? Buffer
        : never

type ScalarName = NumberTypeName | 'bool' | 'string' | 'bytes' | 'uuid'

// ---- version ranges at the type level ("3+", "0-4", "5", "none") ----

type Tuple<N extends number, Acc extends unknown[] = []> = Acc['length'] extends N ? Acc : Tuple<N, [...Acc, unknown]>
/** A >= B for small non-negative integers (API versions). */
type AtLeast<A extends number, B extends number> = Tuple<A> extends [...Tuple<B>, ...unknown[]] ? true : false

/** Whether version V is in the range R; for V = number (not known statically): whether any version is. */
export type InVersions<R extends string | undefined, V extends number> = R extends string
  ? R extends 'none' | ''
    ? false
    : number extends V
      ? true
      : R extends `${infer Lo extends number}+`
        ? AtLeast<V, Lo>
        : R extends `${infer Lo extends number}-${infer Hi extends number}`
          ? AtLeast<V, Lo> extends true
            ? AtLeast<Hi, V>
            : false
          : R extends `${infer Only extends number}`
            ? V extends Only
              ? true
              : false
            : false
  : false

type NullableIn<F extends FieldSpec, V extends number> = F extends { readonly nullableVersions: infer N extends string } ? InVersions<N, V> : false

type StructFields<F extends FieldSpec> = F extends { readonly fields: infer S extends readonly FieldSpec[] } ? S : readonly []

// ---- decoded ----

type DecodedType<T extends string, F extends FieldSpec> = T extends `[]${infer E}`
  ? DecodedType<E, F>[]
  : T extends 'records'
    ? Buffer | null // absent records decode as null (codec.ts)
    : T extends ScalarName
      ? ScalarOf<T>
      : DecodedFields<StructFields<F>>

type DecodedField<F extends FieldSpec> = NullableIn<F, number> extends true ? DecodedType<F['type'], F> | null : DecodedType<F['type'], F>

/** A struct's fields as decoded (all present). */
export type DecodedFields<S extends readonly FieldSpec[]> = { [F in S[number] as F['name']]: DecodedField<F> }

/** What the codec's decode returns for this message. */
export type Decoded<S extends MessageSpec> = DecodedFields<S['fields']>

// ---- input to encode ----

type InputType<T extends string, F extends FieldSpec, V extends number> = T extends `[]${infer E}`
  ? readonly InputType<E, F, V>[]
  : T extends 'records'
    ? Buffer | readonly Buffer[] // records may be given as chunks (batches read from disk)
    : T extends ScalarName
      ? ScalarOf<T>
      : InputFields<StructFields<F>, V>

type InputField<F extends FieldSpec, V extends number> = NullableIn<F, V> extends true ? InputType<F['type'], F, V> | null : InputType<F['type'], F, V>

/** A struct's fields as encode takes them at version V (all optional; only those V carries). */
export type InputFields<S extends readonly FieldSpec[], V extends number = number> = {
  [F in S[number] as InVersions<F['versions'], V> extends true ? F['name'] : never]?: InputField<F, V>
}

/** What the codec's encode takes for this message at version V (`number` when the version is known only at run time). */
export type Input<S extends MessageSpec, V extends number = number> = InputFields<S['fields'], V>

/** The element type of an array field of a decoded message, e.g. `Element<Decoded<M>['topics']>`. */
export type Element<A> = A extends readonly (infer E)[] ? E : never
