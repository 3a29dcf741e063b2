/* input.c - read stage: one input, read twice (see input.h). */
#include "input.h"
#include "buf.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void init(struct d2s_input *in, const char *name)
{
	memset(in, 0, sizeof(*in));
	in->name = name;
	in->fd = -1;
	d2s_spool_init(&in->spool, 1u << 20);
}

struct d2s_reader *d2s_input_fd(struct d2s_input *in, int fd, const char *name, const char *prefix,
				size_t n)
{
	struct stat st;
	init(in, name);
	struct d2s_reader *r = d2s_reader_new(fd, name, 0);
	if (!r)
		return NULL;
	in->off = lseek(fd, 0, SEEK_CUR);
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && in->off >= 0)
		in->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (in->fd < 0) { /* not a file that can be read again: keep what is read */
		d2s_spool_add(&in->spool, prefix ? prefix : "", n);
		d2s_reader_tee(r, &in->spool);
	} else if (n) {
		in->prefix = d2s_check_alloc(malloc(n));
		memcpy(in->prefix, prefix, n);
		in->n_prefix = n;
	}
	if (n)
		d2s_reader_preload(r, prefix, n);
	return r;
}

struct d2s_reader *d2s_input_mem(struct d2s_input *in, const char *data, size_t len,
				 const char *name)
{
	init(in, name);
	in->mem = data;
	in->len = len;
	return d2s_reader_new_mem(data, len, name);
}

struct d2s_reader *d2s_input_again(struct d2s_input *in)
{
	if (in->mem)
		return d2s_reader_new_mem(in->mem, in->len, in->name);
	if (in->fd < 0 && in->spool.fd < 0) /* all of it in memory */
		return d2s_reader_new_mem(in->spool.mem ? in->spool.mem : "", in->spool.len, in->name);
	int file = in->fd >= 0;
	int fd = file ? in->fd : in->spool.fd;
	struct d2s_reader *r;
	if (lseek(fd, file ? in->off : 0, SEEK_SET) < 0 || !(r = d2s_reader_new(fd, in->name, 0)))
		return NULL;
	const char *head = file ? in->prefix : in->spool.mem;
	size_t n = file ? in->n_prefix : in->spool.len;
	if (n)
		d2s_reader_preload(r, head, n);
	return r;
}

void d2s_input_free(struct d2s_input *in)
{
	if (in->fd >= 0)
		close(in->fd);
	free(in->prefix);
	d2s_spool_free(&in->spool);
	in->fd = -1;
	in->prefix = NULL;
}
