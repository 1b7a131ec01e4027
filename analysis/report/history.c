/* vtb-history: the run history in SQLite (results/history.sqlite).
 *   record   add a finished run (its summaries' headline figures)
 *   verdict  set a run's nightly verdict (ok | regression)
 *   baseline print the directory of the baseline run to compare against
 *            (nothing, exit 0, when there is none yet)
 *   trend    write a metric over time as a gnuplot data file
 *   noise    the between-boot variance of a per-boot statistic's log, pooled
 *            over earlier good runs of one configuration (docs/noise.md)
 * A run is recorded in one transaction: a crash never leaves half a run. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vtb/atomic_file.h"
#include "json_path.h"

#define SCHEMA_VERSION 1 /* the boots table is new, but an older tool simply ignores it */

static const char *prog = "vtb-history";

static const char *schema_sql =
	"CREATE TABLE IF NOT EXISTS runs ("
	"  run_id TEXT PRIMARY KEY, dir TEXT NOT NULL, recorded_utc TEXT NOT NULL,"
	"  suite TEXT NOT NULL, platform_mode TEXT, config TEXT NOT NULL,"
	"  verdict TEXT NOT NULL DEFAULT 'unjudged');"
	"CREATE TABLE IF NOT EXISTS metrics ("
	"  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
	"  variant TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL,"
	"  PRIMARY KEY (run_id, variant, metric));"
	/* Each boot's own figures, for runs with --boots K > 1. */
	"CREATE TABLE IF NOT EXISTS boots ("
	"  run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
	"  variant TEXT NOT NULL, boot INTEGER NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL,"
	"  PRIMARY KEY (run_id, variant, boot, metric));";

/* Per-boot figures kept for the noise estimate. */
static const char *boot_metric_paths[] = { "latency_ticks.p50", "latency_ticks.p99", "latency_ticks.mean" };

/* Headline figures copied from summary.json into the history. */
static const char *metric_paths[] = {
	"counts.taken", "counts.lost", "counts.spurious",
	"latency_ticks.p50", "latency_ticks.p90", "latency_ticks.p99", "latency_ticks.p99_9",
	"latency_ticks.max", "latency_ticks.mean", "latency_ns.p50", "latency_ns.p99",
};

static int fail_db(sqlite3 *db, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, sqlite3_errmsg(db));
	return 1;
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_stmt *st;
	int version = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > SCHEMA_VERSION) {
		fprintf(stderr, "%s: %s has schema version %d, this tool knows up to %d\n", prog, path,
			version, SCHEMA_VERSION);
		sqlite3_close(db);
		return NULL;
	}
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", SCHEMA_VERSION);
	if (sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fail_db(db, path);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int insert_variant(sqlite3 *db, const char *run_id, const char *variant, json_t *sum)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO metrics VALUES (?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "prepare");
	for (size_t i = 0; i < sizeof(metric_paths) / sizeof(metric_paths[0]); i++) {
		json_t *v = rep_json_path_get(sum, metric_paths[i]);
		if (!json_is_number(v))
			continue;
		sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, variant, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, metric_paths[i], -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 4, json_number_value(v));
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return fail_db(db, "insert metric");
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

/* RUN/variant/boot-1..K/summary.json, when the run made K > 1 boots. */
static int insert_boots(sqlite3 *db, const char *run_id, const char *dir, const char *variant)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO boots VALUES (?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "prepare");
	int rc = 0;
	for (int b = 1; !rc; b++) {
		char path[4700];
		struct stat sb;
		snprintf(path, sizeof(path), "%s/%s/boot-%d/summary.json", dir, variant, b);
		if (stat(path, &sb))
			break;
		json_error_t je;
		json_t *sum = json_load_file(path, 0, &je);
		if (!sum) {
			fprintf(stderr, "%s: %s: %s\n", prog, path, je.text);
			rc = 1;
			break;
		}
		for (size_t i = 0; i < sizeof(boot_metric_paths) / sizeof(boot_metric_paths[0]) && !rc; i++) {
			json_t *v = rep_json_path_get(sum, boot_metric_paths[i]);
			if (!json_is_number(v))
				continue;
			sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, variant, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 3, b);
			sqlite3_bind_text(st, 4, boot_metric_paths[i], -1, SQLITE_STATIC);
			sqlite3_bind_double(st, 5, json_number_value(v));
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = fail_db(db, "insert boot");
			sqlite3_reset(st);
		}
		json_decref(sum);
	}
	sqlite3_finalize(st);
	return rc;
}

