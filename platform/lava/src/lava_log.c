/* vtb-lava-log: reads a LAVA job log (`lavacli jobs logs --raw`, LAVA
 * 2023.01's output.yaml: one "- {...}" flow mapping a line, every scalar
 * double-quoted) and gives the runner what it needs (docs/lava.md):
 *   vtb-lava-log console LOG OUT   the device's console (lvl "target") into OUT
 *   vtb-lava-log results LOG       one line per test result of the job's own
 *                                  suites: SUITE.CASE RESULT MEASUREMENT UNITS
 *   vtb-lava-log error LOG         the job's error (error_type: error_msg), or nothing
 *   vtb-lava-log downloads LOG     LABEL SHA256 of every image the job downloaded
 *   vtb-lava-log archive CONSOLE OUT  the file the device printed between the
 *                                  markers of platform/dom0/init (base64 lines
 *                                  between "VTB-DOM0: results begin" and
 *                                  "VTB-DOM0: results end archive_bytes=N
 *                                  sha256=H"), decoded into OUT once its size
 *                                  and sha256 are those the device printed
 * Exit: 0 ok, 1 unreadable or malformed log (or no console for `console`, or
 * a missing, damaged or incomplete archive), 2 usage. */
#define _POSIX_C_SOURCE 200809L
#include "vtb/atomic_file.h"
#include "vtb/err.h"
#include "vtb/read_file.h"

#include <errno.h>
#include <stdint.h>
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

/* SHA-256 (FIPS 180-4), for the archive's checksum. */
struct sha256 {
	uint32_t h[8];
	unsigned char buf[64];
	uint64_t len;
};
static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
#define ROR(x, n) ((x) >> (n) | (x) << (32 - (n)))
static void sha256_block(struct sha256 *c, const unsigned char *p)
{
	uint32_t w[64], a[8];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ w[i - 15] >> 3) + w[i - 7] +
		       (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(a, c->h, sizeof a);
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = a[7] + (ROR(a[4], 6) ^ ROR(a[4], 11) ^ ROR(a[4], 25)) + ((a[4] & a[5]) ^ (~a[4] & a[6])) +
			      sha_k[i] + w[i];
		uint32_t t2 = (ROR(a[0], 2) ^ ROR(a[0], 13) ^ ROR(a[0], 22)) + ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
		memmove(a + 1, a, 7 * sizeof a[0]);
		a[4] += t1;
		a[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		c->h[i] += a[i];
}
static void sha256_init(struct sha256 *c)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(c->h, h0, sizeof h0);
	c->len = 0;
}
static void sha256_add(struct sha256 *c, const unsigned char *p, size_t n)
{
	while (n--) {
		c->buf[c->len++ % 64] = *p++;
		if (c->len % 64 == 0)
			sha256_block(c, c->buf);
	}
}
static void sha256_hex(struct sha256 *c, char out[65])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, b[8];
	sha256_add(c, &pad, 1);
	while (c->len % 64 != 56)
		sha256_add(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_add(c, b, 8);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", (unsigned)c->h[i]);
}

