import type Database from 'better-sqlite3'

/** Numbered schema migrations; `PRAGMA user_version` records the last one applied. Never edit a shipped one. */
export interface Migration {
  version: number
  up(db: Database.Database): void
}

export const migrations: Migration[] = [
  {
    version: 1,
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL,
          title TEXT NOT NULL,
          spec TEXT NOT NULL,
          state TEXT NOT NULL,
          priority INTEGER NOT NULL DEFAULT 0,
          pool TEXT NOT NULL,
          plan_only INTEGER NOT NULL DEFAULT 0,
          planned INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          started_at INTEGER,
          finished_at INTEGER,
          items_total INTEGER NOT NULL DEFAULT 0,
          items_done INTEGER NOT NULL DEFAULT 0,
          items_failed INTEGER NOT NULL DEFAULT 0,
          bytes_total INTEGER NOT NULL DEFAULT 0,
          bytes_done INTEGER NOT NULL DEFAULT 0,
          error TEXT,
          notes TEXT NOT NULL DEFAULT '[]',
          facts TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX jobs_by_state ON jobs (state, priority DESC, id);
        CREATE INDEX jobs_by_kind ON jobs (kind, id);
        CREATE INDEX jobs_by_created ON jobs (created_at);

        CREATE TABLE items (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
          key TEXT NOT NULL,
          payload TEXT NOT NULL,
          size INTEGER NOT NULL DEFAULT 0,
          state TEXT NOT NULL DEFAULT 'pending',
          attempts INTEGER NOT NULL DEFAULT 0,
          error TEXT,
          result TEXT
        );
        CREATE INDEX items_by_job_state ON items (job_id, state, id);

        CREATE TABLE job_timeline (
          job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
          at INTEGER NOT NULL,
          state TEXT NOT NULL,
          note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX job_timeline_by_job ON job_timeline (job_id, at);

        CREATE TABLE logs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          job_id INTEGER REFERENCES jobs (id) ON DELETE CASCADE,
          at INTEGER NOT NULL,
          level TEXT NOT NULL,
          source TEXT NOT NULL,
          message TEXT NOT NULL
        );
        CREATE INDEX logs_by_job ON logs (job_id, id);

        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `)
    },
  },
  {
    // Why a job failed, as a code: a refusal by the user's input (exit 2) reads differently from a crash.
    version: 2,
    up(db) {
      db.exec('ALTER TABLE jobs ADD COLUMN error_code TEXT')
    },
  },
  {
    // Units in batches: an item row packs many units; each unit's state is one character of `marks`,
    // the item's results are one JSON array, and only units with an error or a retry get a row.
    version: 3,
    up(db) {
      db.exec(`
        ALTER TABLE items RENAME TO items_v2;
        DROP INDEX items_by_job_state;
        CREATE TABLE items (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
          units TEXT NOT NULL,
          count INTEGER NOT NULL,
          size INTEGER NOT NULL DEFAULT 0,
          marks TEXT NOT NULL,
          results TEXT,
          state TEXT NOT NULL DEFAULT 'pending'
        );
        CREATE INDEX items_by_job_state ON items (job_id, state, id);
        CREATE INDEX items_by_job ON items (job_id, id);
        CREATE TABLE unit_outcomes (
          item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
          unit INTEGER NOT NULL,
          attempts INTEGER NOT NULL,
          error TEXT,
          code TEXT,
          PRIMARY KEY (item_id, unit)
        ) WITHOUT ROWID;
        INSERT INTO items (id, job_id, units, count, size, marks, results, state)
          SELECT id, job_id, json_array(json_array(key, size, json(payload))), 1, size,
                 CASE state WHEN 'done' THEN 'd' WHEN 'failed' THEN 'f' ELSE '-' END,
                 CASE WHEN state = 'done' AND result IS NOT NULL THEN json_array(json(result)) END,
                 CASE state WHEN 'pending' THEN 'pending' ELSE 'settled' END
          FROM items_v2;
        INSERT INTO unit_outcomes (item_id, unit, attempts, error, code)
          SELECT id, 0, attempts, error, CASE WHEN state = 'failed' THEN result ->> '$.code' END
          FROM items_v2 WHERE state <> 'pending' AND (error IS NOT NULL OR attempts > 1);
        DROP TABLE items_v2;
      `)
    },
  },
  {
    // A cancel the farm accepted and has not finished yet (its clean-up may still run): kept in the
    // history so that a farm killed meanwhile finishes the cancel when it next opens (job-lifecycle.ts).
    version: 4,
    up(db) {
      db.exec('ALTER TABLE jobs ADD COLUMN cancel_asked_at INTEGER')
    },
  },
  {
    // Jobs that follow jobs (`--after`, `--after-ok`): kept in the history so a farm restart or a
    // kill -9 keeps them, and the next farm starts a follower whose jobs ended while none ran.
    // `after_id` has no foreign key: a job that others wait for cannot be removed (Farm.remove).
    version: 5,
    up(db) {
      db.exec(`
        CREATE TABLE job_after (
          job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
          after_id INTEGER NOT NULL,
          ok_only INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (job_id, after_id)
        ) WITHOUT ROWID;
        CREATE INDEX job_after_by_after ON job_after (after_id, job_id);
      `)
    },
  },
  {
    // Schedules (a job spec the owning farm starts on time) and what a job does when it ends: its
    // actions, and one row per end owed or done, so an action runs once even across a kill -9.
    version: 6,
    up(db) {
      db.exec(`
        CREATE TABLE schedules (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          title TEXT NOT NULL,
          kind TEXT NOT NULL,
          spec TEXT NOT NULL,
          options TEXT NOT NULL DEFAULT '{}',
          rule TEXT NOT NULL,
          next_run_at INTEGER,
          paused INTEGER NOT NULL DEFAULT 0,
          runs INTEGER NOT NULL DEFAULT 0,
          last_job_id INTEGER,
          created_at INTEGER NOT NULL
        );
        ALTER TABLE jobs ADD COLUMN then_actions TEXT;
        CREATE TABLE job_end_actions (
          job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
          ended_at INTEGER NOT NULL,
          state TEXT NOT NULL,
          started_at INTEGER,
          finished_at INTEGER,
          PRIMARY KEY (job_id, ended_at)
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    // Searching units across jobs (store/unit-search.ts): failures by their code, newest first,
    // without reading every failure of the history.
    version: 7,
    up(db) {
      db.exec('CREATE INDEX unit_failures_by_code ON unit_outcomes (code, item_id, unit) WHERE error IS NOT NULL')
    },
  },
  {
    // What the scheduler must know of an item's units (`UnitRole`): 1 they may find more units (a
    // copy's folder listings), 2 they go only once every other unit of the job settled (folder times).
    version: 8,
    up(db) {
      db.exec('ALTER TABLE items ADD COLUMN role INTEGER NOT NULL DEFAULT 0')
    },
  },
  {
    // A job's own --memfree (bytes; null: the farm's setting), an option beside its spec like its priority.
    version: 9,
    up(db) {
      db.exec('ALTER TABLE jobs ADD COLUMN memfree INTEGER')
    },
  },
  {
    // The keys a job holds once whoever finds them (a crawl's URLs): written in the transaction that
    // stores the units found, so two workers, or a finder run again after a crash, never add a page twice.
    version: 10,
    up(db) {
      db.exec(`
        CREATE TABLE job_seen_keys (
          job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
          key TEXT NOT NULL,
          PRIMARY KEY (job_id, key)
        ) WITHOUT ROWID
      `)
    },
  },
  {
    // Batches of its plan stored so far: a plan stopped half-way (its worker or the farm killed) is
    // run again from its start, and that many of its batches, stored before, are passed over.
    version: 11,
    up(db) {
      db.exec('ALTER TABLE jobs ADD COLUMN plan_batches INTEGER NOT NULL DEFAULT 0')
      // A job stopped mid-plan by an older build: its items are its plan's batches, one each, unless
      // its units may have found units (copies, URL lists: items of both kinds, not told apart). Those
      // are planned from nothing again, as the older build would have done on resume or retry (a
      // completed job's plan ended).
      const midPlan = `planned = 0 AND kind IN ('copy', 'urls') AND state NOT IN ('completed', 'completed-with-errors', 'skipped')`
      db.exec(`
        UPDATE jobs SET plan_batches = (SELECT COUNT(*) FROM items WHERE items.job_id = jobs.id)
          WHERE planned = 0 AND kind IN ('command', 'module', 'probe', 'verify');
        DELETE FROM items WHERE job_id IN (SELECT id FROM jobs WHERE ${midPlan});
        DELETE FROM job_seen_keys WHERE job_id IN (SELECT id FROM jobs WHERE ${midPlan});
        UPDATE jobs SET items_total = 0, bytes_total = 0, items_done = 0, items_failed = 0, bytes_done = 0
          WHERE ${midPlan};
      `)
    },
  },
  {
    // Each batch of a plan by its number in the plan: a plan run again checks the batches it passes
    // over against the stored ones, and goes by key where the source changed (`PlanReplay`). A job
    // stopped mid-plan whose items are all its plan's batches has them numbered in order; the others
    // (copies, URL lists, whose items may be found ones) stay unnumbered and are passed over by count.
    version: 12,
    up(db) {
      db.exec(`
        ALTER TABLE items ADD COLUMN plan_batch INTEGER;
        CREATE INDEX items_by_plan_batch ON items (job_id, plan_batch) WHERE plan_batch IS NOT NULL;
        UPDATE items SET plan_batch = numbered.n
          FROM (
            SELECT id, ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY id) - 1 AS n FROM items
              WHERE job_id IN (SELECT id FROM jobs WHERE planned = 0 AND kind IN ('command', 'module', 'probe', 'verify'))
          ) AS numbered
          WHERE items.id = numbered.id;
      `)
    },
  },
]

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number
  const latest = migrations.at(-1)?.version ?? 0
  if (current > latest) {
    throw new Error(
      `This history database was written by a newer Task Farm (schema v${current}, this build knows v${latest}).`,
    )
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue
    // Another process may be migrating the same file (a farm opening it while a reader upgrades it):
    // each step takes the write lock first and reads the version under it, so it runs exactly once.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return
      migration.up(db)
      db.pragma(`user_version = ${migration.version}`)
    }).immediate()
  }
}