static int cmd_record(sqlite3 *db, const char *run_dir, const char *suite, const char *config)
{
	char real[4096];
	if (!realpath(run_dir, real)) {
		fprintf(stderr, "%s: %s: %s\n", prog, run_dir, strerror(errno));
		return 1;
	}
	const char *run_id = strrchr(real, '/') + 1;
	DIR *d = opendir(real);
	if (!d) {
		fprintf(stderr, "%s: %s: %s\n", prog, real, strerror(errno));
		return 1;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		closedir(d);
		return fail_db(db, "begin");
	}
	sqlite3_stmt *st;
	int rc = 1, variants = 0;
	const char *mode = NULL;
	json_t *first = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO runs(run_id,dir,recorded_utc,suite,platform_mode,config) "
				   "VALUES (?,?,strftime('%Y-%m-%dT%H:%M:%SZ','now'),?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		fail_db(db, "prepare");
		goto out;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		char path[4600];
		struct stat sb;
		snprintf(path, sizeof(path), "%s/%s/summary.json", real, e->d_name);
		if (e->d_name[0] == '.' || stat(path, &sb))
			continue;
		json_error_t je;
		json_t *sum = json_load_file(path, 0, &je);
		if (!sum) {
			fprintf(stderr, "%s: %s: %s\n", prog, path, je.text);
			goto out_st;
		}
		if (!variants++) {
			first = sum;
			json_t *m = json_object_get(sum, "platform_mode");
			mode = json_is_string(m) ? json_string_value(m) : NULL;
			sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, real, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, suite, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, mode, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 5, config, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE) {
				fail_db(db, "insert run");
				goto out_st;
			}
		}
		int bad = insert_variant(db, run_id, e->d_name, sum) || insert_boots(db, run_id, real, e->d_name);
		if (sum != first)
			json_decref(sum);
		if (bad)
			goto out_st;
	}
	if (!variants) {
		fprintf(stderr, "%s: %s: no variant directory with a summary.json\n", prog, real);
		goto out_st;
	}
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : fail_db(db, "commit");
out_st:
	sqlite3_finalize(st);
