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
 * Halted rows wait, untimed, until every thread the iteration will wake
 * is asleep in the kernel (xcs_host_thread_asleep(), on Linux from
 * /proc/self/task/TID/stat), so they measure a real wake-up.  The
 * simulator wakes a halted CPU with a futex, not a signal, so
 * futex-wake is printed too.  Throughput rows count xcalls that reached
 * cpu0's slots, IPIs sent, and slot-full spins.  The end of the output
 * checks issue 3's targets against this run's numbers.  -P writes the
 * latency CDFs, each mode next to its floors, as an SVG.
 * Nothing here is random, so there is no seed to set.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/refcnt.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <err.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
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

#define CDF_POINTS	201	/* quantiles 0, 0.005, ..., 1 */

struct result {
	const char	*r_mode;
	const char	*r_idle;
	unsigned int	 r_ncpus;
	size_t		 r_count;
	uint64_t	 r_pct[5];	/* p50 p90 p99 p99.9 max */
	uint64_t	 r_cdf[CDF_POINTS];	/* for the plot */
	const char	*r_floor;
	const struct result *r_floorp;	/* the floor row, if paired */
	int		 r_is_floor;
	double		 r_xcalls_per_s;	/* throughput rows */
	double		 r_xcalls_per_ipi;
	double		 r_spins_per_xcall;
	double		 r_xcalls_per_dispatch;
};

static unsigned int iterations = 20000;
static unsigned int warmup = 1000;
static int json, csv;
static uint64_t *samples, *floor_samples;

static struct result *next_result(void);

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
summarize(struct result *r, uint64_t *samples, size_t n)
{
	static const double q[] = { 0.50, 0.90, 0.99, 0.999 };
	size_t i;

	qsort(samples, n, sizeof(*samples), cmp_u64);
	for (i = 0; i < 4; i++)
		r->r_pct[i] = samples[(size_t)(q[i] * (n - 1))];
	r->r_pct[4] = samples[n - 1];
	for (i = 0; i < CDF_POINTS; i++)
		r->r_cdf[i] = samples[i * (n - 1) / (CDF_POINTS - 1)];
	r->r_count = n;
}

/*
 * The threads to wait for before each iteration, until the host says
 * each is asleep in its kernel; a host that cannot say (the portable
 * host layer) leaves the halted rows unsettled, and the output says so.
 */
static int settle_tids[256];
static unsigned int nsettle;
static int settle_unknown;

static void
settle(void)
{
	unsigned int i, spins = 0;
	int asleep;

	for (i = 0; i < nsettle; i++) {
		while ((asleep = xcs_host_thread_asleep(settle_tids[i])) != 1) {
			if (asleep == -1) {
				settle_unknown = 1;
				return;
			}
			if (++spins > 1000000)
				errx(1, "thread %d never went to sleep",
				    settle_tids[i]);
			sched_yield();
		}
	}
}

/* Run one() n times, timing each into buf, or untimed if buf is NULL. */
static void
time_into(uint64_t *buf, unsigned int n, void (*one)(void *), void *arg)
{
	uint64_t t0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		settle();
		t0 = now_ns();
		one(arg);
		if (buf != NULL)
			buf[i] = now_ns() - t0;
	}
}

/* Run one() warmup + iterations times, timing each. */
static void
measure(struct result *r, void (*one)(void *), void *arg)
{
	time_into(NULL, warmup, one, arg);
	time_into(samples, iterations, one, arg);
	summarize(r, samples, iterations);
}

/* Floors: host threads only, no simulator. */
struct floor_peer {
	pthread_t	fp_thread;
	unsigned int	fp_mode;
	unsigned int	fp_ball;	/* [a] ping-pong line */
	unsigned int	fp_flag;	/* [a] set by the handler */
	int32_t		fp_word;	/* futex word of the waiter */
	unsigned int	fp_stop;	/* [a] */
	int		fp_tid;		/* [a] */
};

#define FLOOR_PINGPONG	0
#define FLOOR_SIGSPIN	1
#define FLOOR_SIGHALT	2
#define FLOOR_SIGFUTEX	3
#define FLOOR_FUTEX	4
#define FLOOR_MAILBOX	5

/*
 * What a user would write instead of cpu_xcall_sync: a per-thread
 * mailbox under a mutex, a condvar to wake the worker and one to wake
 * the caller.
 */
static pthread_mutex_t mbox_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mbox_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t mbox_done = PTHREAD_COND_INITIALIZER;
static void (*mbox_fn)(void *);
static int mbox_finished;

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
	uatomic_set(&peer.fp_tid, xcs_host_tid());
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
		case FLOOR_MAILBOX:
			pthread_mutex_lock(&mbox_mtx);
			while (mbox_fn == NULL && !uatomic_read(&peer.fp_stop))
				pthread_cond_wait(&mbox_work, &mbox_mtx);
			if (mbox_fn != NULL) {
				mbox_fn(NULL);
				mbox_fn = NULL;
				mbox_finished = 1;
				pthread_cond_signal(&mbox_done);
			}
			pthread_mutex_unlock(&mbox_mtx);
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
mbox_nop(void *arg)
{
}

