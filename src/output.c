/* output.c - output sinks (see output.h): the held stdout / non-regular
 * target, and the temporary file renamed over a regular target. The last
 * stage of a run: nothing here knows YAML. */
#include "output.h"
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
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

/* fopencookie write: into the spool (memory, then its file). */
static ssize_t held_write(void *cookie, const char *buf, size_t n)
{
	struct d2s_out *o = cookie;
	return d2s_spool_add(&o->hold, buf, n) ? -1 : (ssize_t)n;
}

static int open_held(struct d2s_out *o, int fd)
{
	static const cookie_io_functions_t io = { .write = held_write };
	o->held = 1;
	o->fd = fd;
	d2s_spool_init(&o->hold, D2S_OUT_HOLD_MEM);
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

static int close_held(struct d2s_out *o, int ok)
{
	int rc = fclose(o->f) ? -1 : 0; /* flushes: held_write may fail here */
	int e = o->hold.failed ? o->hold.failed : errno;
	if (o->hold.failed)
		rc = -1; /* reported even when discarding: it says why */
	else if (!ok)
		rc = 0;
	if (rc == 0 && ok) {
		rc = d2s_spool_copy_to(&o->hold, o->fd);
		e = errno;
	}
	d2s_spool_free(&o->hold);
	if (o->target && close(o->fd) && rc == 0 && ok) {
		e = errno;
		rc = -1;
	}
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
