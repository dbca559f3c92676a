/*	xcallsim: bench/xcall_latency.c	*/

/*
 * Copyright (c) 2026 The xcallsim developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * What an xcall costs on the simulated machine, next to the floors the
 * host imposes, measured in the same run with the same clock: a cache
 * line bouncing between two threads, a signal to a spinning or a
 * sigsuspend()ed thread, a signal whose handler wakes a futex sleeper,
 * a futex wake, and membarrier(2).  Each row names its floor and the
 * ratio of the medians.
 *
 * Work in progress (issue 3): no throughput mode, mutex+condvar mailbox,
 * CSV, plot or CPU-count scaling yet, and the "halted" rows do not yet
 * make sure the target (or the floor's peer) is asleep before each
 * iteration, so they can measure a thread that has not gone to sleep
 * yet.  Do not quote its ratios until that is fixed.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/refcnt.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <linux/membarrier.h>
#include <sys/syscall.h>

#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <urcu/arch.h>
#include <urcu/futex.h>
#include <urcu/uatomic.h>

#include "patterns.h"
#include "xcallsim.h"

struct result {
	const char	*r_mode;
	const char	*r_idle;
	unsigned int	 r_ncpus;
	size_t		 r_count;
	uint64_t	 r_pct[5];	/* p50 p90 p99 p99.9 max */
	const char	*r_floor;
};

static unsigned int iterations = 20000;
static unsigned int warmup = 1000;
static int json;
static uint64_t *samples;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

static void
summarize(struct result *r, size_t n)
{
	static const double q[] = { 0.50, 0.90, 0.99, 0.999 };
	size_t i;

	qsort(samples, n, sizeof(*samples), cmp_u64);
	for (i = 0; i < 4; i++)
		r->r_pct[i] = samples[(size_t)(q[i] * (n - 1))];
	r->r_pct[4] = samples[n - 1];
	r->r_count = n;
}

/* Run one() warmup + iterations times, timing each. */
static void
measure(struct result *r, void (*one)(void *), void *arg)
{
	uint64_t t0;
	unsigned int i;

	for (i = 0; i < warmup; i++)
		one(arg);
	for (i = 0; i < iterations; i++) {
		t0 = now_ns();
		one(arg);
		samples[i] = now_ns() - t0;
	}
	summarize(r, iterations);
}

/* Floors: host threads only, no simulator. */
struct floor_peer {
	pthread_t	fp_thread;
	unsigned int	fp_mode;
	unsigned int	fp_ball;	/* [a] ping-pong line */
	unsigned int	fp_flag;	/* [a] set by the handler */
	int32_t		fp_word;	/* futex word of the waiter */
	unsigned int	fp_stop;	/* [a] */
};

#define FLOOR_PINGPONG	0
#define FLOOR_SIGSPIN	1
#define FLOOR_SIGHALT	2
#define FLOOR_SIGFUTEX	3
#define FLOOR_FUTEX	4

static struct floor_peer peer;
static int32_t peer_sleep;

static void
floor_handler(int sig)
{
	if (peer.fp_mode == FLOOR_SIGFUTEX) {
		uatomic_set(&peer.fp_word, 1);
		futex_async(&peer.fp_word, FUTEX_WAKE, 1, NULL, NULL, 0);
	} else
		uatomic_set(&peer.fp_flag, 1);
}

static void *
floor_main(void *arg)
{
	sigset_t none;

	sigemptyset(&none);
	while (!uatomic_read(&peer.fp_stop)) {
		switch (peer.fp_mode) {
		case FLOOR_PINGPONG:
			if (uatomic_read(&peer.fp_ball) == 1)
				uatomic_set(&peer.fp_ball, 2);
			caa_cpu_relax();
			break;
		case FLOOR_SIGSPIN:
			caa_cpu_relax();
			break;
		case FLOOR_FUTEX:
			if (uatomic_read(&peer_sleep) == 0)
				futex_async(&peer_sleep, FUTEX_WAIT, 0, NULL,
				    NULL, 0);
			if (uatomic_read(&peer_sleep) != 0) {
				uatomic_set(&peer_sleep, 0);
				uatomic_set(&peer.fp_flag, 1);
			}
			break;
		default:
			sigsuspend(&none);
			break;
		}
	}
	return (NULL);
}