static void
floor_one(void *arg)
{
	switch (peer.fp_mode) {
	case FLOOR_MAILBOX:
		pthread_mutex_lock(&mbox_mtx);
		mbox_finished = 0;
		mbox_fn = mbox_nop;
		pthread_cond_signal(&mbox_work);
		while (!mbox_finished)
			pthread_cond_wait(&mbox_done, &mbox_mtx);
		pthread_mutex_unlock(&mbox_mtx);
		break;
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
	while (uatomic_read(&peer.fp_tid) == 0)
		sched_yield();
	/* The halted floors wake a thread that sleeps. */
	nsettle = 0;
	if (mode == FLOOR_SIGHALT || mode == FLOOR_SIGFUTEX ||
	    mode == FLOOR_FUTEX || mode == FLOOR_MAILBOX)
		settle_tids[nsettle++] = uatomic_read(&peer.fp_tid);
	r->r_mode = name;
	r->r_idle = "-";
	r->r_ncpus = 2;
	r->r_floor = "-";
	r->r_is_floor = 1;
	measure(r, floor_one, NULL);
	nsettle = 0;
	uatomic_set(&peer.fp_stop, 1);
	pthread_mutex_lock(&mbox_mtx);
	pthread_cond_signal(&mbox_work);
	pthread_mutex_unlock(&mbox_mtx);
	uatomic_set(&peer_sleep, 1);
	futex_async(&peer_sleep, FUTEX_WAKE, 1, NULL, NULL, 0);
	pthread_kill(peer.fp_thread, SIGUSR2);
	pthread_join(peer.fp_thread, NULL);
	signal(SIGUSR2, SIG_DFL);
}

static unsigned int membar_stop;	/* [a] */
static unsigned int membar_running;	/* [a] spinners started */

static void *
membar_spinner(void *arg)
{
	(void)xcs_host_pin((int)(uintptr_t)arg);
	/* Orders nothing: the main thread only counts the spinners. */
	uatomic_inc(&membar_running);
	while (!uatomic_read(&membar_stop))
		caa_cpu_relax();
	return (NULL);
}

static void
membar_one(void *arg)
{
	int error;

	if ((error = xcs_host_membarrier()) != 0) {
		errno = error;
		err(1, "membarrier");
	}
}

/*
 * An IPI to every core, as the host sends it: the broadcast rows'
 * floor.  Its spinners are pinned, one per core, where the host can pin
 * (membarrier(2) interrupts only the CPUs that run one of our threads
 * right now; unpinned, the spinners were sometimes not running and the
 * floor read 341 ns, a barrier that sent no IPI at all).  A host without
 * it has no such row, and the rows that need it say "not run".
 */
static void
floor_membarrier(unsigned int nthreads)
{
	struct result *r;
	pthread_t t[256];
	unsigned int i;
	int error;

	if ((error = xcs_host_membarrier_register()) == ENOTSUP) {
		if (!json && !csv)
			printf("# membarrier: no such floor on the %s host "
			    "layer\n", xcs_host_name);
		return;
	}
	if (error != 0) {
		errno = error;
		err(1, "membarrier register");
	}
	r = next_result();
	membar_stop = 0;
	membar_running = 0;
	(void)xcs_host_pin(0);
	for (i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, membar_spinner,
		    (void *)(uintptr_t)(i + 1));
	while (uatomic_read(&membar_running) < nthreads)
		sched_yield();
	r->r_mode = "membarrier";
	r->r_idle = "-";
	r->r_ncpus = nthreads + 1;
	r->r_floor = "-";
	r->r_is_floor = 1;
	measure(r, membar_one, NULL);
	uatomic_set(&membar_stop, 1);
	for (i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	(void)xcs_host_pin(-1);
}

/* The xcall modes, through the kernel API on the simulated machine. */
static void
bench_boot(unsigned int ncpus, enum xcs_idle idle)
{
	struct xcs_config cfg;

	xcs_config_init(&cfg);
	cfg.xc_ncpus = ncpus;
	cfg.xc_idle = idle;
	/*
	 * The trace costs a clock read and a ring write per event; the
	 * numbers are the machine's without it, unless XCALLSIM_TRACE
	 * asks for one.
	 */
	if (getenv("XCALLSIM_TRACE") == NULL)
		cfg.xc_trace_events = 0;
	if (xcs_boot(&cfg) != 0)
		errx(1, "%s", xcs_errstr());
}

/* Every run ends with nothing in flight: a lost xcall stops the bench. */
static void
bench_shutdown(void)
{
	if (xcs_quiesce(10000) != 0 || xcs_shutdown() != 0)
		errx(1, "%s", xcs_errstr());
}

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
	int		 m_unicast;
};

static const struct mode modes[] = {
	{ "self", xc_self, "-", "-", 0 },
	{ "async-spin", xc_async_spin, "sig-halt", "pingpong", 1 },
	{ "sync", xc_sync, "sig-futex", "sig-futex", 1 },
	{ "bcast-spin", xc_bcast_spin, "membarrier", "membarrier", 0 },
	{ "bcast-sleep", xc_bcast_sleep, "membarrier", "membarrier", 0 },
};

#define MODE_THROUGHPUT	nitems(modes)	/* its bit in mode_mask */

static unsigned int mode_mask = ~0U;	/* -m: the modes to run */

static void
xcall_run(struct result *r, const struct mode *m, unsigned int ncpus,
    enum xcs_idle idle)
{
	struct pattern_rec pr;
	unsigned int n;

	bench_boot(ncpus, idle);
	pattern_rec_init(&pr);
	r->r_mode = m->m_name;
	r->r_idle = idle == XCS_IDLE_POLL ? "poll" : "halt";
	r->r_ncpus = ncpus;
	r->r_floor = idle == XCS_IDLE_POLL ? m->m_floor_poll :
	    m->m_floor_halt;
	/* Halted targets are asleep when each iteration starts. */
	nsettle = 0;
	for (n = 1; idle == XCS_IDLE_HALT && n < ncpus; n++) {
		if (m->m_unicast && n != 1)
			continue;
		while ((settle_tids[nsettle] = xcs_cpu_host_tid(n)) <= 0)
			sched_yield();
		nsettle++;
	}
	measure(r, m->m_one, &pr);
	nsettle = 0;
	bench_shutdown();
}

/*
 * A polled handoff costs what the host makes a cache-line transfer
 * cost, and on a shared host that changes within a second: the pingpong
 * p50 has read 80 ns and 420 ns in runs seconds apart, probably as the
 * host moves the two threads between cores.  So the polling async-spin
 * row is measured in chunks that alternate with a pingpong between the
 * same two CPU threads (cpu1 answering from a job, no xcall involved),
 * and its ratio is to that pingpong, taken under the same conditions.
 */
#define PAIR_CHUNKS	20

static unsigned int pp_ball;	/* [a] 1: ping, 2: pong */
static unsigned int pp_stop;	/* [a] ends the responder job */

static void
pp_responder(void *arg)
{
	while (!uatomic_read(&pp_stop)) {
		if (uatomic_read(&pp_ball) == 1)
			uatomic_set(&pp_ball, 2);
		caa_cpu_relax();
	}
}

static void
pp_ping(void *arg)
{
	uatomic_set(&pp_ball, 1);
	while (uatomic_read(&pp_ball) != 2)
		caa_cpu_relax();
}

static void
paired_run(struct result *fr, struct result *r, const struct mode *m)
{
	struct pattern_rec pr;
	unsigned int c, per = MAX(iterations / PAIR_CHUNKS, 1);

	bench_boot(2, XCS_IDLE_POLL);
	pattern_rec_init(&pr);
	time_into(NULL, warmup, m->m_one, &pr);
	for (c = 0; c < PAIR_CHUNKS; c++) {
		uatomic_set(&pp_stop, 0);
		if (xcs_cpu_start(1, pp_responder, NULL) != 0)
			errx(1, "%s", xcs_errstr());
		/* The first round trip waits for the job to start. */
		time_into(NULL, 1, pp_ping, NULL);
		time_into(floor_samples + c * per, per, pp_ping, NULL);
		uatomic_set(&pp_stop, 1);
		if (xcs_cpu_join(1) != 0)
			errx(1, "%s", xcs_errstr());
		time_into(NULL, 1, m->m_one, &pr);
		time_into(samples + c * per, per, m->m_one, &pr);
	}
	bench_shutdown();

	fr->r_mode = "pingpong";
	fr->r_idle = "poll";
	fr->r_ncpus = 2;
	fr->r_floor = "-";
	fr->r_is_floor = 1;
	summarize(fr, floor_samples, per * PAIR_CHUNKS);
	r->r_mode = m->m_name;
	r->r_idle = "poll";
	r->r_ncpus = 2;
	r->r_floor = "pingpong";
	r->r_floorp = fr;
	summarize(r, samples, per * PAIR_CHUNKS);
}

/*
 * Throughput: k senders post fire-and-forget xcalls to cpu0 for a fixed
 * time, each cycling through its own xcalls and reusing one only after
 * it ran.  cpu0 waits in xcs_cpu_join, taking the IPIs.
 */
#define TP_XCALLS	8

struct tp_sender {
	struct xcall	ts_xc[TP_XCALLS];
	unsigned int	ts_busy[TP_XCALLS];	/* [a] posted, not run */
	unsigned int	ts_stop;		/* [a] */
};

static void
tp_fn(void *arg)
{
	atomic_store_int(arg, 0);
}

static void
tp_sender(void *arg)
{
	struct tp_sender *ts = arg;
	unsigned int i;

	for (i = 0; !atomic_load_int(&ts->ts_stop); i = (i + 1) % TP_XCALLS) {
		while (atomic_load_int(&ts->ts_busy[i]) != 0)
			CPU_BUSY_CYCLE();
		atomic_store_int(&ts->ts_busy[i], 1);
		cpu_xcall_set(&ts->ts_xc[i], tp_fn, &ts->ts_busy[i]);
		cpu_xcall(xcs_cpu(0), &ts->ts_xc[i]);
	}
}

static unsigned int tp_ms = 300;

static void
throughput_run(struct result *r, unsigned int ncpus, unsigned int k,
    enum xcs_idle idle)
{
	struct tp_sender *ts;
	struct xcs_stats before, after;
	uint64_t t0, t1, xcalls, ipis;
	unsigned int n;

	bench_boot(ncpus, idle);
	if ((ts = calloc(k + 1, sizeof(*ts))) == NULL)
		err(1, NULL);
	xcs_stats_total(&before);
	t0 = now_ns();
	for (n = 1; n <= k; n++)
		if (xcs_cpu_start(n, tp_sender, &ts[n]) != 0)
			errx(1, "%s", xcs_errstr());
	/* Time the run on cpu0 by spinning, taking its IPIs. */
	while (now_ns() - t0 < (uint64_t)tp_ms * 1000000)
		CPU_BUSY_CYCLE();
	for (n = 1; n <= k; n++)
		atomic_store_int(&ts[n].ts_stop, 1);
	for (n = 1; n <= k; n++)
		xcs_cpu_join(n);
	t1 = now_ns();
	if (xcs_quiesce(10000) != 0)
		errx(1, "%s", xcs_errstr());
	xcs_stats_total(&after);
	xcalls = after.xs_received - before.xs_received;
	ipis = after.xs_ipi_sent - before.xs_ipi_sent;
	memset(r, 0, sizeof(*r));
	r->r_mode = k == 1 ? "throughput-1" : "throughput-k";
	r->r_idle = idle == XCS_IDLE_POLL ? "poll" : "halt";
	r->r_ncpus = ncpus;
	r->r_floor = "-";
	r->r_count = xcalls;
	r->r_xcalls_per_s = xcalls / ((t1 - t0) / 1e9);
	r->r_xcalls_per_ipi = ipis ? (double)xcalls / ipis : 0;
	r->r_xcalls_per_dispatch = after.xs_dispatch_runs !=
	    before.xs_dispatch_runs ? (double)xcalls /
	    (after.xs_dispatch_runs - before.xs_dispatch_runs) : 0;
	r->r_spins_per_xcall = xcalls ? (double)(after.xs_slot_full_spins -
	    before.xs_slot_full_spins) / xcalls : 0;
	free(ts);
	bench_shutdown();
}

/* 256 CPUs: boot, one bcast-sleep, shut down. */
static double
boot256_ms(void)
{
	struct pattern_rec pr;
	uint64_t t0;

	t0 = now_ns();
	bench_boot(256, XCS_IDLE_HALT);
	pattern_rec_init(&pr);
	pattern_bcast_sleep(&pr);
	bench_shutdown();
	return ((now_ns() - t0) / 1e6);
}

static struct result results[256];
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
print_row(const struct result *r)
{
	const struct result *f = r->r_floorp != NULL ? r->r_floorp :
	    find(r->r_floor);
	double ratio = f != NULL ? (double)r->r_pct[0] / f->r_pct[0] : 0;
	int tp = strncmp(r->r_mode, "throughput", 10) == 0;

	if (json && tp) {
		printf("{\"mode\":\"%s\",\"idle\":\"%s\",\"ncpus\":%u,"
		    "\"count\":%zu,\"xcalls_per_s\":%.0f,"
		    "\"xcalls_per_ipi\":%.2f,\"spins_per_xcall\":%.3f,"
		    "\"xcalls_per_dispatch\":%.2f}\n",
		    r->r_mode, r->r_idle, r->r_ncpus, r->r_count,
		    r->r_xcalls_per_s, r->r_xcalls_per_ipi,
		    r->r_spins_per_xcall, r->r_xcalls_per_dispatch);
	} else if (json) {
		printf("{\"mode\":\"%s\",\"idle\":\"%s\",\"ncpus\":%u,"
		    "\"count\":%zu,\"p50_ns\":%llu,\"p90_ns\":%llu,"
		    "\"p99_ns\":%llu,\"p999_ns\":%llu,\"max_ns\":%llu,",
		    r->r_mode, r->r_idle, r->r_ncpus, r->r_count,
		    (unsigned long long)r->r_pct[0],
		    (unsigned long long)r->r_pct[1],
		    (unsigned long long)r->r_pct[2],
		    (unsigned long long)r->r_pct[3],
		    (unsigned long long)r->r_pct[4]);
		/* A row with no floor has none: null, not 0. */
		if (f != NULL)
			printf("\"floor\":\"%s\",\"floor_p50_ns\":%llu,"
			    "\"ratio\":%.2f}\n", r->r_floor,
			    (unsigned long long)f->r_pct[0], ratio);
		else
			printf("\"floor\":null,\"floor_p50_ns\":null,"
			    "\"ratio\":null}\n");
	} else if (csv) {
		printf("%s,%s,%u,%zu,%llu,%llu,%llu,%llu,%llu,%s,%llu,%.2f,"
		    "%.0f,%.2f,%.3f,%.2f\n", r->r_mode, r->r_idle, r->r_ncpus,
		    r->r_count, (unsigned long long)r->r_pct[0],
		    (unsigned long long)r->r_pct[1],
		    (unsigned long long)r->r_pct[2],
		    (unsigned long long)r->r_pct[3],
		    (unsigned long long)r->r_pct[4], r->r_floor,
		    f != NULL ? (unsigned long long)f->r_pct[0] : 0, ratio,
		    r->r_xcalls_per_s, r->r_xcalls_per_ipi,
		    r->r_spins_per_xcall, r->r_xcalls_per_dispatch);
	} else if (tp) {
		printf("%-12s %-4s %5u %8zu  %.0f xcalls/s, %.2f per IPI, "
		    "%.2f per dispatch, %.3f slot-full spins each\n",
		    r->r_mode, r->r_idle, r->r_ncpus, r->r_count,
		    r->r_xcalls_per_s, r->r_xcalls_per_ipi,
		    r->r_xcalls_per_dispatch, r->r_spins_per_xcall);
	} else {
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

static void
print_results(void)
{
	size_t i;

	if (csv)
		printf("mode,idle,ncpus,count,p50_ns,p90_ns,p99_ns,p999_ns,"
		    "max_ns,floor,floor_p50_ns,ratio,xcalls_per_s,"
		    "xcalls_per_ipi,spins_per_xcall,xcalls_per_dispatch\n");
	else if (!json)
		printf("%-12s %-4s %5s %8s %9s %9s %9s %9s %9s  %-11s %s\n",
		    "mode", "idle", "ncpus", "count", "p50_ns", "p90_ns",
		    "p99_ns", "p999_ns", "max_ns", "floor", "ratio");
	for (i = 0; i < nresults; i++)
		print_row(&results[i]);
}

static const struct result *
find_row(const char *mode, const char *idle, unsigned int ncpus)
{
	size_t i;

	for (i = 0; i < nresults; i++) {
		if (strcmp(results[i].r_mode, mode) == 0 &&
		    strcmp(results[i].r_idle, idle) == 0 &&
		    (ncpus == 0 || results[i].r_ncpus == ncpus))
			return (&results[i]);
	}
	return (NULL);
}

/*
 * Why this run's ratios cannot be judged, or NULL: a busy host, or a
 * floor that reads implausibly (see host_check).
 */
static const char *unreliable;

static void
target(const char *what, double got, double limit, int le)
{
	const char *met = (le ? got <= limit : got >= limit) ? "met" :
	    "MISSED";

	/* A ratio of 0 means a row it needs was not run (-m, -I, -n). */
	if (got <= 0) {
		if (json)
			printf("{\"target\":\"%s\",\"measured\":null,"
			    "\"limit\":%.2f,\"met\":null}\n", what, limit);
		else if (!csv)
			printf("  %-52s %7s    %-5s not run\n", what, "-", "");
		return;
	}
	if (json && unreliable != NULL)
		printf("{\"target\":\"%s\",\"measured\":%.2f,"
		    "\"limit\":%.2f,\"met\":null,\"unreliable\":\"%s\"}\n",
		    what, got, limit, unreliable);
	else if (json)
		printf("{\"target\":\"%s\",\"measured\":%.2f,"
		    "\"limit\":%.2f,\"met\":%s}\n", what, got, limit,
		    *met == 'm' ? "true" : "false");
	else if (!csv)
		printf("  %-52s %7.2f %s %-5.2f %s\n", what, got,
		    le ? "<=" : ">=", limit, unreliable != NULL ?
		    "unreliable" : met);
}

/* A property of the MI protocol: compared by xcall_ab, not a target. */
static void
property(const char *what, double got)
{
	if (json)
		printf(got > 0 ? "{\"property\":\"%s\",\"measured\":%.2f}\n" :
		    "{\"property\":\"%s\",\"measured\":null}\n", what, got);
	else if (!csv && got > 0)
		printf("  %-52s %7.2f\n", what, got);
	else if (!csv)
		printf("  %-52s %7s    not run\n", what, "-");
}

/*
 * Whether the host let this run measure anything: not busy with other
 * work when it started, and the membarrier floor (an IPI to every core)
 * no cheaper than half a signal round trip, which it is only when it
 * sent no IPI at all.
 */
static void
host_check(double load, unsigned int cores)
{
	static char why[160];
	const struct result *memb = find_row("membarrier", "-", 0);
	const struct result *sig = find_row("sig-spin", "-", 0);

	if (load > cores) {
		snprintf(why, sizeof(why), "the host was busy: load average "
		    "%.2f on %u cores before the run", load, cores);
		unreliable = why;
	} else if (memb != NULL && sig != NULL &&
	    memb->r_pct[0] * 2 < sig->r_pct[0]) {
		snprintf(why, sizeof(why), "the membarrier floor (%llu ns) "
		    "is below half a signal round trip (%llu ns): it sent no "
		    "IPI, the host was busy",
		    (unsigned long long)memb->r_pct[0],
		    (unsigned long long)sig->r_pct[0]);
		unreliable = why;
	}
}

static double
p50_ratio(const struct result *a, const struct result *b)
{
	if (a == NULL || b == NULL || b->r_pct[0] == 0)
		return (0);
	return ((double)a->r_pct[0] / b->r_pct[0]);
}

/* The targets, from this run's numbers. */
static void
print_targets(unsigned int cores, double boot_ms)
{
	const struct result *tp;

	if (!json && !csv)
		printf("\ntargets (ratios of p50s from this run)\n");
	target("sync (halt) / sig-futex", p50_ratio(find_row("sync", "halt",
	    2), find_row("sig-futex", "-", 0)), 1.3, 1);
	target("async-spin (halt) / sig-halt", p50_ratio(find_row(
	    "async-spin", "halt", 2), find_row("sig-halt", "-", 0)), 1.2, 1);
	target("async-spin (poll) / pingpong (interleaved)", p50_ratio(
	    find_row("async-spin", "poll", 2), find_row("pingpong", "poll",
	    2)), 3, 1);
	target("bcast-spin (halt, N = cores) / membarrier", p50_ratio(
	    find_row("bcast-spin", "halt", cores), find_row("membarrier",
	    "-", 0)), 2, 1);
	if (boot_ms > 0)
		target("256 CPUs: boot + bcast-sleep + shutdown, ms", boot_ms,
		    1000, 1);
	if (unreliable != NULL && !json && !csv)
		printf("  unreliable: %s\n", unreliable);

	/* What the MI protocol does, not what the simulator costs. */
	if (!json && !csv)
		printf("\nproperties of the MI protocol (compare them with "
		    "xcall_ab)\n");
	tp = find_row("throughput-k", "halt", 0);
	property("throughput (halt, saturated): xcalls per IPI",
	    tp != NULL ? tp->r_xcalls_per_ipi : 0);
	property("mailbox / sync (halt)", p50_ratio(find_row("mailbox", "-",
	    0), find_row("sync", "halt", 2)));
	property("mailbox / sync (poll)", p50_ratio(find_row("mailbox", "-",
	    0), find_row("sync", "poll", 2)));
}

/*
 * The plot: for each idle mode that ran, a panel with the latency CDF of
 * every 2-CPU xcall mode (solid) and of every floor (dashed), on a log
 * latency axis cut at the largest p99.9.  Written as SVG directly, so
 * it needs no plotting package.
 */
#define PANEL_W		720
#define PANEL_H		400
#define AREA_X		70	/* the plot area inside a panel */
#define AREA_Y		40
#define AREA_W		330
#define AREA_H		300

static const char *const plot_colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
	"#e377c2", "#7f7f7f", "#17becf", "#bcbd22", "#000000", "#aec7e8",
};

static int
plotted(const struct result *r, const char *idle)
{
	if (r->r_count == 0 || strncmp(r->r_mode, "throughput", 10) == 0)
		return (0);
	if (strcmp(r->r_idle, "-") == 0)
		return (1);
	return (strcmp(r->r_idle, idle) == 0 && r->r_ncpus == 2);
}

static double
plot_x(uint64_t ns, double lo, double hi)
{
	double lg = log10(ns > 0 ? (double)ns : 1);

	lg = MIN(MAX(lg, lo), hi);
	return (AREA_X + (lg - lo) / (hi - lo) * AREA_W);
}

static void
plot_axes(FILE *f, double lo, double hi, const char *title)
{
	static const char *const units[] = { "ns", "µs", "ms", "s" };
	double x, y;
	int d;

	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>\n",
	    AREA_X, title);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "fill=\"none\" stroke=\"#444\"/>\n", AREA_X, AREA_Y, AREA_W,
	    AREA_H);
	for (d = (int)lo; d <= (int)hi; d++) {
		x = AREA_X + (d - lo) / (hi - lo) * AREA_W;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		    "stroke=\"#ddd\"/>\n<text x=\"%.1f\" y=\"%d\" "
		    "font-size=\"11\" text-anchor=\"middle\">%d %s</text>\n",
		    x, AREA_Y, x, AREA_Y + AREA_H, x, AREA_Y + AREA_H + 16,
		    d % 3 == 0 ? 1 : d % 3 == 1 ? 10 : 100,
		    units[MIN(d / 3, 3)]);
	}
	for (d = 0; d <= 4; d++) {
		y = AREA_Y + AREA_H - d * AREA_H / 4.0;
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
		    "font-size=\"11\" text-anchor=\"end\">%.2f</text>\n",
		    AREA_X, y, AREA_X + AREA_W, y, AREA_X - 6, y + 4,
		    d / 4.0);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
	    "text-anchor=\"middle\">latency (log scale)</text>\n",
	    AREA_X + AREA_W / 2, AREA_Y + AREA_H + 34);
}

