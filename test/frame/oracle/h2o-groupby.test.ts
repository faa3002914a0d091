/** db-benchmark groupby q1–q10 at N=10 000 on every backend: sluice (DataFrame and SQL) vs DuckDB. */
import { GROUPBY_SCHEMA, h2oGroupBy } from './h2o-data.js';
import { GROUPBY_QUESTIONS } from './h2o-questions.js';
import { h2oSuite } from './h2o-suite.js';
import { ORACLE_MASTERS } from './oracle-masters.js';

for (const master of ORACLE_MASTERS) h2oSuite(`h2o groupby N=1e4 on ${master}`, master, () => ({ x: { data: h2oGroupBy(10_000), schema: GROUPBY_SCHEMA, numPartitions: 4 } }), GROUPBY_QUESTIONS);
