/* fyparse.c - benchmark baseline: a bare libfyaml event parse of stdin
 * (input callback, every event pulled and freed, nothing else). */
#include <libfyaml.h>
#include <stdio.h>
#include <unistd.h>

static ssize_t input(void *user, void *buf, size_t n)
{
	(void)user;
	ssize_t k = read(0, buf, n);
	return k < 0 ? 0 : k;
}

int main(void)
{
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET };
	struct fy_parser *p = fy_parser_create(&cfg);
	if (!p)
		return 2;
	fy_parser_set_input_callback(p, NULL, input);
	struct fy_event *e;
	long n = 0;
	while ((e = fy_parser_parse(p)) != NULL) {
		n++;
		fy_parser_event_free(p, e);
	}
	int bad = fy_parser_get_stream_error(p);
	fy_parser_destroy(p);
	fprintf(stderr, "%ld events\n", n);
	return bad ? 1 : 0;
}
