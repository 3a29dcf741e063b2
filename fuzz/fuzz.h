/* fuzz.h - helpers shared by the fuzz targets. */
#ifndef D2S_FUZZ_H
#define D2S_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* /dev/null opened once, for targets whose output is not checked. */
static inline FILE *fuzz_devnull(void)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	return devnull;
}

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
