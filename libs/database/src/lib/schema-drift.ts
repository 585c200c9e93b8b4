import { getDMMF } from '@prisma/internals';
import type { Client } from 'pg';

type DMMF = Awaited<ReturnType<typeof getDMMF>>;
type Model = DMMF['datamodel']['models'][number];
type Field = Model['fields'][number];

interface ColumnInfo {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  /** `format_type` of the column, e.g. `character varying(64)[]`: the only place PostgreSQL
   *  reports the length of an array's elements. */
  formatted: string;
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric',
  Boolean: 'bool',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Bytes: 'bytea',
};

const NATIVE_TYPES: Record<string, string> = {
  Uuid: 'uuid',
  VarChar: 'varchar',
  Char: 'bpchar',
  Text: 'text',
  Timestamptz: 'timestamptz',
  Timestamp: 'timestamp',
  Integer: 'int4',
  SmallInt: 'int2',
  BigInt: 'int8',
  JsonB: 'jsonb',
};

/** What Prisma expects a field's column to look like in PostgreSQL. */
function expectedColumn(field: Field): { udt: string; nullable: boolean; length?: number } {
  const [native, args] = (field.nativeType as [string, string[]] | null) ?? [undefined, []];
  const base =
    field.kind === 'enum'
      ? field.type
      : native
        ? (NATIVE_TYPES[native] ?? native.toLowerCase())
        : (SCALAR_TYPES[field.type] ?? field.type);
  // Character lengths and timestamp precisions both show as the one number in parentheses; a
  // DATE (`@db.Date`) has none.
  const length = args[0]
    ? Number(args[0])
    : field.type === 'DateTime' && native !== 'Date'
      ? 3
      : undefined;
  // Prisma creates list columns nullable and treats NULL as an empty list.
  return {
    udt: field.isList ? `_${base}` : base,
    nullable: field.isList || !field.isRequired,
    length,
  };
}

/**
 * Lists every difference between the Prisma schema and the database the migrations built:
 * tables, columns (type, length, nullability), enums and their values, unique and plain indexes.
 * An empty list means the migrations create exactly what the schema describes.
 */
export async function findSchemaDrift(schema: string, client: Client): Promise<string[]> {
  const { datamodel } = await getDMMF({ datamodel: schema });
  const problems: string[] = [];

  const { rows: columns } = await client.query<ColumnInfo>(
    `SELECT c.relname AS table_name, a.attname AS column_name, t.typname AS udt_name,
            CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable,
            format_type(a.atttypid, a.atttypmod) AS formatted
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const tables = new Map<string, Map<string, ColumnInfo>>();
  for (const column of columns) {
    if (column.table_name === '_prisma_migrations') continue;
    if (!tables.has(column.table_name)) tables.set(column.table_name, new Map());
    tables.get(column.table_name)?.set(column.column_name, column);
  }

  const tableOf = new Map(
    datamodel.models.map((model) => [model.name, model.dbName ?? model.name]),
  );
  for (const model of datamodel.models) {
    const table = tableOf.get(model.name) as string;
    const actual = tables.get(table);
    if (!actual) {
      problems.push(`table ${table} (model ${model.name}) is missing`);
      continue;
    }
    const expectedNames = new Set<string>();
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const name = field.dbName ?? field.name;
      expectedNames.add(name);
      const column = actual.get(name);
      if (!column) {
        problems.push(`column ${table}.${name} is missing`);
        continue;
      }
      const expected = expectedColumn(field);
      if (column.udt_name !== expected.udt) {
        problems.push(`column ${table}.${name} is ${column.udt_name}, schema says ${expected.udt}`);
      }
      if ((column.is_nullable === 'YES') !== expected.nullable) {
        problems.push(
          `column ${table}.${name} nullability differs (schema: ${expected.nullable ? 'NULL' : 'NOT NULL'})`,
        );
      }
      const length = /\((\d+)\)/.exec(column.formatted)?.[1];
      if (expected.length !== undefined && Number(length) !== expected.length) {
        problems.push(
          `column ${table}.${name} has length ${length ?? 'none'}, schema says ${expected.length}`,
        );
      }
    }
    for (const name of actual.keys()) {
      if (!expectedNames.has(name)) problems.push(`column ${table}.${name} is not in the schema`);
    }
  }
  const modelled = new Set(tableOf.values());
  for (const table of tables.keys()) {
    if (!modelled.has(table)) problems.push(`table ${table} is not in the schema`);
  }

  const { rows: enumValues } = await client.query<{ name: string; value: string }>(
    `SELECT t.typname AS name, e.enumlabel AS value
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`,
  );
  for (const enumeration of datamodel.enums) {
    const name = enumeration.dbName ?? enumeration.name;
    const actual = enumValues.filter((row) => row.name === name).map((row) => row.value);
    const expected = enumeration.values.map((value) => value.dbName ?? value.name);
    if (actual.join(',') !== expected.join(',')) {
      problems.push(`enum ${name} is [${actual.join(', ')}], schema says [${expected.join(', ')}]`);
    }
  }

  const { rows: indexes } = await client.query<{
    table: string;
    unique: boolean;
    columns: string[];
  }>(
    `SELECT t.relname AS table, i.indisunique AS unique,
            array_agg(a.attname::text ORDER BY k.ordinality) AS columns
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
      GROUP BY t.relname, i.indexrelid, i.indisunique`,
  );
  const indexKey = (table: string, unique: boolean, cols: string[]) =>
    `${table}(${cols.join(', ')})${unique ? ' unique' : ''}`;
  const actualIndexes = new Set(
    indexes.map((index) => indexKey(index.table, index.unique, index.columns)),
  );
  const expectedIndexes = new Set<string>();
  for (const index of datamodel.indexes) {
    const model = datamodel.models.find((candidate) => candidate.name === index.model) as Model;
    const cols = index.fields.map(({ name }) => {
      const field = model.fields.find((candidate) => candidate.name === name) as Field;
      return field.dbName ?? field.name;
    });
    expectedIndexes.add(
      indexKey(tableOf.get(index.model) as string, index.type !== 'normal', cols),
    );
  }
  for (const key of expectedIndexes) {
    if (!actualIndexes.has(key)) problems.push(`index ${key} is missing`);
  }
  for (const key of actualIndexes) {
    if (!expectedIndexes.has(key)) problems.push(`index ${key} is not in the schema`);
  }
  return problems;
}
