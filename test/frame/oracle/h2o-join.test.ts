/** db-benchmark join q1–q5 at N=10 000 on every backend: sluice (DataFrame and SQL) vs DuckDB. */
import { JOIN_QUESTIONS } from './h2o-questions.js';
import { h2oJoinTables, h2oSuite } from './h2o-suite.js';
import { ORACLE_MASTERS } from './oracle-masters.js';

for (const master of ORACLE_MASTERS) h2oSuite(`h2o join N=1e4 on ${master}`, master, () => h2oJoinTables(10_000, 4), JOIN_QUESTIONS);
