/* Looking up "a.b.c" in a jansson object tree. */
#ifndef VTB_JSON_PATH_H
#define VTB_JSON_PATH_H
#include <jansson.h>

/* The value at the dotted path, or NULL when any step is missing. */
json_t *rep_json_path_get(json_t *root, const char *dotted);

#endif
