/** db-benchmark groupby q1–q10 at N=10 000 on local[2]: sluice (DataFrame and SQL) vs DuckDB. */
import { GROUPBY_SCHEMA, h2oGroupBy } from './h2o-data.js';
import { GROUPBY_QUESTIONS } from './h2o-questions.js';
import { ORACLE_MASTER, h2oSuite } from './h2o-suite.js';

h2oSuite('h2o groupby N=1e4', ORACLE_MASTER, () => ({ x: { data: h2oGroupBy(10_000), schema: GROUPBY_SCHEMA, numPartitions: 4 } }), GROUPBY_QUESTIONS);
