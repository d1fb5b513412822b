import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
let t = Date.now();
const db = await PGlite.create({ extensions: { pg_trgm, vector } });
console.log('create', Date.now() - t);
t = Date.now();
await db.exec(
  "create extension if not exists pg_trgm; create extension if not exists vector; create table x(id int, v vector(3)); insert into x values (1, '[1,2,3]')",
);
console.log('ext', Date.now() - t);
t = Date.now();
const c = await db.clone();
console.log('clone', Date.now() - t);
t = Date.now();
console.log(await c.query("select similarity('Orbit Textiles','orbit textile') s, (select v from x)"));
const blob = await db.dumpDataDir('none');
console.log('dump', Date.now() - t, blob.size);
t = Date.now();
const d2 = await PGlite.create({ loadDataDir: blob, extensions: { pg_trgm, vector } });
await d2.query('select 1');
console.log('load', Date.now() - t);
