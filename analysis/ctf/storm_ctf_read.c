/* libbabeltrace2 graph: source.ctf.fs -> filter.utils.muxer -> a simple sink
 * that keeps the vtb_storm events' fields.  No text output of babeltrace2 is
 * parsed: fields are read through the trace IR. */
#define _GNU_SOURCE
#include "storm_ctf.h"

#include <babeltrace2/babeltrace.h>
#include <ftw.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* source.ctf.fs reads trace directories (those holding a 'metadata' file),
 * and an LTTng session directory nests them (ust/uid/0/64-bit/): find them. */
static bt_value *found_inputs;
static int found_count;

static int find_trace(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	if (type == FTW_F && !strcmp(path + ftw->base, "metadata")) {
		char *dir = strndup(path, (size_t)(ftw->base ? ftw->base - 1 : 0));
		if (!dir || bt_value_array_append_string_element(found_inputs, dir[0] ? dir : ".")) {
			free(dir);
			return -1;
		}
		free(dir);
		found_count++;
	}
	return 0;
}

struct sink_ctx {
	struct storm_trace *t;
	int failed;
	char err[256];
};

static int field_u64(const bt_field *payload, const char *name, uint64_t *v)
{
	const bt_field *f = bt_field_structure_borrow_member_field_by_name_const(payload, name);
	if (!f)
		return -1;
	bt_field_class_type ty = bt_field_get_class_type(f);
	if (bt_field_class_type_is(ty, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		*v = bt_field_integer_unsigned_get_value(f);
	else if (bt_field_class_type_is(ty, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		*v = (uint64_t)bt_field_integer_signed_get_value(f);
	else
		return -1;
	return 0;
}

static int field_s64(const bt_field *payload, const char *name, int64_t *v)
{
	uint64_t u;
	if (field_u64(payload, name, &u))
		return -1;
	*v = (int64_t)u;
	return 0;
}

static int field_str(const bt_field *payload, const char *name, char *out, size_t len)
{
	const bt_field *f = bt_field_structure_borrow_member_field_by_name_const(payload, name);
	if (!f || !bt_field_class_type_is(bt_field_get_class_type(f), BT_FIELD_CLASS_TYPE_STRING))
		return -1;
	snprintf(out, len, "%s", bt_field_string_get_value(f));
	return 0;
}

static int push_wake(struct storm_trace *t, uint32_t thread, uint64_t v)
{
	if (t->nwake == t->cap) {
		uint64_t cap = t->cap ? t->cap * 2 : 4096;
		uint32_t *th = realloc(t->wake_thread, cap * sizeof(*th));
		if (!th)
			return -1;
		t->wake_thread = th;
		uint64_t *va = realloc(t->wake_value, cap * sizeof(*va));
		if (!va)
			return -1;
		t->wake_value = va;
		t->cap = cap;
	}
	t->wake_thread[t->nwake] = thread;
	t->wake_value[t->nwake] = v;
	t->nwake++;
	return 0;
}

static int on_event(struct sink_ctx *c, const bt_event *ev)
{
	struct storm_trace *t = c->t;
	const char *name = bt_event_class_get_name(bt_event_borrow_class_const(ev));
	const bt_field *p = bt_event_borrow_payload_field_const(ev);
	if (!name || !p) {
		t->other_events++;
		return 0;
	}
	if (!strcmp(name, "vtb_storm:wakeup")) {
		uint64_t thread, exp, act;
		int64_t lat;
		if (field_u64(p, "thread", &thread) || field_u64(p, "expected_ns", &exp) ||
		    field_u64(p, "actual_ns", &act) || field_s64(p, "latency_ns", &lat))
			goto bad;
		if ((int64_t)(act - exp) != lat)
			t->field_mismatch++;
		if (lat < 0)
			t->early++;
		return push_wake(t, (uint32_t)thread, lat < 0 ? 0 : (uint64_t)lat);
	}
	if (!strcmp(name, "vtb_storm:run_start")) {
		uint64_t threads, shift, prio;
		t->run_starts++;
		if (field_u64(p, "threads", &threads) || field_u64(p, "interval_ns", &t->interval_ns) ||
		    field_u64(p, "loops", &t->loops) || field_u64(p, "duration_ns", &t->duration_ns) ||
		    field_u64(p, "prio", &prio) || field_str(p, "source", t->source, sizeof(t->source)) ||
		    field_str(p, "mode", t->mode, sizeof(t->mode)) || field_u64(p, "hist_shift", &shift))
			goto bad;
		t->threads = (uint32_t)threads;
		t->hist_shift = (uint32_t)shift;
		t->prio = (int32_t)prio;
		return 0;
	}
	if (!strcmp(name, "vtb_storm:run_stop")) {
		t->run_stops++;
		if (field_u64(p, "n", &t->stop_n) || field_u64(p, "min_ns", &t->stop_min) ||
		    field_u64(p, "max_ns", &t->stop_max) || field_u64(p, "sum_ns", &t->stop_sum) ||
		    field_u64(p, "overruns", &t->stop_overruns) ||
		    field_str(p, "stop_reason", t->stop_reason, sizeof(t->stop_reason)))
			goto bad;
		return 0;
	}
	t->other_events++;
	return 0;
bad:
	snprintf(c->err, sizeof(c->err), "event %s lacks an expected field (provider version mismatch?)", name);
	return -1;
}

static bt_graph_simple_sink_component_consume_func_status consume(bt_message_iterator *it, void *data)
{
	struct sink_ctx *c = data;
	bt_message_array_const msgs;
	uint64_t count;
	switch (bt_message_iterator_next(it, &msgs, &count)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	int bad = 0;
	for (uint64_t i = 0; i < count; i++) {
		const bt_message *m = msgs[i];
		uint64_t n;
		switch (bt_message_get_type(m)) {
		case BT_MESSAGE_TYPE_EVENT:
			if (!bad && on_event(c, bt_message_event_borrow_event_const(m)))
				bad = 1;
			break;
		case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
			/* The ring buffer was full: the trace misses wake-ups. */
			if (bt_message_discarded_events_get_count(m, &n) == BT_PROPERTY_AVAILABILITY_AVAILABLE)
				c->t->discarded_events += n;
			else
				c->t->discarded_events++;
			break;
		case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
			if (bt_message_discarded_packets_get_count(m, &n) == BT_PROPERTY_AVAILABILITY_AVAILABLE)
				c->t->discarded_packets += n;
			else
				c->t->discarded_packets++;
			break;
		default:
			break;
		}
		bt_message_put_ref(m);
	}
	if (bad) {
		c->failed = 1;
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* First cause of the library's current error, for a one-line message. */
static void take_bt_error(char *err, size_t len, const char *what)
{
	const bt_error *e = bt_current_thread_take_error();
	const char *msg = NULL;
	if (e && bt_error_get_cause_count(e) > 0) {
		uint64_t n = bt_error_get_cause_count(e);
		if (getenv("VTB_CTF_DEBUG"))
			for (uint64_t i = 0; i < n; i++)
				fprintf(stderr, "cause %llu: %s\n", (unsigned long long)i,
					bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, i)));
		/* Cause 0 is the innermost, most specific one. */
		msg = bt_error_cause_get_message(bt_error_borrow_cause_by_index(e, 0));
	}
	snprintf(err, len, "%s%s%s", what, msg ? ": " : "", msg ? msg : "");
	for (char *p = err; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (e)
		bt_error_release(e);
}

int storm_trace_read(const char *dir, struct storm_trace *t, char *err, size_t errlen)
{
	const bt_plugin *ctf = NULL, *utils = NULL;
	bt_graph *g = NULL;
	bt_value *params = NULL, *inputs = NULL;
	const bt_component_source *src = NULL;
	const bt_component_filter *mux = NULL;
	const bt_component_sink *sink = NULL;
	struct sink_ctx c = { .t = t };
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, &ctf) != BT_PLUGIN_FIND_STATUS_OK ||
	    bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, &utils) != BT_PLUGIN_FIND_STATUS_OK) {
		snprintf(err, errlen, "babeltrace2 plugins 'ctf' and 'utils' not found (install libbabeltrace2-0)");
		goto out;
	}
	g = bt_graph_create(0);
	params = bt_value_map_create();
	inputs = bt_value_array_create();
	if (!g || !params || !inputs) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	found_inputs = inputs;
	found_count = 0;
	if (nftw(dir, find_trace, 16, FTW_PHYS)) {
		snprintf(err, errlen, "cannot walk the directory: %s", strerror(errno));
		goto out;
	}
	if (!found_count) {
		snprintf(err, errlen, "no CTF trace below it (no 'metadata' file)");
		goto out;
	}
	if (bt_value_map_insert_entry(params, "inputs", inputs)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (bt_graph_add_source_component(g, bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs"),
					  "src", params, BT_LOGGING_LEVEL_NONE, &src)) {
		take_bt_error(err, errlen, "not a readable CTF trace");
		goto out;
	}
	if (bt_graph_add_filter_component(g, bt_plugin_borrow_filter_component_class_by_name_const(utils, "muxer"),
					  "mux", NULL, BT_LOGGING_LEVEL_NONE, &mux) ||
	    bt_graph_add_simple_sink_component(g, "sink", NULL, consume, NULL, &c, &sink)) {
		take_bt_error(err, errlen, "cannot build the babeltrace2 graph");
		goto out;
	}
	/* One muxer input per CTF stream; the muxer adds a free input port after each connection. */
	for (uint64_t i = 0; i < bt_component_source_get_output_port_count(src); i++) {
		const bt_port_output *op = bt_component_source_borrow_output_port_by_index_const(src, i);
		uint64_t nin = bt_component_filter_get_input_port_count(mux);
		const bt_port_input *ip = bt_component_filter_borrow_input_port_by_index_const(mux, nin - 1);
		if (bt_graph_connect_ports(g, op, ip, NULL)) {
			take_bt_error(err, errlen, "cannot connect the trace's streams");
			goto out;
		}
	}
	if (bt_graph_connect_ports(g, bt_component_filter_borrow_output_port_by_index_const(mux, 0),
				   bt_component_sink_borrow_input_port_by_index_const(sink, 0), NULL)) {
		take_bt_error(err, errlen, "cannot connect the sink");
		goto out;
	}
	bt_graph_run_status st;
	do
		st = bt_graph_run(g);
	while (st == BT_GRAPH_RUN_STATUS_AGAIN);
	if (st != BT_GRAPH_RUN_STATUS_OK) {
		if (c.failed)
			snprintf(err, errlen, "%s", c.err);
		else
			take_bt_error(err, errlen, "reading the trace failed");
		goto out;
	}
	rc = 0;
out:
	if (rc) {
		/* Drop any error left on this thread so it is not reported twice. */
		const bt_error *e = bt_current_thread_take_error();
		if (e)
			bt_error_release(e);
	}
	bt_graph_put_ref(g);
	bt_value_put_ref(inputs);
	bt_value_put_ref(params);
	bt_plugin_put_ref(ctf);
	bt_plugin_put_ref(utils);
	return rc;
}