static void
plot_line(FILE *f, const struct result *r, double lo, double hi,
    const char *color, int legend)
{
	int dashed = r->r_is_floor, i;
	double ly = AREA_Y + 10 + legend * 18;

	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\""
	    "%s points=\"", color, dashed ? " stroke-dasharray=\"5,3\"" : "");
	for (i = 0; i < CDF_POINTS; i++)
		fprintf(f, "%.1f,%.1f ", plot_x(r->r_cdf[i], lo, hi),
		    AREA_Y + AREA_H - (double)i / (CDF_POINTS - 1) * AREA_H);
	fprintf(f, "\"/>\n");
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
	    "stroke=\"%s\" stroke-width=\"2\"%s/>\n<text x=\"%d\" y=\"%.1f\" "
	    "font-size=\"12\">%s%s (p50 %llu ns)</text>\n",
	    AREA_X + AREA_W + 12, ly, AREA_X + AREA_W + 36, ly, color,
	    dashed ? " stroke-dasharray=\"5,3\"" : "", AREA_X + AREA_W + 42,
	    ly + 4, r->r_mode, !dashed ? "" : strcmp(r->r_idle, "-") == 0 ?
	    " (floor)" : " (floor, interleaved)",
	    (unsigned long long)r->r_pct[0]);
}

