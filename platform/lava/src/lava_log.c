/* vtb-lava-log: reads a LAVA job log (`lavacli jobs logs --raw`, LAVA
 * 2023.01's output.yaml: one "- {...}" flow mapping a line, every scalar
 * double-quoted) and gives the runner what it needs (docs/lava.md):
 *   vtb-lava-log console LOG OUT   the device's console (lvl "target") into OUT
 *   vtb-lava-log results LOG       one line per test result of the job's own
 *                                  suites: SUITE.CASE RESULT MEASUREMENT UNITS
 *   vtb-lava-log error LOG         the job's error (error_type: error_msg), or nothing
 *   vtb-lava-log downloads LOG     LABEL SHA256 of every image the job downloaded
 * Exit: 0 ok, 1 unreadable or malformed log (or no console for `console`),
 * 2 usage. */
#define _POSIX_C_SOURCE 200809L
#include "vtb/atomic_file.h"
#include "vtb/err.h"
#include "vtb/read_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 64

/* The key/value pairs of one log line whose values are strings, in order;
 * nested mappings are flattened (the first occurrence of a key is the
 * top-level one: LAVA writes dt, lvl, msg first). */
struct field {
	char *key;
	char *val;
};
struct entry {
	struct field f[MAX_FIELDS];
	int n;
};

static void put_utf8(char **o, unsigned long c)
{
	unsigned char *p = (unsigned char *)*o;
	if (c < 0x80)
		*p++ = (unsigned char)c;
	else if (c < 0x800) {
		*p++ = (unsigned char)(0xc0 | c >> 6);
		*p++ = (unsigned char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*p++ = (unsigned char)(0xe0 | c >> 12);
		*p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		*p++ = (unsigned char)(0x80 | (c & 0x3f));
	} else {
		*p++ = (unsigned char)(0xf0 | c >> 18);
		*p++ = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
		*p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		*p++ = (unsigned char)(0x80 | (c & 0x3f));
	}
	*o = (char *)p;
}

static int hexval(const char *s, int n, unsigned long *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		*v = *v << 4 | (unsigned long)d;
	}
	return 0;
}

/* Decodes the YAML double-quoted scalar at *p (on its opening quote) into a
 * new string; *p moves past the closing quote. NULL on a malformed one. */
static char *dq_scalar(const char **p)
{
	const char *s = *p + 1;
	size_t cap = strlen(s) * 4 + 1;
	char *out = malloc(cap), *o = out;
	if (!out)
		return NULL;
	for (; *s && *s != '"'; s++) {
		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		s++;
		unsigned long v;
		switch (*s) {
		case '0': *o++ = '\0'; break;
		case 'a': *o++ = '\a'; break;
		case 'b': *o++ = '\b'; break;
		case 't': case '\t': *o++ = '\t'; break;
		case 'n': *o++ = '\n'; break;
		case 'v': *o++ = '\v'; break;
		case 'f': *o++ = '\f'; break;
		case 'r': *o++ = '\r'; break;
		case 'e': *o++ = '\x1b'; break;
		case ' ': case '"': case '/': case '\\': *o++ = *s; break;
		case 'N': put_utf8(&o, 0x85); break;
		case '_': put_utf8(&o, 0xa0); break;
		case 'L': put_utf8(&o, 0x2028); break;
		case 'P': put_utf8(&o, 0x2029); break;
		case 'x':
			if (hexval(s + 1, 2, &v))
				goto bad;
			/* PyYAML writes \xNN for code points, not bytes. */
			put_utf8(&o, v);
			s += 2;
			break;
		case 'u':
			if (hexval(s + 1, 4, &v))
				goto bad;
			put_utf8(&o, v);
			s += 4;
			break;
		case 'U':
			if (hexval(s + 1, 8, &v))
				goto bad;
			put_utf8(&o, v);
			s += 8;
			break;
		default:
			goto bad;
		}
	}
	if (*s != '"')
		goto bad;
	*o = '\0';
	*p = s + 1;
	return out;
bad:
	free(out);
	return NULL;
}

static void entry_free(struct entry *e)
{
	for (int i = 0; i < e->n; i++) {
		free(e->f[i].key);
		free(e->f[i].val);
	}
	e->n = 0;
}

/* Parses one "- {...}" line. 0, or -1 when it is not one. */
static int parse_line(const char *line, struct entry *e)
{
	e->n = 0;
	if (strncmp(line, "- {", 3) != 0)
		return -1;
	const char *p = line + 2;
	char *pending = NULL; /* a key waiting for its value */
	while (*p) {
		if (*p != '"') {
			p++;
			continue;
		}
		char *s = dq_scalar(&p);
		if (!s) {
			free(pending);
			entry_free(e);
			return -1;
		}
		if (*p == ':') {
			free(pending);
			pending = s;
			p++;
			continue;
		}
		if (pending && e->n < MAX_FIELDS) {
			e->f[e->n].key = pending;
			e->f[e->n].val = s;
			e->n++;
		} else {
			free(pending);
			free(s);
		}
		pending = NULL;
	}
	free(pending);
	return 0;
}

