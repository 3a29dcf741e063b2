/* yparse.c - benchmark baseline: a bare libyaml event parse of stdin. */
#include <stdio.h>
#include <yaml.h>

int main(void)
{
	yaml_parser_t p;
	yaml_event_t e;
	long n = 0;
	if (!yaml_parser_initialize(&p))
		return 2;
	yaml_parser_set_input_file(&p, stdin);
	for (;;) {
		if (!yaml_parser_parse(&p, &e)) {
			fprintf(stderr, "parse error: %s\n", p.problem ? p.problem : "?");
			yaml_parser_delete(&p);
			return 1;
		}
		int done = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		n++;
		if (done)
			break;
	}
	yaml_parser_delete(&p);
	fprintf(stderr, "%ld events\n", n);
	return 0;
}