static void
plot_panel(FILE *f, const char *idle, const char *title, int col)
{
	double lo = 1e300, hi = 0;
	size_t i;
	int n = 0;

	for (i = 0; i < nresults; i++) {
		if (!plotted(&results[i], idle))
			continue;
		lo = MIN(lo, log10(MAX(results[i].r_cdf[0], 1)));
		hi = MAX(hi, log10(MAX(results[i].r_pct[3], 1)));
	}
	lo = floor(lo);
	hi = MAX(ceil(hi), lo + 1);
	fprintf(f, "<g transform=\"translate(%d,0)\">\n", col * PANEL_W);
	plot_axes(f, lo, hi, title);
	for (i = 0; i < nresults; i++) {
		if (!plotted(&results[i], idle))
			continue;
		plot_line(f, &results[i], lo, hi,
		    plot_colors[n % nitems(plot_colors)], n);
		n++;
	}
	fprintf(f, "</g>\n");
}

static void
plot_svg(FILE *f)
{
	int halt = 0, poll = 0, col = 0;
	size_t i;

	/* A panel for each idle mode some plotted xcall row ran in. */
	for (i = 0; i < nresults; i++) {
		halt |= plotted(&results[i], "halt") &&
		    !results[i].r_is_floor &&
		    strcmp(results[i].r_idle, "halt") == 0;
		poll |= plotted(&results[i], "poll") &&
		    !results[i].r_is_floor &&
		    strcmp(results[i].r_idle, "poll") == 0;
	}

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" font-family=\"sans-serif\">\n<rect width=\"100%%\" "
	    "height=\"100%%\" fill=\"white\"/>\n",
	    PANEL_W * MAX(halt + poll, 1), PANEL_H);
	if (halt)
		plot_panel(f, "halt", "xcall latency CDF, 2 CPUs, idle halted",
		    col++);
	if (poll)
		plot_panel(f, "poll", "xcall latency CDF, 2 CPUs, idle polling",
		    col++);
	fprintf(f, "</svg>\n");
}

