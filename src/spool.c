/* spool.c - support: memory, then an unlinked temporary file (see
 * spool.h). */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

int d2s_unlinked_tmp(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/deploy2sts-XXXXXX", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

int d2s_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

void d2s_spool_init(struct d2s_spool *s, size_t mem_limit)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->mem_limit = mem_limit;
}

/* Grow `mem` to hold `need` bytes (at most mem_limit). */
static int grow(struct d2s_spool *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 65536;
	while (cap < need)
		cap *= 2;
	cap = cap > s->mem_limit ? s->mem_limit : cap;
	char *m = realloc(s->mem, cap);
	if (!m)
		return -1;
	s->mem = m;
	s->cap = cap;
	return 0;
}

int d2s_spool_add(struct d2s_spool *s, const void *p, size_t n)
{
	if (s->failed) {
		errno = s->failed;
		return -1;
	}
	if (!n)
		return 0;
	if (s->fd < 0 && s->len + n <= s->mem_limit) {
		if (s->len + n > s->cap && grow(s, s->len + n))
			goto fail;
		memcpy(s->mem + s->len, p, n);
		s->len += n;
		s->size += n;
		return 0;
	}
	if (s->fd < 0 && (s->fd = d2s_unlinked_tmp()) < 0)
		goto fail;
	if (d2s_write_all(s->fd, p, n))
		goto fail;
	s->size += n;
	return 0;
fail:
	s->failed = errno ? errno : ENOMEM;
	errno = s->failed;
	return -1;
}

/* Copy the file part to `out`: sendfile (a pipe or file gets it without a
 * copy through user space), pread/write where the kernel refuses. */
static int copy_file(int fd, int out)
{
	off_t off = 0;
	for (;;) {
		ssize_t k = sendfile(out, fd, &off, 1 << 30);
		if (k > 0)
			continue;
		if (k == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		break;
	}
	char buf[1 << 16];
	ssize_t k;
	while ((k = pread(fd, buf, sizeof(buf), off)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || d2s_write_all(out, buf, (size_t)k))
			return -1;
		off += k;
	}
	return 0;
}

int d2s_spool_read(const struct d2s_spool *s, uint64_t off, size_t n, char *dst)
{
	if (off < s->len) { /* the part in memory */
		size_t k = s->len - off < n ? (size_t)(s->len - off) : n;
		memcpy(dst, s->mem + off, k);
		off += k, dst += k, n -= k;
	}
	for (off -= s->len; n;) { /* the rest, from the file (offsets past `mem`) */
		ssize_t k = pread(s->fd, dst, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			errno = k ? errno : EIO;
			return -1;
		}
		off += (uint64_t)k, dst += k, n -= (size_t)k;
	}
	return 0;
}

int d2s_spool_copy_to(const struct d2s_spool *s, int out)
{
	if (d2s_write_all(out, s->mem ? s->mem : "", s->len))
		return -1;
	return s->fd >= 0 ? copy_file(s->fd, out) : 0;
}

void d2s_spool_free(struct d2s_spool *s)
{
	free(s->mem);
	if (s->fd >= 0)
		close(s->fd);
	d2s_spool_init(s, s->mem_limit);
}
