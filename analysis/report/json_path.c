#include "json_path.h"

#include <string.h>

json_t *rep_json_path_get(json_t *j, const char *dotted)
{
	char key[128];
	while (j && *dotted) {
		size_t n = strcspn(dotted, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, dotted, n);
		key[n] = 0;
		j = json_object_get(j, key);
		dotted += n + (dotted[n] == '.');
	}
	return j;
}
