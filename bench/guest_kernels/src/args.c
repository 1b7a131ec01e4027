#include "args.h"

void guest_args_defaults(struct storm_args *a)
{
	a->ticks = 2000;
	a->mode = MODE_PERIODIC;
	a->period_ns = 100000;
	a->rmin_ns = 10000;
	a->rmax_ns = 200000;
	a->seed = 1;
	a->record = REC_AUTO;
	a->idle = IDLE_WFI;
	a->order = ORDER_CVAL_FIRST;
	a->timeout_ns = 10000000;
	a->hist_shift = HIST_SHIFT_DEFAULT;
	a->cpus = 0;
	a->ispend = 0;
	a->ispend_sleep_ns = 50000;
	a->disabled_wfi_ns = 0;
}

static const char *const mode_names[] = { "periodic", "back-to-back", "random" };
static const char *const record_names[] = { "auto", "samples", "hist" };
static const char *const idle_names[] = { "wfi", "spin" };
static const char *const order_names[] = { "cval-first", "unmask-first", "unmask-exit" };

const char *guest_mode_name(enum storm_mode m) { return mode_names[m]; }
const char *guest_record_name(enum record_kind r) { return record_names[r]; }
const char *guest_idle_name(enum idle_kind i) { return idle_names[i]; }
const char *guest_order_name(enum arm_order o) { return order_names[o]; }

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int span_eq(const char *s, size_t n, const char *lit)
{
	size_t i = 0;
	for (; i < n && lit[i]; i++)
		if (s[i] != lit[i])
			return 0;
	return i == n && lit[i] == '\0';
}

/* Decimal only, no sign, no overflow; empty is an error. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_enum(const char *s, size_t n, const char *const *names, unsigned count,
		      unsigned *out)
{
	for (unsigned i = 0; i < count; i++) {
		if (span_eq(s, n, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static int fail_word(struct vtb_text *err, const char *why, const char *w, size_t n)
{
	vtb_text_puts(err, why);
	vtb_text_puts(err, ": '");
	vtb_text_putn(err, w, n > 64 ? 64 : n);
	vtb_text_puts(err, "'");
	return -1;
}

static int fail(struct vtb_text *err, const char *why)
{
	vtb_text_puts(err, why);
	return -1;
}

#define NUMBER_KEY(name, field)                                                   \
	if (span_eq(key, klen, name)) {                                           \
		if (parse_u64(val, vlen, &(field)) != 0)                          \
			return fail_word(err, "bad number for " name, word, wlen); \
		continue;                                                         \
	}

#define ENUM_KEY(name, table, field, type)                                        \
	if (span_eq(key, klen, name)) {                                           \
		unsigned e_;                                                      \
		if (parse_enum(val, vlen, table, sizeof(table) / sizeof(table[0]), &e_) != 0) \
			return fail_word(err, "bad value for " name, word, wlen);  \
		field = (type)e_;                                                 \
		continue;                                                         \
	}

int guest_args_parse(const char *cmdline, struct storm_args *a, struct vtb_text *err)
{
	const char *p = cmdline ? cmdline : "";
	uint64_t shift = a->hist_shift;

	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		const char *word = p;
		while (*p && !is_space(*p))
			p++;
		size_t wlen = (size_t)(p - word);
		const char *eq = word;
		while (eq < p && *eq != '=')
			eq++;
		if (eq == p)
			return fail_word(err, "argument is not key=value", word, wlen);
		const char *key = word, *val = eq + 1;
		size_t klen = (size_t)(eq - word), vlen = (size_t)(p - val);

		NUMBER_KEY("ticks", a->ticks)
		NUMBER_KEY("period_ns", a->period_ns)
		NUMBER_KEY("rmin_ns", a->rmin_ns)
		NUMBER_KEY("rmax_ns", a->rmax_ns)
		NUMBER_KEY("seed", a->seed)
		NUMBER_KEY("timeout_ns", a->timeout_ns)
		NUMBER_KEY("hist_shift", shift)
		NUMBER_KEY("cpus", a->cpus)
		NUMBER_KEY("ispend", a->ispend)
		NUMBER_KEY("ispend_sleep_ns", a->ispend_sleep_ns)
		NUMBER_KEY("disabled_wfi_ns", a->disabled_wfi_ns)
		ENUM_KEY("mode", mode_names, a->mode, enum storm_mode)
		ENUM_KEY("record", record_names, a->record, enum record_kind)
		ENUM_KEY("idle", idle_names, a->idle, enum idle_kind)
		ENUM_KEY("order", order_names, a->order, enum arm_order)
		return fail_word(err, "unknown argument", word, wlen);
	}

	if (a->ticks == 0)
		return fail(err, "ticks must be at least 1");
	if (a->mode == MODE_PERIODIC && a->period_ns == 0)
		return fail(err, "period_ns must be positive in periodic mode");
	if (a->mode == MODE_RANDOM && a->rmin_ns > a->rmax_ns)
		return fail(err, "rmin_ns must not exceed rmax_ns");
	if (a->mode == MODE_RANDOM && a->seed == 0)
		return fail(err, "seed must be non-zero (xorshift has no zero state)");
	if (a->timeout_ns == 0)
		return fail(err, "timeout_ns must be positive");
	if (a->cpus > VTB_MAX_CPUS)
		return fail(err, "cpus= is at most 4 (VTB_MAX_CPUS); 0 means all");
	if (a->ispend && a->idle != IDLE_WFI)
		return fail(err, "ispend= needs idle=wfi (its sleep ends on the EL1 physical timer)");
	if (a->disabled_wfi_ns && a->idle != IDLE_WFI)
		return fail(err, "disabled_wfi_ns= needs idle=wfi (its wait ends on the EL1 physical timer)");
	if (a->ispend && a->ispend_sleep_ns == 0)
		return fail(err, "ispend_sleep_ns must be positive");
	if (shift > HIST_SHIFT_MAX)
		return fail(err, "hist_shift too large");
	a->hist_shift = (unsigned)shift;
	if (a->record == REC_AUTO)
		a->record = a->ticks <= SAMPLES_MAX ? REC_SAMPLES : REC_HIST;
	if (a->record == REC_SAMPLES && a->ticks > SAMPLES_MAX)
		return fail(err, "record=samples holds at most 200000 ticks; use record=hist");
	return 0;
}

uint64_t guest_ns_to_ticks(uint64_t ns, uint64_t freq)
{
	const uint64_t g = 1000000000u;
	/* (ns % g) * freq fits in 64 bits for any freq below ~18 GHz. */
	return (ns / g) * freq + (ns % g) * freq / g;
}
