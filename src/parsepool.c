/* parsepool.c - read stage: ordered parse-ahead on worker threads. */
#include "parsepool.h"
#include "buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { FREE, QUEUED, RUNNING, DONE };

struct d2s_pool {
	struct d2s_job *jobs;
	int slots, workers;
	int head, tail, count;      /* ring: oldest, next free, in flight */
	int next_queued;            /* next slot a worker should take */
	size_t bytes, budget;       /* text bytes in flight and their cap */
	int (*want)(const char *kind);
	int stop;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pthread_t *threads;
	struct d2s_parser *inline_parser;
};

int d2s_pool_default_workers(void)
{
	const char *env = getenv("DEPLOY2STS_THREADS");
	if (env && *env) {
		long v = strtol(env, NULL, 10);
		return v < 0 ? 0 : v > 16 ? 16 : (int)v;
	}
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n <= 1 ? 0 : n > 4 ? 4 : (int)n;
}

static void *worker(void *arg)
{
	struct d2s_pool *p = arg;
	struct d2s_parser *parser = d2s_parser_new();
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && (p->count == 0 || p->jobs[p->next_queued].state != QUEUED))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		struct d2s_job *j = &p->jobs[p->next_queued];
		p->next_queued = (p->next_queued + 1) % p->slots;
		j->state = RUNNING;
		pthread_mutex_unlock(&p->mu);
		j->rc = parser ? d2s_parse_lazy(parser, j->text, j->len, &j->doc, p->want) : -1;
		pthread_mutex_lock(&p->mu);
		j->state = DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	d2s_parser_free(parser);
	return NULL;
}

struct d2s_pool *d2s_pool_new(int workers, int slots, int (*want)(const char *kind))
{
	struct d2s_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->slots = slots < 2 ? 2 : slots;
	p->jobs = calloc((size_t)p->slots, sizeof(*p->jobs));
	p->want = want;
	p->budget = 8u << 20;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	if (!p->jobs) {
		d2s_pool_free(p);
		return NULL;
	}
	if (workers == 0) {
		p->inline_parser = d2s_parser_new();
		if (!p->inline_parser) {
			d2s_pool_free(p);
			return NULL;
		}
		return p;
	}
	p->threads = calloc((size_t)workers, sizeof(*p->threads));
	for (int i = 0; p->threads && i < workers; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p))
			break;
		p->workers++;
	}
	if (p->workers != workers) {
		d2s_pool_free(p);
		return NULL;
	}
	return p;
}

int d2s_pool_full(const struct d2s_pool *p)
{
	return p->count == p->slots || (p->count > 0 && p->bytes >= p->budget);
}

void d2s_pool_submit(struct d2s_pool *p, const char *text, size_t len, long line)
{
	struct d2s_job *j = &p->jobs[p->tail];
	if (j->cap < len + 1) {
		j->cap = len + 1 > 4096 ? len + 1 : 4096;
		free(j->text);
		j->text = d2s_check_alloc(malloc(j->cap));
	}
	memcpy(j->text, text, len);
	j->text[len] = '\0';
	j->len = len;
	j->line = line;
	p->tail = (p->tail + 1) % p->slots;
	if (!p->workers) {
		j->rc = d2s_parse_lazy(p->inline_parser, j->text, j->len, &j->doc, p->want);
		j->state = DONE;
		p->count++;
		return;
	}
	pthread_mutex_lock(&p->mu);
	j->state = QUEUED;
	p->count++;
	p->bytes += len;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

struct d2s_job *d2s_pool_oldest(struct d2s_pool *p)
{
	if (p->count == 0)
		return NULL;
	struct d2s_job *j = &p->jobs[p->head];
	if (p->workers) {
		pthread_mutex_lock(&p->mu);
		while (j->state != DONE)
			pthread_cond_wait(&p->done, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
	return j;
}

void d2s_pool_release(struct d2s_pool *p)
{
	if (p->count == 0)
		return;
	struct d2s_job *j = &p->jobs[p->head];
	if (p->workers)
		pthread_mutex_lock(&p->mu);
	p->bytes -= p->workers ? j->len : 0;
	j->state = FREE;
	p->head = (p->head + 1) % p->slots;
	p->count--;
	if (p->workers)
		pthread_mutex_unlock(&p->mu);
}

void d2s_pool_free(struct d2s_pool *p)
{
	if (!p)
		return;
	if (p->workers) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
		for (int i = 0; i < p->workers; i++)
			pthread_join(p->threads[i], NULL);
	}
	free(p->threads);
	for (int i = 0; p->jobs && i < p->slots; i++) {
		free(p->jobs[i].text);
		d2s_doc_free(&p->jobs[i].doc);
	}
	free(p->jobs);
	d2s_parser_free(p->inline_parser);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
