// Imported first by the benchmarks that run the server in their own process: they run with the
// V8 flags `parley serve` and `parley worker` run with (bin/node-flags.js), so their memory and
// speed figures are the server's.
import { applyNodeFlags } from '../bin/node-flags.js';

applyNodeFlags();
