/** db-benchmark join q1–q5 at N=10 000 on local[2]: sluice (DataFrame and SQL) vs DuckDB. */
import { JOIN_QUESTIONS } from './h2o-questions.js';
import { ORACLE_MASTER, h2oJoinTables, h2oSuite } from './h2o-suite.js';

h2oSuite(
  'h2o join N=1e4',
  ORACLE_MASTER,
  () => h2oJoinTables(10_000, 4),
  JOIN_QUESTIONS,
);
