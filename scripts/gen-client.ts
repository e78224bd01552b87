/**
 * Part of `npm run generate`: writes client/index.d.ts, what an SPA imports as
 * `saasus-mfa-edge/client` (package.json `exports`) to call the API with `hc<AppType>` from
 * `hono/client`. The core's `AppType` (src/core/app.ts) cannot be imported by an SPA: its type names
 * the core's bindings, the Durable Object classes and the Workers runtime, which a browser project
 * has not got. So the TypeScript compiler reads the core as `tsc` does, and this prints the routes'
 * schema (paths, methods, request bodies, answers) and the error catalogue's codes written out in
 * full, as plain types. A type that Hono exports by name (`ContentfulStatusCode`, the recursive
 * `JSONValue`) is imported from Hono, which the SPA has for `hono/client`; nothing else is
 * imported. client/tsconfig.json checks the result as a DOM-only project does, without skipLibCheck.
 *
 * With --check it only compares, and fails if the committed file has drifted from the routes.
 */
import { readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import ts from 'typescript'
import { writeOrCheck } from './generated-file.ts'
import { ROOT } from './wrangler-local.ts'

const OUTPUT = join(ROOT, 'client', 'index.d.ts')
const HONO_TYPES = join(ROOT, 'node_modules', 'hono', 'dist', 'types') + sep
/** The subpaths Hono's package.json exports (`./utils/*`, …): only types from these can be imported. */
const HONO_EXPORTS = Object.keys(
  JSON.parse(readFileSync(join(ROOT, 'node_modules', 'hono', 'package.json'), 'utf8')).exports,
)

const config = ts.getParsedCommandLineOfConfigFile(
  join(ROOT, 'src', 'core', 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
    },
  },
)
if (!config) throw new Error('src/core/tsconfig.json cannot be read')
const program = ts.createProgram(config.fileNames, config.options)
const checker = program.getTypeChecker()

/** The declared type of a module's exported type (alias, interface or class). */
function exportedType(file: string, name: string): ts.Type {
  const source = program.getSourceFile(join(ROOT, file))
  const module = source && checker.getSymbolAtLocation(source)
  const symbol = module && checker.getExportsOfModule(module).find((candidate) => candidate.name === name)
  if (!symbol) throw new Error(`${file} exports no type ${name}`)
  return checker.getDeclaredTypeOfSymbol(
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
  )
}

// `typeof app` is a Hono<Env, Schema, BasePath>: the schema is all hono/client reads.
const app = exportedType('src/core/index.ts', 'AppType')
const [, schema, basePath] = checker.getTypeArguments(app as ts.TypeReference)
if (!schema || !basePath?.isStringLiteral()) throw new Error('AppType is not a Hono<Env, Schema, BasePath>')
const errorCode = exportedType('src/shared/errors.ts', 'ErrorCode')
const errorBody = exportedType('src/shared/errors.ts', 'ErrorBody')

/** Types written once, at the top level, and referred to by name elsewhere. */
const named = new Map<ts.Type, string>([
  [schema, 'AppSchema'],
  [errorCode, 'ErrorCode'],
])
/** Hono's module specifier → the type names imported from it. */
const imports = new Map<string, Set<string>>([
  ['hono', new Set(['Hono'])],
  ['hono/types', new Set(['BlankEnv'])],
])

/** `hono/<path>` for a declaration file of Hono that the package exports, else undefined. */
function honoSpecifier(file: string): string | undefined {
  if (!file.startsWith(HONO_TYPES)) return undefined
  const path = relative(HONO_TYPES, file)
    .replace(/\.d\.ts$/, '')
    .split(sep)
    .join('/')
  const specifier = path === 'index' ? 'hono' : `hono/${path}`
  const exported =
    HONO_EXPORTS.includes(`./${path}`) ||
    HONO_EXPORTS.some((key) => key.endsWith('/*') && path.startsWith(key.slice(2, -1)))
  return exported ? specifier : undefined
}

/** A non-generic type alias Hono exports by name: imported, not written out. */
function honoAlias(type: ts.Type): string | undefined {
  const alias = type.aliasSymbol
  if (!alias || type.aliasTypeArguments?.length) return undefined
  const specifier = honoSpecifier(alias.declarations?.[0]?.getSourceFile().fileName ?? '')
  if (!specifier) return undefined
  imports.set(specifier, (imports.get(specifier) ?? new Set()).add(alias.name))
  return alias.name
}

/** Types written as a keyword or literal: string, boolean, null, true, … (`boolean` is a union of two literals). */
const KEYWORDS =
  ts.TypeFlags.Unknown |
  ts.TypeFlags.String |
  ts.TypeFlags.Number |
  ts.TypeFlags.Boolean |
  ts.TypeFlags.BooleanLiteral |
  ts.TypeFlags.Void |
  ts.TypeFlags.Undefined |
  ts.TypeFlags.Null |
  ts.TypeFlags.Never |
  ts.TypeFlags.NonPrimitive

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name))