static void __attribute__((__noreturn__))
usage(int status)
{
	fprintf(stderr, "usage: xcall_latency [-Bchj] [-I halt | poll | both] "
	    "[-i iterations]\n"
	    "                     [-m mode[,mode...]] [-n ncpus[,ncpus...]] "
	    "[-P cdf.svg]\n"
	    "                     [-t throughput_ms] [-w warmup]\n"
	    "modes: self async-spin sync bcast-spin bcast-sleep throughput\n");
	exit(status);
}

static unsigned int
parse_modes(char *list)
{
	unsigned int mask = 0;
	size_t m;
	char *tok;

	while ((tok = strsep(&list, ",")) != NULL) {
		for (m = 0; m < nitems(modes); m++)
			if (strcmp(tok, modes[m].m_name) == 0)
				break;
		if (m == nitems(modes) && strcmp(tok, "throughput") != 0)
			errx(1, "-m %s: unknown mode", tok);
		mask |= 1U << m;
	}
	return (mask);
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

static struct result *
next_result(void)
{
	if (nresults == nitems(results))
		errx(1, "too many rows");
	return (&results[nresults++]);
}

/* Latency iterations scale down with the CPUs a broadcast touches. */
static void
xcall_modes(unsigned int ncpus, enum xcs_idle idle, int first)
{
	unsigned int saved = iterations, savedw = warmup;
	struct result *fr;
	size_t m;

	for (m = 0; m < nitems(modes); m++) {
		if ((mode_mask & (1U << m)) == 0)
			continue;
		if (!first && modes[m].m_unicast == 1)
			continue;
		if (!first && strcmp(modes[m].m_name, "self") == 0)
			continue;
		if (!modes[m].m_unicast && ncpus > 8) {
			iterations = MAX(100, saved * 8 / ncpus);
			warmup = MIN(savedw, iterations);
		}
		if (first && idle == XCS_IDLE_POLL &&
		    strcmp(modes[m].m_name, "async-spin") == 0) {
			fr = next_result();
			paired_run(fr, next_result(), &modes[m]);
		} else
			xcall_run(next_result(), &modes[m], ncpus, idle);
		iterations = saved;
		warmup = savedw;
	}
}

/* What the command line asks for, besides the globals it sets. */
struct options {
	unsigned int	 o_ncpus[16];	/* -n: the broadcasts' CPU counts */
	unsigned int	 o_nn;
	char		*o_plot;	/* -P: the CDF plot's file */
	int		 o_boot256;	/* no -B: time a 256-CPU boot */
	int		 o_idle_first;	/* -I: the idle modes to run */
	int		 o_idle_last;
};

static void
parse_options(int argc, char *argv[], struct options *o)
{
	static const unsigned int ncpus[] = { 2, 4, 8, 64, 256 };
	char *list, *tok;
	int ch;

	memset(o, 0, sizeof(*o));
	memcpy(o->o_ncpus, ncpus, sizeof(ncpus));
	o->o_nn = nitems(ncpus);
	o->o_boot256 = 1;
	o->o_idle_first = XCS_IDLE_HALT;
	o->o_idle_last = XCS_IDLE_POLL;
	while ((ch = getopt(argc, argv, "BchI:i:jm:n:P:t:w:")) != -1) {
		switch (ch) {
		case 'B':
			o->o_boot256 = 0;
			break;
		case 'c':
			csv = 1;
			break;
		case 'I':
			if (strcmp(optarg, "halt") == 0)
				o->o_idle_last = XCS_IDLE_HALT;
			else if (strcmp(optarg, "poll") == 0)
				o->o_idle_first = XCS_IDLE_POLL;
			else if (strcmp(optarg, "both") != 0)
				errx(1, "-I %s: want halt, poll or both",
				    optarg);
			break;
		case 'm':
			mode_mask = parse_modes(optarg);
			break;
		case 'P':
			o->o_plot = optarg;
			break;
		case 'i':
			iterations = number(optarg, "-i", 100, 10000000);
			break;
		case 'j':
			json = 1;
			break;
		case 'n':
			o->o_nn = 0;
			list = optarg;
			while ((tok = strsep(&list, ",")) != NULL) {
				if (o->o_nn == nitems(o->o_ncpus))
					errx(1, "-n: at most %zu counts",
					    nitems(o->o_ncpus));
				o->o_ncpus[o->o_nn++] = number(tok, "-n", 2,
				    256);
			}
			break;
		case 't':
			tp_ms = number(optarg, "-t", 10, 600000);
			break;
		case 'w':
			warmup = number(optarg, "-w", 0, 10000000);
			break;
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	if (json && csv)
		errx(1, "-c and -j: choose one output format");
}

int
main(int argc, char *argv[])
{
	static const char *const floor_names[] = {
		"pingpong", "sig-spin", "sig-halt", "sig-futex", "futex-wake",
		"mailbox"
	};
	struct options o;
	unsigned int i, f, cores;
	double boot_ms = 0, load;
	FILE *plotf = NULL;
	int idle;

	parse_options(argc, argv, &o);
	/* Open the plot first: a bad path fails before minutes of work. */
	if (o.o_plot != NULL && (plotf = fopen(o.o_plot, "w")) == NULL)
		err(1, "%s", o.o_plot);
	if ((samples = calloc(iterations, sizeof(*samples))) == NULL ||
	    (floor_samples = calloc(iterations, sizeof(*samples))) == NULL)
		err(1, NULL);
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (getloadavg(&load, 1) != 1)
		load = 0;

	for (f = 0; f < nitems(floor_names); f++)
		floor_run(next_result(), f, floor_names[f]);
	floor_membarrier(cores > 1 ? cores - 1 : 1);
	for (idle = o.o_idle_first; idle <= o.o_idle_last; idle++) {
		xcall_modes(2, idle, 1);
		for (i = 0; i < o.o_nn; i++) {
			if (o.o_ncpus[i] != 2 && (idle == XCS_IDLE_HALT ||
			    o.o_ncpus[i] <= cores * 4))
				xcall_modes(o.o_ncpus[i], idle, 0);
		}
		if ((mode_mask & (1U << MODE_THROUGHPUT)) == 0)
			continue;
		throughput_run(next_result(), 2, 1, idle);
		if (cores + 1 > 2)
			throughput_run(next_result(), cores + 1, cores, idle);
	}
	if (o.o_boot256)
		boot_ms = boot256_ms();
	host_check(load, cores);
	print_results();
	if (settle_unknown && !json && !csv)
		printf("# halted rows: the %s host layer cannot tell whether "
		    "a thread sleeps, so an iteration may wake one still on "
		    "its way to sleep\n", xcs_host_name);
	/* host_portable.c: its waits poll, so halted rows time its naps. */
	if (strcmp(xcs_host_name, "portable") == 0 && !json && !csv)
		printf("# halted rows: the portable host layer's halted CPUs "
		    "poll with naps of up to 1 ms, which these rows time\n");
	print_targets(cores, boot_ms);
	if (plotf != NULL) {
		plot_svg(plotf);
		if (fclose(plotf) != 0)
			err(1, "%s", o.o_plot);
	}
	return (0);
}
