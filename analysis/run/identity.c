#define _POSIX_C_SOURCE 200809L
#include "identity.h"

#include <stdlib.h>
#include <string.h>

/* What identifies a build and where it ran.  Keys missing from both sides
 * are equal; missing from one side is a difference ("-"). */
static const struct {
	const char *what, *object, *key;
} facts[] = {
	{"xen source", "xen_build", "source"},
	{"xen tree commit", "xen_identity", "commit"},
	{"xen tree dirty", "xen_identity", "dirty"},
	{"xen version", "xen_identity", "full_version"},
	{"xen package", "xen_identity", "debian_package"},
	{"xen series", "xen_build", "series"},
	{"xen patches", "xen_build", "patch"},
	{"target", NULL, "target"},
	{"platform", NULL, "platform"},
	{"platform mode", NULL, "platform_mode"},
	{"variants (Xen options)", NULL, "variants"},
};

/* A value as one line: strings as they are, arrays of strings joined with
 * ", ", the variants as name=options, anything else as compact JSON. */
static char *render(json_t *v)
{
	if (!v)
		return strdup("-");
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_array(v)) {
		size_t i, len = 1;
		json_t *e;
		char *s = calloc(1, 1);
		json_array_foreach(v, i, e) {
			char *one;
			if (json_is_object(e) && json_object_get(e, "name")) {
				const char *n = json_string_value(json_object_get(e, "name"));
				const char *o = json_string_value(json_object_get(e, "xen_options"));
				size_t l = strlen(n ? n : "") + strlen(o ? o : "") + 2;
				one = malloc(l);
				snprintf(one, l, "%s=%s", n ? n : "", o ? o : "");
			} else {
				one = render(e);
				/* "PATCH SHA256": the name and enough of the hash to tell two apart. */
				char *sp = strrchr(one, ' ');
				if (sp && strlen(sp + 1) > 12 && strspn(sp + 1, "0123456789abcdef") == strlen(sp + 1))
					sp[13] = 0;
			}
			len += strlen(one) + 2;
			s = realloc(s, len);
			if (i)
				strcat(s, ", ");
			strcat(s, one);
			free(one);
		}
		return s;
	}
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

int identity_diff(json_t *a, json_t *b, FILE *out)
{
	int n = 0;
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		json_t *va = facts[i].object ? json_object_get(json_object_get(a, facts[i].object), facts[i].key)
					     : json_object_get(a, facts[i].key);
		json_t *vb = facts[i].object ? json_object_get(json_object_get(b, facts[i].object), facts[i].key)
					     : json_object_get(b, facts[i].key);
		if (json_equal(va, vb) || (!va && !vb))
			continue;
		char *sa = render(va), *sb = render(vb);
		fprintf(out, "%s: %s | %s\n", facts[i].what, sa, sb);
		free(sa);
		free(sb);
		n++;
	}
	return n;
}
