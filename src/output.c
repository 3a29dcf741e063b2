/* output.c - output sinks (see output.h): the held stdout / non-regular
 * target, and the temporary file renamed over a regular target. The last
 * stage of a run: nothing here knows YAML. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/* Follow symbolic links from `path` (at most 40, as the kernel's
 * MAXSYMLINKS): the file a shell's `>` would write. The result may not exist
 * (a dangling link names the file to create). malloc'ed, or NULL (errno). */
static char *resolve_links(const char *path)
{
	char *cur = strdup(path);
	for (int hops = 0; cur && hops < 40; hops++) {
		struct stat st;
		if (lstat(cur, &st) || !S_ISLNK(st.st_mode))
			return cur;
		char link[PATH_MAX];
		ssize_t n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0) {
			free(cur);
			return NULL;
		}
		link[n] = '\0';
		char *next;
		if (link[0] == '/') {
			next = strdup(link);
		} else {
			char *dcopy = strdup(cur);
			size_t len = strlen(cur) + (size_t)n + 2;
			next = dcopy ? malloc(len) : NULL;
			if (next)
				snprintf(next, len, "%s/%s", dirname(dcopy), link);
			free(dcopy);
		}
		free(cur);
		cur = next;
	}
	if (cur) {
		free(cur);
		errno = ELOOP;
	}
	return NULL;
}

/* An unlinked temporary file in $TMPDIR (else /tmp): O_TMPFILE where the
 * file system has it, mkstemp + unlink otherwise. Returns the fd or -1. */
static int unlinked_tmp(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/deploy2sts-out-XXXXXX", dir) >= (int)sizeof(path))
		return -1;
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
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

/* fopencookie write: memory up to the limit, then the spill file. */
static ssize_t held_write(void *cookie, const char *buf, size_t n)
{
	struct d2s_out *o = cookie;
	if (o->spill < 0 && o->len + n <= o->mem_limit) {
		if (o->len + n > o->cap) {
			size_t cap = o->cap ? o->cap : 65536;
			while (cap < o->len + n)
				cap *= 2;
			cap = cap > o->mem_limit ? o->mem_limit : cap;
			char *m = realloc(o->mem, cap);
			if (!m)
				goto fail;
			o->mem = m;
			o->cap = cap;
		}
		memcpy(o->mem + o->len, buf, n);
		o->len += n;
		return (ssize_t)n;
	}
	if (o->spill < 0 && (o->spill = unlinked_tmp()) < 0)
		goto fail;
	if (write_all(o->spill, buf, n) == 0)
		return (ssize_t)n;
fail:
	o->failed = errno ? errno : ENOMEM;
	errno = o->failed;
	return -1;
}

static int open_held(struct d2s_out *o, int fd)
{
	static const cookie_io_functions_t io = { .write = held_write };
	o->held = 1;
	o->fd = fd;
	o->spill = -1;
	o->mem_limit = D2S_OUT_HOLD_MEM;
	o->f = fopencookie(o, "w", io);
	if (!o->f)
		return -1;
	setvbuf(o->f, NULL, _IOFBF, 1 << 18);
	return 0;
}

/* The temporary file beside `o->target`, with the mode, owner and group of
 * `st` (an existing target) or 0666 & ~umask (a new one). */
static int open_rename(struct d2s_out *o, const struct stat *st)
{
	size_t n = strlen(o->target) + 32;
	o->tmp = malloc(n);
	if (!o->tmp)
		return -1;
	snprintf(o->tmp, n, "%s.deploy2sts-XXXXXX", o->target);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	if (st) {
		/* like GNU sed -i: owner and group if allowed, else the group only */
		if (fchown(fd, st->st_uid, st->st_gid) && fchown(fd, (uid_t)-1, st->st_gid)) {
			/* not allowed: the file gets ours, as any new file would */
		}
		if (fchmod(fd, st->st_mode & 07777) == 0) {
			/* mode kept (after fchown, which may clear set-id bits) */
		}
	} else {
		mode_t mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0666 & ~mask)) {
			/* the 0600 of mkstemp stays: stricter, never wider */
		}
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(o->tmp);
		return -1;
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 18);
	return 0;
}

int d2s_out_open(struct d2s_out *o, const char *path, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->spill = -1;
	if (!path) {
		if (open_held(o, 1) == 0)
			return 0;
		snprintf(err, errlen, "stdout: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	int rc = -1;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
		} else if (!S_ISREG(st.st_mode)) {
			/* a device or FIFO (also through /dev/stdout and other links):
			 * write through it, never replace it */
			int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
			o->target = strdup(path);
			rc = fd < 0 || !o->target ? -1 : open_held(o, fd);
			if (rc && fd >= 0)
				close(fd);
		} else {
			o->target = realpath(path, NULL);
			rc = o->target ? open_rename(o, &st) : -1;
		}
	} else if (errno == ENOENT) {
		/* a new file, maybe named by a dangling link */
		o->target = resolve_links(path);
		rc = o->target ? open_rename(o, NULL) : -1;
	}
	if (rc) {
		snprintf(err, errlen, "%s: cannot write output: %s", path, strerror(errno));
		free(o->target);
		free(o->tmp);
		memset(o, 0, sizeof(*o));
	}
	return rc;
}

/* Copy the spill file to o->fd: sendfile (a pipe or file gets it without a
 * copy through user space), read/write where the kernel refuses. */
static int copy_spill(struct d2s_out *o)
{
	off_t off = 0;
	for (;;) {
		ssize_t k = sendfile(o->fd, o->spill, &off, 1 << 30);
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
	while ((k = pread(o->spill, buf, sizeof(buf), off)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || write_all(o->fd, buf, (size_t)k))
			return -1;
		off += k;
	}
	return 0;
}

static int close_held(struct d2s_out *o, int ok)
{
	int rc = fclose(o->f) ? -1 : 0; /* flushes: held_write may fail here */
	int e = o->failed ? o->failed : errno;
	if (o->failed)
		rc = -1; /* reported even when discarding: it says why */
	else if (!ok)
		rc = 0;
	if (rc == 0 && ok) {
		rc = write_all(o->fd, o->mem ? o->mem : "", o->len);
		if (rc == 0 && o->spill >= 0)
			rc = copy_spill(o);
		e = errno;
	}
	if (o->spill >= 0)
		close(o->spill);
	if (o->target && close(o->fd) && rc == 0 && ok) {
		e = errno;
		rc = -1;
	}
	free(o->mem);
	errno = e;
	return rc;
}

int d2s_out_close(struct d2s_out *o, int ok, char *err, size_t errlen)
{
	if (!o->f)
		return ok ? -1 : 0;
	const char *what = o->target ? o->target : "stdout";
	int rc;
	errno = 0;
	if (o->held) {
		rc = close_held(o, ok);
	} else {
		rc = fclose(o->f) == 0 && ok ? rename(o->tmp, o->target) : -1;
		if (rc)
			unlink(o->tmp);
		if (!ok)
			rc = 0;
	}
	if (rc)
		snprintf(err, errlen, "%s: cannot write output: %s", what,
			 errno ? strerror(errno) : "write error");
	free(o->target);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return rc;
}