out:
	json_decref(first);
	closedir(d);
	if (rc)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int cmd_verdict(sqlite3 *db, const char *run_id, const char *verdict)
{
	if (strcmp(verdict, "ok") && strcmp(verdict, "regression") && strcmp(verdict, "inconclusive") &&
	    strcmp(verdict, "calibration")) {
		fprintf(stderr, "%s: verdict must be ok, regression, inconclusive or calibration, not '%s'\n", prog,
			verdict);
		return 2;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "UPDATE runs SET verdict=? WHERE run_id=?", -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "prepare");
	sqlite3_bind_text(st, 1, verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail_db(db, "update");
	sqlite3_finalize(st);
	if (!rc && sqlite3_changes(db) != 1) {
		fprintf(stderr, "%s: no run '%s' in the history\n", prog, run_id);
		rc = 1;
	}
	return rc;
}

/* The baseline is a named run, or else the newest run of the same suite and
 * configuration that was judged ok (or is the first of its kind). */
static int cmd_baseline(sqlite3 *db, const char *suite, const char *config, const char *named,
			const char *exclude)
{
	sqlite3_stmt *st;
	const char *sql = named ? "SELECT dir FROM runs WHERE run_id=?1"
				: "SELECT dir FROM runs WHERE suite=?2 AND config=?3 AND verdict IN ('ok','unjudged')"
				  " AND run_id<>?4 ORDER BY (verdict='ok') DESC, recorded_utc DESC, run_id DESC LIMIT 1";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "prepare");
	if (named)
		sqlite3_bind_text(st, 1, named, -1, SQLITE_STATIC);
	else {
		sqlite3_bind_text(st, 2, suite, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, config, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, exclude ? exclude : "", -1, SQLITE_STATIC);
	}
	int rc = 1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		printf("%s\n", (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	} else if (named)
		fprintf(stderr, "%s: no run '%s' in the history\n", prog, named);
	else
		rc = 0; /* no baseline yet: a lookup that finds nothing prints nothing */
	sqlite3_finalize(st);
	return rc;
}

static int cmd_trend(sqlite3 *db, const char *suite, const char *config, const char *variant,
		     const char *metric, const char *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT r.run_id, r.recorded_utc, m.value, r.verdict FROM runs r JOIN metrics m"
				   " USING(run_id) WHERE r.suite=? AND r.config=? AND m.variant=? AND m.metric=?"
				   " ORDER BY r.recorded_utc, r.run_id",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "prepare");
	sqlite3_bind_text(st, 1, suite, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, config, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, variant, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, metric, -1, SQLITE_STATIC);
	struct vtb_atomic af;
	if (vtb_atomic_open_path(&af, out)) {
		sqlite3_finalize(st);
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, out, strerror(errno));
		return 1;
	}
	FILE *f = af.f;
	fprintf(f, "# index run_id recorded_utc %s verdict\n", metric);
	int i = 0, r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(f, "%d %s %s %.6g %s\n", i++, sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
			sqlite3_column_double(st, 2), sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		vtb_atomic_abort(&af);
		return fail_db(db, "query");
	}
	if (vtb_atomic_commit(&af)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, out, strerror(errno));
		return 1;
	}
	return 0;
}

/* Between-boot variance of log(metric) within each (run, variant) of the
 * configuration's runs judged ok, calibration or inconclusive, pooled: the
 * sum of squares over the sum of degrees of freedom (k - 1 per group).  The
 * spread is taken around each run's own mean, so a run whose location moved
 * (an undetected change) still measures the noise; runs judged a regression
 * are left out (a regressed Xen may be noisier).  Prints "VAR DF", or
 * nothing when no run has two boots yet. */
static int cmd_noise(sqlite3 *db, const char *config, const char *metric, const char *exclude)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT b.run_id, b.variant, b.value FROM boots b JOIN runs r USING(run_id)"
				   " WHERE r.config=?1 AND r.verdict IN ('ok','calibration','inconclusive') AND b.metric=?2"
				   " AND r.run_id<>?3 AND b.value > 0 ORDER BY b.run_id, b.variant, b.boot",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "prepare");
	sqlite3_bind_text(st, 1, config, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, exclude ? exclude : "", -1, SQLITE_STATIC);
	char group[600] = "";
	double ss = 0, df = 0, sum = 0, sum2 = 0;
	long k = 0;
	int r;
	for (;;) {
		r = sqlite3_step(st);
		char key[600] = "";
		if (r == SQLITE_ROW)
			snprintf(key, sizeof(key), "%s/%s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
		if (r != SQLITE_ROW || strcmp(key, group)) {
			if (k > 1) {
				ss += sum2 - sum * sum / (double)k;
				df += (double)(k - 1);
			}
			k = 0;
			sum = sum2 = 0;
			snprintf(group, sizeof(group), "%s", key);
		}
		if (r != SQLITE_ROW)
			break;
		double x = log(sqlite3_column_double(st, 2));
		sum += x;
		sum2 += x * x;
		k++;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return fail_db(db, "query");
	if (df > 0)
		printf("%.10g %.0f\n", ss > 0 ? ss / df : 0.0, df);
	return 0;
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: %s --db FILE record RUN_DIR [--suite S] [--config C]\n"
		"       %s --db FILE verdict RUN_ID ok|regression|inconclusive|calibration\n"
		"       %s --db FILE baseline [--suite S] [--config C] [--named RUN_ID] [--exclude RUN_ID]\n"
		"       %s --db FILE trend --variant V --metric M --out FILE [--suite S] [--config C]\n"
		"       %s --db FILE noise --config C [--metric M] [--exclude RUN_ID]\n"
		"Runs of one --suite and --config (a string naming the parameters) are\n"
		"comparable; baseline prints nothing when there is none yet.  Metrics: summary.json\n"
		"paths such as latency_ticks.p50, latency_ticks.p99, counts.lost.\n"
		"noise prints 'VAR DF': the between-boot variance of log(M) (default latency_ticks.p50;\n"
		"also latency_ticks.p99, latency_ticks.mean) pooled over the boots of the configuration's\n"
		"runs judged ok, calibration or inconclusive, with its degrees of freedom; nothing when\n"
		"none has 2 boots.\n",
		prog, prog, prog, prog, prog);
}