static const char *get(const struct entry *e, const char *key)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->f[i].key, key) == 0)
			return e->f[i].val;
	return NULL;
}

static int is(const struct entry *e, const char *key, const char *val)
{
	const char *v = get(e, key);
	return v && strcmp(v, val) == 0;
}

int main(int argc, char **argv)
{
	vtb_set_prog("vtb-lava-log");
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs("usage: vtb-lava-log console LOG OUT | results LOG | error LOG | downloads LOG\n"
		      "  LOG is `lavacli jobs logs --raw JOB` (docs/lava.md)\n"
		      "  console  the device's console lines (lvl target) into OUT\n"
		      "  results  SUITE.CASE RESULT MEASUREMENT UNITS of the job's own test suites\n"
		      "  error    the job's error, \"TYPE: MESSAGE\", or nothing\n"
		      "  downloads  LABEL SHA256 of each image the job downloaded\n"
		      "Exit: 0 ok, 1 bad log or no console, 2 usage.\n", stdout);
		return 0;
	}
	if (argc < 3)
		return vtb_usage_error("a command (console, results, error) and a log are needed");
	const char *cmd = argv[1], *path = argv[2];
	int console = strcmp(cmd, "console") == 0, results = strcmp(cmd, "results") == 0,
	    error = strcmp(cmd, "error") == 0, downloads = strcmp(cmd, "downloads") == 0;
	if (!console && !results && !error && !downloads)
		return vtb_usage_error("unknown command '%s'", cmd);
	if ((console && argc != 4) || (!console && argc != 3))
		return vtb_usage_error("wrong number of arguments for %s", cmd);

	char *buf;
	size_t len;
	if (vtb_read_file(path, &buf, &len) != 0)
		vtb_die(VTB_EXIT_ERROR, "%s: %s", path, strerror(errno));
	struct vtb_atomic out = { 0 };
	if (console && vtb_atomic_open_path(&out, argv[3]) != 0)
		vtb_die(VTB_EXIT_ERROR, "%s: %s", argv[3], strerror(errno));

	long lines = 0, target = 0;
	int rc = 0;
	struct entry e;
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lines++;
		if (parse_line(line, &e) != 0) {
			vtb_err("%s:%ld: not a LAVA log line", path, lines);
			rc = 1;
			break;
		}
		if (console && is(&e, "lvl", "target")) {
			const char *m = get(&e, "msg");
			if (m) {
				/* LAVA's ShellLogger wrote every '"' of the console as
				 * '\"' (and dropped \r, ESC and blank lines, which are
				 * lost): the backslash just before each quote is LAVA's. */
				for (const char *q = m; *q; q++)
					if (!(q[0] == '\\' && q[1] == '"'))
						fputc(*q, out.f);
				fputc('\n', out.f);
				target++;
			}
		} else if (results && is(&e, "lvl", "results")) {
			const char *def = get(&e, "definition"), *c = get(&e, "case");
			if (def && c && strcmp(def, "lava") != 0) {
				const char *m = get(&e, "measurement"), *u = get(&e, "units"), *r = get(&e, "result");
				printf("%s.%s %s %s %s\n", def, c, r ? r : "unknown", m ? m : "-", u && *u ? u : "-");
			}
		} else if (downloads && is(&e, "lvl", "results") && is(&e, "case", "file-download") &&
			   is(&e, "definition", "lava")) {
			const char *l = get(&e, "label"), *h = get(&e, "sha256sum");
			if (l && h)
				printf("%s %s\n", l, h);
		} else if (error && is(&e, "lvl", "results") && is(&e, "case", "job") &&
			   is(&e, "definition", "lava")) {
			const char *m = get(&e, "error_msg"), *t = get(&e, "error_type");
			if (m) {
				/* One line, whatever the message holds. */
				for (char *q = (char *)m; *q; q++)
					if (*q == '\n' || *q == '\r')
						*q = ' ';
				printf("%s%s%s\n", t ? t : "", t ? ": " : "", m);
			}
		}
		entry_free(&e);
	}
	free(buf);
	if (console) {
		if (rc == 0 && target == 0) {
			vtb_err("%s: the job's log holds no console output", path);
			rc = 1;
		}
		if (rc != 0)
			vtb_atomic_abort(&out);
		else if (vtb_atomic_commit(&out) != 0)
			vtb_die(VTB_EXIT_ERROR, "%s: %s", argv[3], strerror(errno));
	}
	if (fflush(stdout) != 0)
		vtb_die(VTB_EXIT_ERROR, "cannot write to standard output");
	return rc;
}
