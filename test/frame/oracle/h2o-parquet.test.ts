/**
 * db-benchmark groupby q1–q10 and join q1–q5 at N=2e4 with sluice's tables read from Parquet files
 * that DuckDB wrote in row groups of 2048 rows (its smallest): every partition reads several row groups, each with
 * string dictionaries of its own, which the reader merges (dict-unify.ts; unique-id columns such as
 * the join's id6 switch to appending). Answers vs DuckDB on every backend, with
 * tables cached after reading and tables scanned by each question.
 */
import { GROUPBY_SCHEMA, h2oGroupBy } from './h2o-data.js';
import { GROUPBY_QUESTIONS, JOIN_QUESTIONS } from './h2o-questions.js';
import { h2oJoinTables, h2oSuite } from './h2o-suite.js';
import { ORACLE_MASTERS } from './oracle-masters.js';

const groupby = () => ({ x: { data: h2oGroupBy(20_000), schema: GROUPBY_SCHEMA, numPartitions: 2 } });
const join = () => h2oJoinTables(20_000, 2);

for (const master of ORACLE_MASTERS) {
  h2oSuite(`h2o groupby N=2e4 from Parquet, cached, on ${master}`, master, groupby, GROUPBY_QUESTIONS, { kind: 'parquet', rowGroupSize: 2048, cache: ['x'] });
  h2oSuite(`h2o groupby N=2e4 from Parquet, scanned, on ${master}`, master, groupby, GROUPBY_QUESTIONS, { kind: 'parquet', rowGroupSize: 2048, cache: [] });
  h2oSuite(`h2o join N=2e4 from Parquet (x, medium cached), on ${master}`, master, join, JOIN_QUESTIONS, { kind: 'parquet', rowGroupSize: 2048, cache: ['x', 'medium'] });
  h2oSuite(`h2o join N=2e4 from Parquet, scanned, on ${master}`, master, join, JOIN_QUESTIONS, { kind: 'parquet', rowGroupSize: 2048, cache: [] });
}