static void
floor_one(void *arg)
{
	switch (peer.fp_mode) {
	case FLOOR_PINGPONG:
		uatomic_set(&peer.fp_ball, 1);
		while (uatomic_read(&peer.fp_ball) != 2)
			caa_cpu_relax();
		break;
	case FLOOR_SIGSPIN:
	case FLOOR_SIGHALT:
		uatomic_set(&peer.fp_flag, 0);
		pthread_kill(peer.fp_thread, SIGUSR2);
		while (uatomic_read(&peer.fp_flag) == 0)
			caa_cpu_relax();
		break;
	case FLOOR_SIGFUTEX:
		uatomic_set(&peer.fp_word, 0);
		pthread_kill(peer.fp_thread, SIGUSR2);
		while (uatomic_read(&peer.fp_word) == 0)
			futex_async(&peer.fp_word, FUTEX_WAIT, 0, NULL, NULL,
			    0);
		break;
	case FLOOR_FUTEX:
		uatomic_set(&peer.fp_flag, 0);
		uatomic_set(&peer_sleep, 1);
		futex_async(&peer_sleep, FUTEX_WAKE, 1, NULL, NULL, 0);
		while (uatomic_read(&peer.fp_flag) == 0)
			caa_cpu_relax();
		break;
	}
}

static void
floor_run(struct result *r, unsigned int mode, const char *name)
{
	struct sigaction sa;

	memset(&peer, 0, sizeof(peer));
	peer_sleep = 0;
	peer.fp_mode = mode;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = floor_handler;
	sigaction(SIGUSR2, &sa, NULL);
	if (pthread_create(&peer.fp_thread, NULL, floor_main, NULL) != 0)
		err(1, "pthread_create");
	usleep(10000);
	r->r_mode = name;
	r->r_idle = "-";
	r->r_ncpus = 2;
	r->r_floor = "-";
	measure(r, floor_one, NULL);
	uatomic_set(&peer.fp_stop, 1);
	uatomic_set(&peer_sleep, 1);
	futex_async(&peer_sleep, FUTEX_WAKE, 1, NULL, NULL, 0);
	pthread_kill(peer.fp_thread, SIGUSR2);
	pthread_join(peer.fp_thread, NULL);
	signal(SIGUSR2, SIG_DFL);
}

static unsigned int membar_stop;

static void *
membar_spinner(void *arg)
{
	while (!uatomic_read(&membar_stop))
		caa_cpu_relax();
	return (NULL);
}

static void
membar_one(void *arg)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0)
	    == -1)
		err(1, "membarrier");
}

