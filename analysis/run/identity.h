/* Whether two runs ran the same Xen on the same platform: the nightly's
 * baseline must match the Xen source identity, its patches, the variants'
 * Xen options and the platform, or the nightly must say why it compares
 * across them.  Read from each run's manifest.json. */
#ifndef VTB_RUN_IDENTITY_H
#define VTB_RUN_IDENTITY_H

#include <jansson.h>
#include <stdio.h>

/* Prints one line per difference between manifests a and b,
 * "KEY: A-VALUE | B-VALUE", and returns how many there were. */
int identity_diff(json_t *a, json_t *b, FILE *out);

#endif
