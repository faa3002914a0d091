/** db-benchmark join q1–q5 at N=10 000 on local[2]: sluice (DataFrame and SQL) vs DuckDB. */
import { JOIN_SCHEMAS, h2oJoin } from './h2o-data.js';
import { JOIN_QUESTIONS } from './h2o-questions.js';
import { ORACLE_MASTER, h2oSuite } from './h2o-suite.js';

h2oSuite(
  'h2o join N=1e4',
  ORACLE_MASTER,
  () => {
    const j = h2oJoin(10_000);
    return {
      x: { data: j.x, schema: JOIN_SCHEMAS.x, numPartitions: 4 },
      small: { data: j.small, schema: JOIN_SCHEMAS.small, numPartitions: 1 },
      medium: { data: j.medium, schema: JOIN_SCHEMAS.medium, numPartitions: 2 },
      big: { data: j.big, schema: JOIN_SCHEMAS.big, numPartitions: 4 },
    };
  },
  JOIN_QUESTIONS,
);