static void
floor_membarrier(struct result *r, unsigned int nthreads)
{
	pthread_t t[256];
	unsigned int i;

	if (syscall(__NR_membarrier,
	    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == -1)
		err(1, "membarrier register");
	membar_stop = 0;
	for (i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, membar_spinner, NULL);
	r->r_mode = "membarrier";
	r->r_idle = "-";
	r->r_ncpus = nthreads + 1;
	r->r_floor = "-";
	measure(r, membar_one, NULL);
	uatomic_set(&membar_stop, 1);
	for (i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
}

/* The xcall modes, through the kernel API on the simulated machine. */
static void
nop(void *arg)
{
}

static void
xc_self(void *arg)
{
	struct xcall xc = XCALL_INITIALIZER(nop, NULL);

	cpu_xcall(curcpu(), &xc);
}

static void
xc_async_spin(void *arg)
{
	pattern_spin(xcs_cpu(1), arg);
}

static void
xc_sync(void *arg)
{
	pattern_sync(xcs_cpu(1), arg);
}

static void
xc_bcast_spin(void *arg)
{
	pattern_bcast_spin(arg);
}

static void
xc_bcast_sleep(void *arg)
{
	pattern_bcast_sleep(arg);
}

struct mode {
	const char	*m_name;
	void		(*m_one)(void *);
	const char	*m_floor_halt;
	const char	*m_floor_poll;
};

static const struct mode modes[] = {
	{ "self", xc_self, "-", "-" },
	{ "async-spin", xc_async_spin, "sig-halt", "pingpong" },
	{ "sync", xc_sync, "sig-futex", "sig-futex" },
	{ "bcast-spin", xc_bcast_spin, "membarrier", "membarrier" },
	{ "bcast-sleep", xc_bcast_sleep, "membarrier", "membarrier" },
};

static void
xcall_run(struct result *r, const struct mode *m, unsigned int ncpus,
    enum xcs_idle idle)
{
	struct xcs_config cfg;
	struct pattern_rec pr;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = ncpus;
	cfg.xc_idle = idle;
	if (xcs_boot(&cfg) != 0)
		errx(1, "%s", xcs_errstr());
	pattern_rec_init(&pr);
	r->r_mode = m->m_name;
	r->r_idle = idle == XCS_IDLE_POLL ? "poll" : "halt";
	r->r_ncpus = ncpus;
	r->r_floor = idle == XCS_IDLE_POLL ? m->m_floor_poll :
	    m->m_floor_halt;
	measure(r, m->m_one, &pr);
	if (xcs_quiesce(10000) != 0 || xcs_shutdown() != 0)
		errx(1, "%s", xcs_errstr());
}

static struct result results[64];
static size_t nresults;

static const struct result *
find(const char *mode)
{
	size_t i;

	for (i = 0; i < nresults; i++) {
		if (strcmp(results[i].r_mode, mode) == 0)
			return (&results[i]);
	}
	return (NULL);
}

static void
print_results(void)
{
	const struct result *r, *f;
	double ratio;
	size_t i;

	if (!json)
		printf("%-12s %-4s %5s %8s %9s %9s %9s %9s %9s  %-11s %s\n",
		    "mode", "idle", "ncpus", "count", "p50_ns", "p90_ns",
		    "p99_ns", "p999_ns", "max_ns", "floor", "ratio");
	for (i = 0; i < nresults; i++) {
		r = &results[i];
		f = find(r->r_floor);
		ratio = f != NULL ? (double)r->r_pct[0] / f->r_pct[0] : 0;
		if (json) {
			printf("{\"mode\":\"%s\",\"idle\":\"%s\",\"ncpus\":%u,"
			    "\"count\":%zu,\"p50_ns\":%llu,\"p90_ns\":%llu,"
			    "\"p99_ns\":%llu,\"p999_ns\":%llu,\"max_ns\":%llu,"
			    "\"floor\":\"%s\",\"floor_p50_ns\":%llu,"
			    "\"ratio\":%.2f}\n", r->r_mode, r->r_idle,
			    r->r_ncpus, r->r_count,
			    (unsigned long long)r->r_pct[0],
			    (unsigned long long)r->r_pct[1],
			    (unsigned long long)r->r_pct[2],
			    (unsigned long long)r->r_pct[3],
			    (unsigned long long)r->r_pct[4], r->r_floor,
			    f != NULL ? (unsigned long long)f->r_pct[0] : 0,
			    ratio);
			continue;
		}
		printf("%-12s %-4s %5u %8zu %9llu %9llu %9llu %9llu %9llu  "
		    "%-11s ", r->r_mode, r->r_idle, r->r_ncpus, r->r_count,
		    (unsigned long long)r->r_pct[0],
		    (unsigned long long)r->r_pct[1],
		    (unsigned long long)r->r_pct[2],
		    (unsigned long long)r->r_pct[3],
		    (unsigned long long)r->r_pct[4], r->r_floor);
		if (f != NULL)
			printf("%.2fx\n", ratio);
		else
			printf("-\n");
	}
}

static void __attribute__((__noreturn__))
usage(void)
{
	fprintf(stderr, "usage: xcall_latency [-hj] [-i iterations] "
	    "[-n ncpus] [-w warmup]\n");
	exit(1);
}

static unsigned int
number(const char *s, const char *what, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		errx(1, "%s %s: must be %lu to %lu", what, s, lo, hi);
	return (v);
}

int
main(int argc, char *argv[])
{
	static const char *const floor_names[] = {
		"pingpong", "sig-spin", "sig-halt", "sig-futex", "futex-wake"
	};
	unsigned int ncpus = 2, f;
	size_t m;
	int ch, idle;

	while ((ch = getopt(argc, argv, "hi:jn:w:")) != -1) {
		switch (ch) {
		case 'i':
			iterations = number(optarg, "-i", 100, 10000000);
			break;
		case 'j':
			json = 1;
			break;
		case 'n':
			ncpus = number(optarg, "-n", 2, 256);
			break;
		case 'w':
			warmup = number(optarg, "-w", 0, 10000000);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if ((samples = calloc(iterations, sizeof(*samples))) == NULL)
		err(1, NULL);

	for (f = 0; f < nitems(floor_names); f++)
		floor_run(&results[nresults++], f, floor_names[f]);
	floor_membarrier(&results[nresults++], ncpus - 1);
	for (idle = XCS_IDLE_HALT; idle <= XCS_IDLE_POLL; idle++) {
		for (m = 0; m < nitems(modes); m++)
			xcall_run(&results[nresults++], &modes[m], ncpus,
			    idle);
	}
	print_results();
	return (0);
}
