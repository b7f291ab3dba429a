// parallel-worker.mjs — the worker script a ParallelTrainer (parallel.mjs) starts by default: it only
// serves the replica protocol of parallel-replica.mjs.
import { serveReplica } from './parallel-replica.mjs';

serveReplica();
