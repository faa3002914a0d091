import type { LogicalPlan } from '../../frame/logical/plan.js';
import { analyzeSql } from '../../sql/sql-to-plan.js';
import { SluiceError } from '../../util/errors.js';
import type { Udf } from '../../frame/expr/functions.js';
import type { FileFormat, FrameContext } from './frame-context.js';
import type { SqlFilePolicy } from './sql-file-access.js';

const FORMATS: Array<[RegExp, FileFormat]> = [
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.(jsonl|ndjson|json)(\.gz)?$/i, 'jsonLines'],
  [/\.parquet$/i, 'parquet'],
  [/\.(arrow|feather|ipc|arrows)$/i, 'arrow'],
];

/** Registers `f` (made by `udf()`) for SQL under `name` (case-insensitive), replacing any UDF of that name. */
export function registerUdf(fc: FrameContext, name: string, f: Udf): Udf {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SluiceError(`udf.register: "${name}" is not a SQL function name (letters, digits and _)`);
  if (typeof f !== 'function' || !f.definition) throw new SluiceError(`udf.register: give a function made by udf(fn, returnType), got ${typeof f}`);
  fc.udfs.set(name.toLowerCase(), { ...f.definition, name });
  return f;
}

/**
 * SQL text to an analyzed plan over the session's temp views; a quoted path in
 * FROM (`FROM 'logs/*.parquet'`) reads files, in the format their extension names,
 * if the session's file policy lets it. Errors point at the position in the text.
 */
export function sqlPlan(text: string, fc: FrameContext, files: SqlFilePolicy): LogicalPlan {
  return analyzeSql(text, {
    table: (name) => fc.views.get(name) ?? [...fc.views].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1],
    tableNames: () => [...fc.views.keys()],
    udf: (name) => fc.udfs.get(name.toLowerCase()),
    file: (path) => {
      files.checkPath(path);
      const format = FORMATS.find(([re]) => re.test(path.replace(/[*?]+$/, '')))?.[1];
      if (!format) throw new SluiceError(`cannot tell the format of ${path} from its extension (.csv, .json/.jsonl, .parquet, .arrow)`);
      const confineTo = files.confinement;
      return fc.fileScan(format, path, confineTo ? { confineTo } : {}, (listed) => files.checkFiles(path, listed));
    },
  });
}
