/* fuzz.h - helpers shared by the fuzz targets. */
#ifndef D2S_FUZZ_H
#define D2S_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The input as a NUL-terminated string (malloc'ed; NULL on out of memory). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

#endif