int main(int argc, char **argv)
{
	const char *db_path = NULL, *suite = "default", *config = "default", *named = NULL, *exclude = NULL;
	const char *variant = NULL, *metric = NULL, *out = NULL;
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'},      {"suite", required_argument, 0, 's'},
		{"config", required_argument, 0, 'c'},  {"named", required_argument, 0, 'n'},
		{"exclude", required_argument, 0, 'x'}, {"variant", required_argument, 0, 'v'},
		{"metric", required_argument, 0, 'm'},  {"out", required_argument, 0, 'o'},
		{"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
	int c;
	/* GNU getopt permutes: options may come before or after the command. */
	while ((c = getopt_long(argc, argv, "d:s:c:n:x:v:m:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 's': suite = optarg; break;
		case 'c': config = optarg; break;
		case 'n': named = optarg; break;
		case 'x': exclude = optarg; break;
		case 'v': variant = optarg; break;
		case 'm': metric = optarg; break;
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	const char *cmd = optind < argc ? argv[optind++] : NULL;
	const char **args = (const char **)argv + optind;
	int nargs = argc - optind;
	if (!db_path || !cmd) {
		fprintf(stderr, "%s: --db and a command are required (see --help)\n", prog);
		return 2;
	}
	int want = !strcmp(cmd, "record") ? 1 : !strcmp(cmd, "verdict") ? 2 : 0;
	if (strcmp(cmd, "record") && strcmp(cmd, "verdict") && strcmp(cmd, "baseline") && strcmp(cmd, "trend") &&
	    strcmp(cmd, "noise")) {
		fprintf(stderr, "%s: unknown command '%s' (see --help)\n", prog, cmd);
		return 2;
	}
	if (nargs != want || (!strcmp(cmd, "trend") && (!variant || !metric || !out))) {
		fprintf(stderr, "%s: wrong arguments for '%s' (see --help)\n", prog, cmd);
		return 2;
	}
	sqlite3 *db = open_db(db_path);
	if (!db)
		return 1;
	int rc;
	if (!strcmp(cmd, "record"))
		rc = cmd_record(db, args[0], suite, config);
	else if (!strcmp(cmd, "verdict"))
		rc = cmd_verdict(db, args[0], args[1]);
	else if (!strcmp(cmd, "baseline"))
		rc = cmd_baseline(db, suite, config, named, exclude);
	else if (!strcmp(cmd, "noise"))
		rc = cmd_noise(db, config, metric ? metric : "latency_ticks.p50", exclude);
	else
		rc = cmd_trend(db, suite, config, variant, metric, out);
	sqlite3_close(db);
	return rc;
}