/** The members of a union, `true | false` as `boolean`, sorted so the file changes only when the types do. */
function unionMembers(type: ts.UnionType, path: ts.Type[], indent: string): string[] {
  const booleans = type.types.filter((member) => member.flags & ts.TypeFlags.BooleanLiteral)
  const rest = type.types.filter((member) => !(member.flags & ts.TypeFlags.BooleanLiteral))
  const printed = rest.map((member) => print(member, path, indent, true))
  const last = (text: string) => Number(text === 'null' || text === 'undefined')
  const sorted = printed.sort((a, b) => last(a) - last(b) || a.localeCompare(b))
  if (booleans.length === 2) return ['boolean', ...sorted]
  return [...booleans.map((member) => print(member, path, indent)), ...sorted]
}

function objectLiteral(type: ts.Type, path: ts.Type[], indent: string): string {
  if (type.getCallSignatures().length || type.getConstructSignatures().length) {
    throw new Error(`${checker.typeToString(type)}: a function is not JSON; the client cannot receive it`)
  }
  const inner = `${indent}  `
  const lines = checker.getIndexInfosOfType(type).map((info) => {
    const readonly = info.isReadonly ? 'readonly ' : ''
    return `${inner}${readonly}[key: ${print(info.keyType, path, inner)}]: ${print(info.type, path, inner)}`
  })
  for (const property of checker.getPropertiesOfType(type)) {
    const optional = property.flags & ts.SymbolFlags.Optional ? '?' : ''
    const value = print(checker.getTypeOfSymbol(property), path, inner)
    lines.push(`${inner}${key(property.name)}${optional}: ${value}`)
  }
  return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${indent}}`
}

/** The type written out as a plain type; `nested`: inside a union or an array, where a union needs parentheses. */
function print(type: ts.Type, path: ts.Type[], indent: string, nested = false): string {
  const name = (path.length > 0 && named.get(type)) || honoAlias(type)
  if (name) return name
  if (path.includes(type)) throw new Error(`${checker.typeToString(type)} refers to itself: name it in gen-client.ts`)
  const within = [...path, type]
  const flags = type.flags
  // A type error in the core reads as `any`: written out, it would switch the SPA's checks off unseen.
  if (flags & ts.TypeFlags.Any) throw new Error("an `any` in the routes' types: does the core typecheck?")
  if (type.isStringLiteral()) return quote(type.value)
  if (type.isNumberLiteral()) return String(type.value)
  if (flags & KEYWORDS) return checker.typeToString(type)
  if (type.isUnion()) {
    const members = unionMembers(type, within, `${indent}  `)
    const union = members.join(' | ')
    if (nested) return `(${union})`
    // A long union reads better one member a line, as a formatter would write it.
    return union.length > 80 && !union.includes('\n') ? members.map((m) => `\n${indent}  | ${m}`).join('') : union
  }
  if (checker.isTupleType(type)) {
    return `[${checker
      .getTypeArguments(type as ts.TypeReference)
      .map((element) => print(element, within, indent))
      .join(', ')}]`
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference)
    if (!element) throw new Error(`${checker.typeToString(type)}: an array without an element type`)
    const readonly = type.getSymbol()?.name === 'ReadonlyArray' ? 'readonly ' : ''
    return `${readonly}${print(element, within, indent, true)}[]`
  }
  const objects = type.isIntersection() ? type.types : [type]
  if (objects.every((member) => member.flags & ts.TypeFlags.Object)) return objectLiteral(type, within, indent)
  if (type.isIntersection()) return type.types.map((member) => print(member, within, indent, true)).join(' & ')
  throw new Error(`${checker.typeToString(type)}: no plain form for this type in gen-client.ts`)
}

const body = `/** The app's type for \`hc<AppType>(url, options)\` from \`hono/client\`: its routes, nothing of the Worker. */
export type AppType = Hono<BlankEnv, AppSchema, ${quote(basePath.value)}>

/** Each route's path and method: its request (\`input\`), its JSON answer (\`output\`) and status. */
export type AppSchema = ${print(schema, [], '')}

/** The stable codes of the error catalogue (docs/errors.md): what a client switches on. */
export type ErrorCode = ${print(errorCode, [], '')}

/** The JSON body of every error answer, which the inferred answer types do not include. */
export type ErrorBody = ${print(errorBody, [], '')}
`

const header = `/**
 * \`saasus-mfa-edge/client\`: the types an SPA needs for \`hc<AppType>\` from \`hono/client\`
 * (docs/spa-guide.md). Generated by \`npm run generate\` (scripts/gen-client.ts) from the core's
 * routes and the error catalogue. Do not edit by hand.
 */
`
const importLines = [...imports]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([specifier, names]) => `import type { ${[...names].sort().join(', ')} } from ${quote(specifier)}`)

// A long union starts on the next line: no space is left at the end of the one before.
const text = `${header}${importLines.join('\n')}\n\n${body}`.replace(/ +\n/g, '\n')
writeOrCheck(OUTPUT, text, 'npm run generate')