static int b64val(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' : ch >= 'a' && ch <= 'z' ? ch - 'a' + 26
		: ch >= '0' && ch <= '9' ? ch - '0' + 52 : ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

#define BEGIN_MARK "VTB-DOM0: results begin "
#define END_MARK "VTB-DOM0: results end "

/* archive CONSOLE OUT: see the top of the file. */
static int archive(const char *path, const char *outpath)
{
	char *buf;
	size_t len;
	if (vtb_read_file(path, &buf, &len) != 0)
		vtb_die(VTB_EXIT_ERROR, "%s: %s", path, strerror(errno));
	unsigned char *data = malloc(len / 4 * 3 + 3);
	if (!data)
		vtb_die(VTB_EXIT_ERROR, "out of memory");
	size_t n = 0;
	long lineno = 0, begin = 0;
	int done = 0, rc = 1;
	unsigned long long want_bytes = 0;
	char want_sha[65] = "";
	for (char *line = buf, *next; line && *line && !done; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		size_t l = strlen(line);
		while (l && line[l - 1] == '\r')
			line[--l] = '\0';
		if (!begin) {
			if (strncmp(line, BEGIN_MARK, strlen(BEGIN_MARK)) == 0)
				begin = lineno;
			continue;
		}
		if (strncmp(line, END_MARK, strlen(END_MARK)) == 0) {
			int used = 0;
			if (sscanf(line + strlen(END_MARK), "archive_bytes=%llu sha256=%64[0-9a-f]%n", &want_bytes,
				   want_sha, &used) != 2 || strlen(want_sha) != 64 || line[strlen(END_MARK) + used]) {
				vtb_err("%s:%ld: malformed end marker of the archive", path, lineno);
				goto out;
			}
			done = 1;
			break;
		}
		/* Four base64 characters make three bytes; '=' pads the last group. */
		if (l == 0 || l % 4) {
			vtb_err("%s:%ld: the archive's line is not base64 (damaged in transit?)", path, lineno);
			goto out;
		}
		for (size_t i = 0; i < l; i += 4) {
			int v[4], pad = 0;
			for (int k = 0; k < 4; k++) {
				v[k] = b64val((unsigned char)line[i + k]);
				if (line[i + k] == '=' && i + 4 == l && k >= 2 && (k == 3 || line[i + 3] == '=')) {
					v[k] = 0;
					pad++;
				} else if (v[k] < 0) {
					vtb_err("%s:%ld: the archive's line is not base64 (damaged in transit?)", path, lineno);
					goto out;
				}
			}
			uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
			data[n++] = (unsigned char)(x >> 16);
			if (pad < 2)
				data[n++] = (unsigned char)(x >> 8);
			if (pad < 1)
				data[n++] = (unsigned char)x;
		}
	}
	if (!begin) {
		vtb_err("%s: no archive (no \"%s\" line)", path, BEGIN_MARK "...");
		goto out;
	}
	if (!done) {
		vtb_err("%s: the archive that starts on line %ld has no end marker (cut short)", path, begin);
		goto out;
	}
	if (n != want_bytes) {
		vtb_err("%s: the archive is %zu bytes, the device sent %llu (lines lost in transit?)", path, n, want_bytes);
		goto out;
	}
	struct sha256 c;
	char got[65];
	sha256_init(&c);
	sha256_add(&c, data, n);
	sha256_hex(&c, got);
	if (strcmp(got, want_sha) != 0) {
		vtb_err("%s: the archive's sha256 is %s, the device sent %s (damaged in transit)", path, got, want_sha);
		goto out;
	}
	struct vtb_atomic out = { 0 };
	if (vtb_atomic_open_path(&out, outpath) != 0)
		vtb_die(VTB_EXIT_ERROR, "%s: %s", outpath, strerror(errno));
	if (fwrite(data, 1, n, out.f) != n || vtb_atomic_commit(&out) != 0)
		vtb_die(VTB_EXIT_ERROR, "%s: %s", outpath, strerror(errno));
	rc = 0;
out:
	free(data);
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	vtb_set_prog("vtb-lava-log");
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs("usage: vtb-lava-log console LOG OUT | results LOG | error LOG | downloads LOG\n"
		      "       vtb-lava-log archive CONSOLE OUT\n"
		      "  LOG is `lavacli jobs logs --raw JOB` (docs/lava.md)\n"
		      "  console  the device's console lines (lvl target) into OUT\n"
		      "  results  SUITE.CASE RESULT MEASUREMENT UNITS of the job's own test suites\n"
		      "  error    the job's error, \"TYPE: MESSAGE\", or nothing\n"
		      "  downloads  LABEL SHA256 of each image the job downloaded\n"
		      "  archive  the file printed between the dom0's results markers in CONSOLE\n"
		      "           (a console from `console`), checked (size, sha256), into OUT\n"
		      "Exit: 0 ok, 1 bad log or no console, 2 usage.\n", stdout);
		return 0;
	}
	if (argc < 3)
		return vtb_usage_error("a command (console, results, error) and a log are needed");
	const char *cmd = argv[1], *path = argv[2];
	if (strcmp(cmd, "archive") == 0) {
		if (argc != 4)
			return vtb_usage_error("wrong number of arguments for archive");
		return archive(path, argv[3]);
	}
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
