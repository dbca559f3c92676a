/*	xcallsim: tests/xcall_torture.c, scftorture for cpu_xcall(9)	*/

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
 * Every simulated CPU runs a worker in process context that picks, by
 * weight, one way of using cpu_xcall(9) after another.  Every xcall
 * carries a sequence number and a payload; its callback checks where and
 * how it runs, and every waiter checks what it sees when it returns.
 * Failures are counted by kind; the run ends with one line, SUCCESS or
 * FAILURE, and the exit status follows it.
 *
 * Posts that spin at a raised IPL (from an xcall function, or under
 * splraise) go only to a higher-numbered CPU.  Two CPUs above
 * IPL_SOFTCLOCK that post to each other while both are full can never
 * make progress, in a real kernel as here; ordering the CPUs is the
 * discipline that keeps the wait-for graph acyclic.
 *
 * Fields marked [a] are only read and written with atomics, because
 * other CPUs and the IPI handler read them; the atomics order nothing
 * by themselves: each membar_* next to one says what it orders.
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
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xcallsim.h"

#define PAYLOAD		4	/* words checked across each handoff */
#define POOL		32	/* async xcalls in flight per worker */
#define WAIT_MS		60000	/* bound on the last quiesce */
#define LONG_SPIN	20000	/* CPU_BUSY_CYCLEs of a rare long callback */

enum op {
	OP_ASYNC,		/* cpu_xcall to another CPU */
	OP_SYNC,		/* cpu_xcall_sync to another CPU */
	OP_BCAST_REFCNT,	/* to every CPU, refcnt_finalize */
	OP_BCAST_SPIN,		/* to every CPU, spin on a counter */
	OP_SELF,		/* cpu_xcall to curcpu() */
	OP_INTR,		/* the callback posts to a third CPU */
	OP_RAISED,		/* posted under splraise */
	OP_REPOST,		/* the callback posts itself once more */
	NOPS
};

static const char *const op_names[NOPS] = {
	"async", "sync", "bcast-refcnt", "bcast-spin", "self", "intr",
	"raised", "repost",
};

enum failure {
	F_LOST,			/* an xcall that never ran */
	F_DOUBLED,		/* ran more often than posted */
	F_WRONG_CPU,		/* ran on a CPU it was not posted to */
	F_WRONG_IPL,		/* not at IPL_SOFTCLOCK */
	F_NOT_INTR,		/* a remote xcall outside interrupt context */
	F_STALE_POST,		/* callback missed a store made before post */
	F_STALE_WAIT,		/* waiter missed a store the callback made */
	F_EARLY,		/* waiter returned before a callback finished */
	F_END_STATE,		/* a CPU not quiet at the end */
	F_COUNTERS,		/* the machine's counters do not add up */
	F_LEAK,			/* threads, fds or memory left behind */
	F_PANIC,		/* the kernel panicked */
	NFAILURES
};

static const char *const failure_names[NFAILURES] = {
	"lost", "doubled", "wrong-cpu", "wrong-ipl", "not-intr",
	"stale-post", "stale-wait", "early", "end-state", "counters", "leak",
	"panic",
};

struct options {
	unsigned int	o_ncpus;
	uint64_t	o_xcalls;	/* stop after this many, or ... */
	unsigned int	o_seconds;	/* ... after this long */
	unsigned int	o_weights[NOPS];
	unsigned long	o_seed;
	enum xcs_idle	o_idle;
	unsigned int	o_stats;	/* seconds between reports; 0 none */
	unsigned int	o_hang;		/* seconds without progress: hung */
	uint64_t	o_replay_first;	/* -r: these seeds, or 0 */
	uint64_t	o_replay_last;
	unsigned int	o_replay_depth;	/* ... at this PCT depth */
	unsigned int	o_replay_steps;	/* ... and steps, or 0 */
	int		o_keep_going;	/* -k: past a bad seed */
	unsigned int	o_trace_tail;	/* -T: events on failure */
};

struct entry;

/* One posted xcall and what its runs must see. */
struct rec {
	struct xcall	 r_xc;
	struct entry	*r_entry;
	unsigned long	 r_seq;
	unsigned long	 r_payload[PAYLOAD];
	unsigned int	 r_poster[2];	/* who posted run 1 and run 2 */
	unsigned int	 r_target[2];	/* where run 1 and run 2 go */
	unsigned int	 r_expect;	/* runs this xcall must have */
	unsigned int	 r_runs;	/* [a] */
};

/*
 * An async operation: the xcall its worker posts and the one the
 * callback posts for OP_INTR.  It is reused once every callback it
 * expects has finished.
 */
struct entry {
	struct rec	 e_outer;
	struct rec	 e_inner;
	enum op		 e_op;
	unsigned int	 e_spin;	/* busy-wait in the outer callback */
	unsigned int	 e_expect;	/* callbacks of the whole entry */
	unsigned int	 e_finished;	/* [a] */
};

/* A sync call: lives on its caller's stack. */
struct sync_call {
	unsigned long	 sc_seq;
	unsigned long	 sc_payload[PAYLOAD];
	unsigned long	 sc_result[PAYLOAD];
	unsigned int	 sc_poster;
	unsigned int	 sc_target;
	unsigned int	 sc_spin;
	unsigned int	 sc_runs;	/* [a] */
	unsigned int	 sc_finished;	/* [a] */
};

/* A broadcast, one xcall queued on every CPU at once. */
struct bcast {
	struct xcall	 b_xc;
	struct refcnt	 b_refs;
	unsigned long	 b_seq;
	unsigned long	 b_payload[PAYLOAD];
	unsigned int	 b_poster;
	unsigned int	 b_spin;
	unsigned int	 b_done;	/* [a] callbacks, for OP_BCAST_SPIN */
	int		 b_refcnt;	/* OP_BCAST_REFCNT, else counter */
	unsigned int	 b_runs[MAXCPUS];	/* [a] */
	unsigned int	 b_finished[MAXCPUS];	/* [a] */
	unsigned long	 b_result[MAXCPUS];
};

struct worker {
	unsigned int	 w_cpu;
	uint64_t	 w_rng;
	uint64_t	 w_quota;	/* xcalls to post, 0: until stopped */
	unsigned long	 w_xcalls;	/* [a] posted so far, read by cpu0 */
	unsigned long	 w_ops[NOPS];
	unsigned long	 w_seq;
	int		 w_hung;	/* a wait ran out of time */
	struct entry	 w_pool[POOL];
	unsigned int	 w_next;
	struct bcast	 w_bcast;
};

static struct options opts;
static struct worker *workers;
static unsigned int weight_total;
static unsigned int stop;		/* [a] the workers should finish */
static unsigned int finished;		/* [a] the workers have */
static unsigned long remote_posts;	/* [a] posts to another CPU */
/*
 * The hang detector reads the workers' counts while a replay sweep
 * resets them between runs: the reset and its reads take this lock.
 */
static pthread_mutex_t workers_mtx = PTHREAD_MUTEX_INITIALIZER;
static unsigned int failures[NFAILURES];	/* [a] */
static unsigned int unsent_seen;	/* [a] the watchdog saw one */
static char unsent_report[512];		/* its report, for the verdict */

/*
 * The first failure, for the report: recorded with atomics only, since
 * callbacks run in the IPI signal handler.
 */
static unsigned int first_claimed;	/* [a] */
static unsigned int first_kind, first_cpu, first_target, first_poster;
static unsigned long first_seq;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* splitmix64: seeds each CPU's stream from the run's seed. */
static uint64_t
splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31));
}

/* xorshift64*: each worker's own choices, the same for the same seed. */
static unsigned int
rnd(struct worker *w, unsigned int bound)
{
	w->w_rng ^= w->w_rng >> 12;
	w->w_rng ^= w->w_rng << 25;
	w->w_rng ^= w->w_rng >> 27;
	return ((w->w_rng * 0x2545f4914f6cdd1dULL) >> 33) % bound;
}

static unsigned long
payload_word(unsigned long seq, unsigned int i)
{
	return (seq * 0x9e3779b97f4a7c15UL + i);
}

static void
failed_on(unsigned int cpu, enum failure f, unsigned int target,
    unsigned int poster, unsigned long seq)
{
	atomic_inc_int(&failures[f]);
	/* The swap makes one failure the first; the fields are its own. */
	if (atomic_swap_uint(&first_claimed, 1) != 0)
		return;
	first_kind = f;
	first_cpu = cpu;
	first_target = target;
	first_poster = poster;
	first_seq = seq;
}

/* A failure seen by the CPU running this code. */
static void
failed(enum failure f, unsigned int target, unsigned int poster,
    unsigned long seq)
{
	failed_on(cpu_number(), f, target, poster, seq);
}

/*
 * Where and how an xcall runs: on its target; posted from another CPU,
 * at IPL_SOFTCLOCK in interrupt context; called directly by its own CPU,
 * at IPL_SOFTCLOCK or the caller's higher level.
 */
static void
check_context(unsigned int target, unsigned int poster, unsigned long seq)
{
	struct cpu_info *ci = curcpu();

	if (ci->ci_cpuid != target)
		failed(F_WRONG_CPU, target, poster, seq);
	if (poster != ci->ci_cpuid) {
		if (ci->ci_ilevel != IPL_SOFTCLOCK)
			failed(F_WRONG_IPL, target, poster, seq);
		if (ci->ci_idepth == 0)
			failed(F_NOT_INTR, target, poster, seq);
	} else if (ci->ci_ilevel < IPL_SOFTCLOCK)
		failed(F_WRONG_IPL, target, poster, seq);
}

static void
check_payload(const unsigned long *words, unsigned long seq,
    unsigned int target, unsigned int poster)
{
	unsigned int i;

	for (i = 0; i < PAYLOAD; i++) {
		if (words[i] != payload_word(seq, i)) {
			failed(F_STALE_POST, target, poster, seq);
			return;
		}
	}
}

static void
fill_payload(unsigned long *words, unsigned long seq)
{
	unsigned int i;

	for (i = 0; i < PAYLOAD; i++)
		words[i] = payload_word(seq, i);
}

static void
busy_wait(unsigned int spins)
{
	while (spins-- > 0)
		CPU_BUSY_CYCLE();
}

/* Mostly no busy-wait in a callback; sometimes short; rarely long. */
static unsigned int
pick_spin(struct worker *w)
{
	unsigned int r = rnd(w, 1000);

	if (r == 0)
		return (LONG_SPIN);
	if (r < 100)
		return (rnd(w, 200));
	return (0);
}

/* A CPU above this one, or this one if it is the last. */
static unsigned int
pick_higher(struct worker *w, unsigned int cpu)
{
	if (cpu + 1 >= opts.o_ncpus)
		return (cpu);
	return (cpu + 1 + rnd(w, opts.o_ncpus - cpu - 1));
}

static unsigned int
pick_other(struct worker *w)
{
	return ((w->w_cpu + 1 + rnd(w, opts.o_ncpus - 1)) % opts.o_ncpus);
}

static void
post(struct cpu_info *ci, struct xcall *xc)
{
	if (ci != curcpu())
		atomic_inc_long(&remote_posts);
	cpu_xcall(ci, xc);
}

static void	rec_fn(void *);

static void
rec_init(struct rec *r, struct entry *e)
{
	memset(r, 0, sizeof(*r));
	r->r_entry = e;
	cpu_xcall_set(&r->r_xc, rec_fn, r);
}

/*
 * The callback of every async xcall: check it, busy-wait, post what the
 * operation posts from interrupt context, then count itself finished.
 */
static void
rec_fn(void *arg)
{
	struct rec *r = arg;
	struct entry *e = r->r_entry;
	struct rec *in = &e->e_inner;
	unsigned int run, k;

	run = atomic_inc_int_nv(&r->r_runs);
	if (run > r->r_expect) {
		failed(F_DOUBLED, r->r_target[0], r->r_poster[0], r->r_seq);
		return;
	}
	k = run - 1;
	check_context(r->r_target[k], r->r_poster[k], r->r_seq);
	check_payload(r->r_payload, r->r_seq, r->r_target[k],
	    r->r_poster[k]);
	if (r == &e->e_outer && run == 1) {
		busy_wait(e->e_spin);
		if (e->e_op == OP_REPOST)
			post(xcs_cpu(r->r_target[1]), &r->r_xc);
		else if (e->e_op == OP_INTR) {
			in->r_seq = r->r_seq + 1;
			fill_payload(in->r_payload, in->r_seq);
			in->r_poster[0] = cpu_number();
			post(xcs_cpu(in->r_target[0]), &in->r_xc);
		}
	}
	/* Release: the worker may reuse the entry once it sees the count. */
	membar_exit();
	atomic_inc_int(&e->e_finished);
}

static int
entry_idle(struct entry *e)
{
	unsigned int n = atomic_load_int(&e->e_finished);

	/* Acquire: the callbacks' accesses come before our reuse. */
	membar_consumer();
	return (n == e->e_expect);
}

/*
 * Wait at IPL_NONE, taking this CPU's IPIs, until cond(arg); false after
 * the hang timeout (-H), which means something was lost.
 */
static int
wait_for(int (*cond)(void *), void *arg)
{
	uint64_t deadline = 0;
	unsigned int spins = 0;

	while (!cond(arg)) {
		CPU_BUSY_CYCLE();
		if (++spins % 1024 != 0)
			continue;
		if (deadline == 0)
			deadline = now_ms() + opts.o_hang * 1000ULL;
		else if (now_ms() > deadline)
			return (0);
	}
	return (1);
}

static int
entry_idle_cond(void *arg)
{
	return (entry_idle(arg));
}

/* The entry an async operation may use next, once it is idle. */
static struct entry *
entry_get(struct worker *w)
{
	struct entry *e = &w->w_pool[w->w_next];

	w->w_next = (w->w_next + 1) % POOL;
	if (!wait_for(entry_idle_cond, e)) {
		warnx("cpu%u: xcall seq %lu to cpu%u never finished "
		    "(%u of %u callbacks)", w->w_cpu, e->e_outer.r_seq,
		    e->e_outer.r_target[0], atomic_load_int(&e->e_finished),
		    e->e_expect);
		failed(F_LOST, e->e_outer.r_target[0], w->w_cpu,
		    e->e_outer.r_seq);
		w->w_hung = 1;
		return (NULL);
	}
	return (e);
}

/* The levels OP_RAISED posts at: every one that masks dispatch. */
static const int raised_ipls[] = {
	IPL_SOFTCLOCK, IPL_SOFTNET, IPL_BIO, IPL_NET, IPL_SOFTTTY, IPL_TTY,
	IPL_VM, IPL_AUDIO, IPL_CLOCK, IPL_HIGH,
};

/* Async, intr, raised and repost: post and do not wait. */
static unsigned int
op_async(struct worker *w, enum op op)
{
	struct entry *e;
	struct rec *r;
	unsigned int target, xcalls = 1;
	int s = IPL_NONE;

	if ((e = entry_get(w)) == NULL)
		return (0);
	e->e_op = op;
	e->e_spin = pick_spin(w);
	e->e_expect = 1;
	r = &e->e_outer;
	r->r_expect = 1;
	atomic_store_int(&r->r_runs, 0);
	atomic_store_int(&e->e_finished, 0);
	target = op == OP_RAISED ? pick_higher(w, w->w_cpu) : pick_other(w);
	r->r_seq = w->w_seq;
	w->w_seq += 2;
	fill_payload(r->r_payload, r->r_seq);
	r->r_poster[0] = w->w_cpu;
	r->r_target[0] = target;
	if (op == OP_REPOST || op == OP_INTR) {
		/* The callback posts at IPL_SOFTCLOCK: only upward. */
		e->e_expect = 2;
		xcalls = 2;
		if (op == OP_REPOST) {
			r->r_expect = 2;
			r->r_poster[1] = target;
			r->r_target[1] = pick_higher(w, target);
		} else {
			e->e_inner.r_expect = 1;
			atomic_store_int(&e->e_inner.r_runs, 0);
			e->e_inner.r_target[0] = pick_higher(w, target);
		}
	}
	if (op == OP_RAISED)
		s = splraise(raised_ipls[rnd(w, nitems(raised_ipls))]);
	post(xcs_cpu(target), &r->r_xc);
	if (op == OP_RAISED)
		splx(s);
	return (xcalls);
}

static void
sync_fn(void *arg)
{
	struct sync_call *sc = arg;
	unsigned int i;

	if (atomic_inc_int_nv(&sc->sc_runs) != 1)
		failed(F_DOUBLED, sc->sc_target, sc->sc_poster, sc->sc_seq);
	check_context(sc->sc_target, sc->sc_poster, sc->sc_seq);
	check_payload(sc->sc_payload, sc->sc_seq, sc->sc_target,
	    sc->sc_poster);
	busy_wait(sc->sc_spin);
	for (i = 0; i < PAYLOAD; i++)
		sc->sc_result[i] = payload_word(~sc->sc_seq, i);
	/* No ordering needed: the caller reads this after the sync's cond. */
	atomic_store_int(&sc->sc_finished, 1);
}

static unsigned int
op_sync(struct worker *w)
{
	struct sync_call sc;
	unsigned int i;

	memset(&sc, 0, sizeof(sc));
	sc.sc_seq = w->w_seq;
	w->w_seq += 2;
	sc.sc_poster = w->w_cpu;
	sc.sc_target = pick_other(w);
	sc.sc_spin = pick_spin(w);
	fill_payload(sc.sc_payload, sc.sc_seq);
	atomic_inc_long(&remote_posts);
	cpu_xcall_sync(xcs_cpu(sc.sc_target), sync_fn, &sc, "xctort");
	if (atomic_load_int(&sc.sc_finished) != 1)
		failed(F_EARLY, sc.sc_target, sc.sc_poster, sc.sc_seq);
	if (atomic_load_int(&sc.sc_runs) == 0)
		failed(F_LOST, sc.sc_target, sc.sc_poster, sc.sc_seq);
	for (i = 0; i < PAYLOAD; i++) {
		if (sc.sc_result[i] != payload_word(~sc.sc_seq, i)) {
			failed(F_STALE_WAIT, sc.sc_target, sc.sc_poster,
			    sc.sc_seq);
			break;
		}
	}
	return (1);
}

static void
bcast_fn(void *arg)
{
	struct bcast *b = arg;
	unsigned int cpu = cpu_number();

	if (atomic_inc_int_nv(&b->b_runs[cpu]) != 1)
		failed(F_DOUBLED, cpu, b->b_poster, b->b_seq);
	check_context(cpu, b->b_poster, b->b_seq);
	check_payload(b->b_payload, b->b_seq, cpu, b->b_poster);
	busy_wait(b->b_spin);
	b->b_result[cpu] = payload_word(~b->b_seq, cpu);
	atomic_store_int(&b->b_finished[cpu], 1);
	if (b->b_refcnt) {
		/* refcnt_rele_wake releases our stores to the finalizer. */
		refcnt_rele_wake(&b->b_refs);
		return;
	}
	/* Release: the result before the count the caller spins on. */
	membar_producer();
	atomic_inc_int(&b->b_done);
}

static int
bcast_done(void *arg)
{
	struct bcast *b = arg;

	return (atomic_load_int(&b->b_done) == opts.o_ncpus);
}

static void
bcast_check(struct bcast *b)
{
	unsigned int cpu, runs;

	for (cpu = 0; cpu < opts.o_ncpus; cpu++) {
		runs = atomic_load_int(&b->b_runs[cpu]);
		if (runs == 0)
			failed(F_LOST, cpu, b->b_poster, b->b_seq);
		if (atomic_load_int(&b->b_finished[cpu]) != 1)
			failed(F_EARLY, cpu, b->b_poster, b->b_seq);
		if (runs != 0 &&
		    b->b_result[cpu] != payload_word(~b->b_seq, cpu))
			failed(F_STALE_WAIT, cpu, b->b_poster, b->b_seq);
	}
}

static unsigned int
op_bcast(struct worker *w, int use_refcnt)
{
	struct bcast *b = &w->w_bcast;
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;

	memset(b, 0, sizeof(*b));
	cpu_xcall_set(&b->b_xc, bcast_fn, b);
	refcnt_init(&b->b_refs);
	b->b_refcnt = use_refcnt;
	b->b_seq = w->w_seq;
	w->w_seq += 2;
	b->b_poster = w->w_cpu;
	b->b_spin = pick_spin(w);
	fill_payload(b->b_payload, b->b_seq);
	CPU_INFO_FOREACH(cii, ci) {
		if (use_refcnt)
			refcnt_take(&b->b_refs);
		post(ci, &b->b_xc);
	}
	if (use_refcnt)
		refcnt_finalize(&b->b_refs, "xctortb");
	else if (!wait_for(bcast_done, b)) {
		warnx("cpu%u: broadcast seq %lu: %u of %u callbacks after "
		    "%u s", w->w_cpu, b->b_seq, atomic_load_int(&b->b_done),
		    opts.o_ncpus, opts.o_hang);
		w->w_hung = 1;
	} else {
		/* Acquire: pairs with each callback's membar_producer. */
		membar_consumer();
	}
	bcast_check(b);
	return (opts.o_ncpus);
}

static void
self_fn(void *arg)
{
	struct rec *r = arg;

	if (atomic_inc_int_nv(&r->r_runs) != 1)
		failed(F_DOUBLED, r->r_target[0], r->r_poster[0], r->r_seq);
	check_context(r->r_target[0], r->r_poster[0], r->r_seq);
	check_payload(r->r_payload, r->r_seq, r->r_target[0],
	    r->r_poster[0]);
}

static unsigned int
op_self(struct worker *w)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	cpu_xcall_set(&r.r_xc, self_fn, &r);
	r.r_seq = w->w_seq;
	w->w_seq += 2;
	r.r_poster[0] = r.r_target[0] = w->w_cpu;
	fill_payload(r.r_payload, r.r_seq);
	cpu_xcall(curcpu(), &r.r_xc);
	if (atomic_load_int(&r.r_runs) != 1)
		failed(F_LOST, w->w_cpu, w->w_cpu, r.r_seq);
	return (1);
}

static enum op
pick_op(struct worker *w)
{
	unsigned int r = rnd(w, weight_total), op;

	for (op = 0; op < NOPS - 1; op++) {
		if (r < opts.o_weights[op])
			break;
		r -= opts.o_weights[op];
	}
	return (op);
}

static unsigned int
run_op(struct worker *w, enum op op)
{
	switch (op) {
	case OP_SYNC:
		return (op_sync(w));
	case OP_BCAST_REFCNT:
		return (op_bcast(w, 1));
	case OP_BCAST_SPIN:
		return (op_bcast(w, 0));
	case OP_SELF:
		return (op_self(w));
	default:
		return (op_async(w, op));
	}
}

static void
report_progress(uint64_t start)
{
	unsigned long total = 0;
	unsigned int i, nfail = 0;
	uint64_t ms = now_ms() - start;

	for (i = 0; i < opts.o_ncpus; i++)
		total += atomic_load_long(&workers[i].w_xcalls);
	for (i = 0; i < NFAILURES; i++)
		nfail += atomic_load_int(&failures[i]);
	printf("xcall_torture: %" PRIu64 ".%03" PRIu64 " s: %lu xcalls "
	    "(%.0f/s), %u failures\n", ms / 1000, ms % 1000, total,
	    ms ? total * 1000.0 / ms : 0.0, nfail);
	fflush(stdout);
}

/*
 * cpu0's worker also keeps the clock: it ends a timed run and prints
 * the statistics lines.
 */
static void
keep_time(struct worker *w, uint64_t start, uint64_t *next_report)
{
	uint64_t now = now_ms();

	if (opts.o_seconds != 0 && now - start >= opts.o_seconds * 1000ULL)
		atomic_store_int(&stop, 1);
	if (opts.o_stats != 0 && now >= *next_report) {
		report_progress(start);
		*next_report = now + opts.o_stats * 1000ULL;
	}
}

static void
worker_run(void *arg)
{
	struct worker *w = arg;
	uint64_t start = now_ms(), next_report = start + opts.o_stats * 1000;
	unsigned long done = 0;
	unsigned int i;
	enum op op;

	while (!atomic_load_int(&stop) && !w->w_hung) {
		if (w->w_quota != 0 && done >= w->w_quota)
			break;
		op = pick_op(w);
		w->w_ops[op]++;
		done += run_op(w, op);
		atomic_store_long(&w->w_xcalls, done);
		if (w->w_cpu == 0)
			keep_time(w, start, &next_report);
	}
	if (w->w_hung)
		atomic_store_int(&stop, 1);
	/* Nothing this worker posted may be left running. */
	for (i = 0; i < POOL && !w->w_hung; i++)
		entry_get(w);
}

/* Every worker and failure count as at the start of a run. */
static void
workers_init(void)
{
	unsigned int i, j;
	struct worker *w;

	pthread_mutex_lock(&workers_mtx);
	if (workers == NULL &&
	    (workers = calloc(opts.o_ncpus, sizeof(*workers))) == NULL)
		err(1, "calloc");
	memset(workers, 0, opts.o_ncpus * sizeof(*workers));
	memset(failures, 0, sizeof(failures));
	first_claimed = 0;
	unsent_seen = 0;
	stop = 0;
	remote_posts = 0;
	for (i = 0; i < opts.o_ncpus; i++) {
		w = &workers[i];
		w->w_cpu = i;
		w->w_rng = splitmix(opts.o_seed ^ splitmix(i)) | 1;
		w->w_seq = ((unsigned long)i << 40) + 2;
		if (opts.o_xcalls != 0)
			w->w_quota = (opts.o_xcalls + opts.o_ncpus - 1) /
			    opts.o_ncpus;
		for (j = 0; j < POOL; j++) {
			rec_init(&w->w_pool[j].e_outer, &w->w_pool[j]);
			rec_init(&w->w_pool[j].e_inner, &w->w_pool[j]);
		}
	}
	pthread_mutex_unlock(&workers_mtx);
}

/*
 * pthread_join() returns when the kernel clears the thread's id word,
 * which Linux does before it takes the thread off the process's task
 * list: a joined thread can still be counted for a moment, and on a
 * loaded host (CI saw it under ASan) that moment is long.  Wait for the
 * count to come down, bounded; what is still there after five seconds
 * was never joined.
 */
static int
threads_after_shutdown(int threads)
{
	struct timespec ms = { 0, 1000 * 1000 };
	uint64_t deadline = now_ms() + 5000;
	int n;

	while ((n = xcs_host_threads()) > threads && now_ms() < deadline)
		nanosleep(&ms, NULL);
	return (n);
}

/*
 * Nothing may stay behind after shutdown: no thread, no descriptor, and
 * no memory growth beyond noise (the run allocates nothing after boot;
 * a sanitizer's shadow memory grows with the run, so not there).
 */
static void
check_leaks(int threads, int fds, long rss_boot, long rss_end)
{
	int threads_end = threads_after_shutdown(threads);
	int fds_end = xcs_host_fds();

	/* A host that cannot count is said to, never taken as flat. */
	if (rss_boot < 0 || rss_end < 0)
		printf("xcall_torture: rss not checked: the %s host layer "
		    "cannot measure it\n", xcs_host_name);
	else
		printf("xcall_torture: rss %ld KiB after boot, %ld KiB at the "
		    "end\n", rss_boot, rss_end);
	if (threads < 0 || fds < 0 || threads_end < 0 || fds_end < 0)
		printf("xcall_torture: threads and fds not checked: the %s "
		    "host layer cannot count them\n", xcs_host_name);
	else
		printf("xcall_torture: threads %d, fds %d before boot and "
		    "after shutdown: %d, %d\n", threads, fds, threads_end,
		    fds_end);
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
	if (rss_boot >= 0 && rss_end > rss_boot + 8 * 1024) {
		warnx("memory grew by %ld KiB", rss_end - rss_boot);
		failed_on(0, F_LEAK, 0, 0, 0);
	}
#endif
	if (threads_end != threads || fds_end != fds) {
		warnx("threads or file descriptors left after shutdown");
		failed_on(0, F_LEAK, 0, 0, 0);
	}
}

/*
 * Under XCALLSIM_FAULTS the run is only worth something if faults were
 * injected: none at all means the knobs did nothing.
 */
static void
check_faults(const struct xcs_stats *t)
{
	const char *spec = getenv("XCALLSIM_FAULTS");

	if (spec == NULL || *spec == '\0')
		return;
	printf("xcall_torture: faults \"%s\": %" PRIu64 " injected, %"
	    PRIu64 " IPIs dropped\n", spec, t->xs_faults, t->xs_ipi_dropped);
	if (t->xs_faults == 0) {
		warnx("XCALLSIM_FAULTS is set but no fault was injected");
		failed_on(0, F_COUNTERS, 0, 0, 0);
	}
}

/* The machine's own counters against what the workers did. */
static void
check_counters(void)
{
	struct xcs_stats t;
	unsigned long posts = atomic_load_long(&remote_posts);

	xcs_stats_total(&t);
	printf("xcall_torture: machine: %" PRIu64 " posted, %" PRIu64
	    " dispatched, %" PRIu64 " IPIs sent (%" PRIu64 " signals), %"
	    PRIu64 " coalesced, %" PRIu64 " skipped, %" PRIu64
	    " slot-full spins\n", t.xs_posted, t.xs_dispatched, t.xs_ipi_sent,
	    t.xs_ipi_signals, t.xs_ipi_coalesced, t.xs_ipi_skipped,
	    t.xs_slot_full_spins);
	if (t.xs_posted != posts) {
		warnx("the machine counted %" PRIu64 " posts, the workers %lu",
		    t.xs_posted, posts);
		failed_on(0, F_COUNTERS, 0, 0, 0);
	}
	if (t.xs_dispatched != t.xs_posted) {
		warnx("%" PRIu64 " xcalls posted but %" PRIu64 " dispatched",
		    t.xs_posted, t.xs_dispatched);
		failed_on(0, F_COUNTERS, 0, 0, 0);
	}
	if (t.xs_ipi_sent + t.xs_ipi_coalesced + t.xs_ipi_skipped +
	    t.xs_ipi_dropped != t.xs_posted) {
		warnx("IPIs sent + coalesced + skipped + dropped = %" PRIu64
		    ", posts %" PRIu64, t.xs_ipi_sent + t.xs_ipi_coalesced +
		    t.xs_ipi_skipped + t.xs_ipi_dropped, t.xs_posted);
		failed_on(0, F_COUNTERS, 0, 0, 0);
	}
	check_faults(&t);
}

/*
 * Run the workers on every CPU.  cpu0's runs on this thread, as a job
 * too, so that a panic on cpu0 comes back here as one on another CPU
 * does.
 */
/*
 * cpu0 panicked with no job to abandon: in an interrupt it took while
 * joining the workers.  on_panic has counted it; the run ends here, and
 * shutdown stops whatever the other CPUs were doing.
 */
static sigjmp_buf cpu0_stopped;

static void __attribute__((__noreturn__))
on_cpu0_stop(const char *msg, void *arg)
{
	siglongjmp(cpu0_stopped, 1);
}

static void
run_workers(void)
{
	unsigned int i;
	int error;

	/* The frame the stop hook returns to lives only as long as this. */
	if (sigsetjmp(cpu0_stopped, 1) != 0) {
		xcs_stop_intercept(NULL, NULL);
		return;
	}
	xcs_stop_intercept(on_cpu0_stop, NULL);
	for (i = 1; i < opts.o_ncpus; i++) {
		if ((error = xcs_cpu_start(i, worker_run, &workers[i])) != 0)
			errx(1, "%s", xcs_errstr());
	}
	for (i = 0; i < opts.o_ncpus; i++) {
		if (i == 0)
			error = xcs_cpu_run(0, worker_run, &workers[0]);
		else
			error = xcs_cpu_join(i);
		if (error == ECANCELED)
			failed_on(0, F_PANIC, i, i, 0);
		else if (error != 0)
			errx(1, "cpu%u: %s", i, xcs_errstr());
	}
	xcs_stop_intercept(NULL, NULL);
}

static void
check_end_state(void)
{
	if (xcs_quiesce(WAIT_MS) != 0) {
		warnx("%s", xcs_errstr());
		failed_on(0, F_END_STATE, 0, 0, 0);
	}
}

/* The end of the result line: each kind of failure and its count. */
static void
print_failure_counts(void)
{
	unsigned int i;

	for (i = 0; i < NFAILURES; i++)
		printf(", %s %u", failure_names[i],
		    atomic_load_int(&failures[i]));
	printf("\n");
}

/*
 * What ended a failed run, for its last line: the panic's message, which
 * names the CPU, its IPL and what it waited for.
 */
static void
print_cause(void)
{
	const char *msg = xcs_panic_message();

	if (msg != NULL)
		printf(" panic: %.*s;", (int)strcspn(msg, "\n"), msg);
	else if (atomic_load_int(&unsent_seen))
		printf(" %s;", unsent_report);
	else if (first_claimed)
		printf(" %s on cpu%u: xcall seq %lu posted by cpu%u to cpu%u;",
		    failure_names[first_kind], first_cpu, first_seq,
		    first_poster, first_target);
}

/* The run's verdict, its cause, and the count of each failure. */
static void
print_verdict(const char *what, uint64_t ms)
{
	unsigned long total = 0;
	unsigned int i, nfail = 0;

	for (i = 0; i < opts.o_ncpus; i++)
		total += workers[i].w_xcalls;
	for (i = 0; i < NFAILURES; i++)
		nfail += failures[i];
	printf("xcall_torture: %s%s:", what, nfail ? "FAILURE" : "SUCCESS");
	if (nfail)
		print_cause();
	printf(" %lu xcalls on %u CPUs in %" PRIu64 ".%03" PRIu64 " s, seed "
	    "%lu", total, opts.o_ncpus, ms / 1000, ms % 1000, opts.o_seed);
	print_failure_counts();
}

static void
print_result(uint64_t ms)
{
	unsigned long ops[NOPS] = { 0 };
	unsigned int i, op;

	for (i = 0; i < opts.o_ncpus; i++) {
		for (op = 0; op < NOPS; op++)
			ops[op] += workers[i].w_ops[op];
	}
	printf("xcall_torture: operations:");
	for (op = 0; op < NOPS; op++)
		printf(" %s %lu", op_names[op], ops[op]);
	printf("\n");
	if (first_claimed) {
		printf("xcall_torture: first failure: %s on cpu%u: xcall seq "
		    "%lu posted by cpu%u to cpu%u\n",
		    failure_names[first_kind], first_cpu, first_seq,
		    first_poster, first_target);
	}
	print_verdict("", ms);
}

static unsigned long
progress(void)
{
	unsigned long sum;
	unsigned int i;

	pthread_mutex_lock(&workers_mtx);
	sum = atomic_load_long(&remote_posts);
	for (i = 0; i < opts.o_ncpus; i++)
		sum += atomic_load_long(&workers[i].w_xcalls);
	pthread_mutex_unlock(&workers_mtx);
	return (sum);
}

/*
 * The hang detector: a thread that is not a simulated CPU, so it runs
 * whatever the CPUs do.  If nothing is posted for o_hang seconds the
 * run is stuck (a deadlock no bounded wait inside the CPUs can see,
 * like a CPU spinning in cpu_xcall on a target that never drains): it
 * shows the machine and ends the run with FAILURE.
 */
static void *
hang_detector(void *arg)
{
	unsigned long last = progress(), now;
	uint64_t since = now_ms(), limit;
	const char *panicmsg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!atomic_load_int(&finished)) {
		usleep(100 * 1000);
		if ((now = progress()) != last) {
			last = now;
			since = now_ms();
			continue;
		}
		/* After a panic, CPUs waiting on the dead one never return. */
		panicmsg = xcs_panic_message();
		limit = panicmsg != NULL ? 2000 : opts.o_hang * 1000ULL;
		if (now_ms() - since < limit)
			continue;
		fprintf(stderr, "xcall_torture: no progress for %" PRIu64
		    " ms; the machine:\n", limit);
		xcs_dump_cpus();
		if (opts.o_trace_tail != 0)
			xcs_trace_print(stderr, opts.o_trace_tail);
		printf("xcall_torture: FAILURE:");
		if (panicmsg != NULL)
			print_cause();
		else
			printf(" hung: nothing posted for %u s;", opts.o_hang);
		printf(" after %lu xcalls, seed %lu", now, opts.o_seed);
		print_failure_counts();
		fflush(stdout);
		_exit(1);
	}
	return (NULL);
}

/*
 * The watchdog found a slot whose poster never sent its IPI: not one the
 * drop fault swallowed (those it resends), but the MI code's omission,
 * which resending would only hide.  The run fails at once, saying so.
 */
static void
on_stall(const struct xcs_stall *st, void *arg)
{
	if (st->st_kind != XCS_STALL_NOIPI || !st->st_unsent ||
	    atomic_swap_uint(&unsent_seen, 1) != 0)
		return;
	snprintf(unsent_report, sizeof(unsent_report), "%.*s",
	    (int)strcspn(st->st_text, "\n"), st->st_text);
	failed_on(st->st_cpu, F_LOST, st->st_cpu, st->st_cpu, 0);
	atomic_store_int(&stop, 1);
}

static void
on_panic(const char *msg, void *arg)
{
	failed(F_PANIC, cpu_number(), 0, 0);
	atomic_store_int(&stop, 1);
}

static void __attribute__((__noreturn__))
usage(int status)
{
	unsigned int op;

	fprintf(stderr, "usage: xcall_torture [-hkp] [-d seconds] "
	    "[-H seconds] [-i xcalls] [-n ncpus]\n"
	    "                     [-r first[-last][:depth[:steps]]] "
	    "[-S seconds] [-s seed]\n"
	    "                     [-T events] [-w op=weight,...]\n"
	    "ops:");
	for (op = 0; op < NOPS; op++)
		fprintf(stderr, " %s", op_names[op]);
	fprintf(stderr, "\n");
	exit(status);
}

static unsigned long
parse_number(const char *s, unsigned long min, unsigned long max,
    const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 ||
	    v < min || v > max)
		errx(1, "%s \"%s\": not a number from %lu to %lu", what, s,
		    min, max);
	return (v);
}

/* -r first[-last][:depth[:steps]]: the replay seeds to sweep, and how. */
static void
parse_seeds(char *spec)
{
	char *dash, *colon;

	if ((colon = strchr(spec, ':')) != NULL) {
		*colon++ = '\0';
		opts.o_replay_depth = parse_number(strsep(&colon, ":"), 1, 16,
		    "replay depth");
		if (colon != NULL)
			opts.o_replay_steps = parse_number(colon, 1,
			    UINT_MAX, "replay steps");
	}
	if ((dash = strchr(spec, '-')) != NULL)
		*dash = '\0';
	opts.o_replay_first = parse_number(spec, 1, ULONG_MAX, "replay seed");
	opts.o_replay_last = dash == NULL ? opts.o_replay_first :
	    parse_number(dash + 1, 1, ULONG_MAX, "replay seed");
	if (opts.o_replay_last < opts.o_replay_first)
		errx(1, "replay seeds %" PRIu64 "-%" PRIu64 ": the last is "
		    "before the first", opts.o_replay_first,
		    opts.o_replay_last);
}

static void
parse_weights(char *spec)
{
	char *item, *eq;
	unsigned int op;

	while ((item = strsep(&spec, ",")) != NULL) {
		if ((eq = strchr(item, '=')) == NULL)
			errx(1, "weight \"%s\": want op=weight", item);
		*eq = '\0';
		for (op = 0; op < NOPS; op++)
			if (strcmp(item, op_names[op]) == 0)
				break;
		if (op == NOPS)
			errx(1, "weight: unknown op \"%s\"", item);
		opts.o_weights[op] = parse_number(eq + 1, 0, 1000000,
		    "weight");
	}
}

static void
parse_options(int argc, char *argv[])
{
	static const unsigned int weights[NOPS] = { 4, 2, 1, 1, 1, 2, 2, 1 };
	unsigned int op;
	int ch;

	opts.o_ncpus = 8;
	opts.o_seed = (unsigned long)time(NULL);
	memcpy(opts.o_weights, weights, sizeof(weights));
	opts.o_hang = 30;
	while ((ch = getopt(argc, argv, "d:H:hi:kn:pr:S:s:T:w:")) != -1) {
		switch (ch) {
		case 'h':
			usage(0);
		case 'k':
			opts.o_keep_going = 1;
			break;
		case 'r':
			parse_seeds(optarg);
			break;
		case 'T':
			opts.o_trace_tail = parse_number(optarg, 1, 65536,
			    "trace events");
			break;
		case 'H':
			opts.o_hang = parse_number(optarg, 1, 86400,
			    "hang timeout");
			break;
		case 'd':
			opts.o_seconds = parse_number(optarg, 1, 86400 * 7,
			    "duration");
			break;
		case 'i':
			opts.o_xcalls = parse_number(optarg, 1, ULONG_MAX,
			    "xcall count");
			break;
		case 'n':
			opts.o_ncpus = parse_number(optarg, 2, MAXCPUS,
			    "CPU count");
			break;
		case 'p':
			opts.o_idle = XCS_IDLE_POLL;
			break;
		case 'S':
			opts.o_stats = parse_number(optarg, 0, 86400,
			    "statistics interval");
			break;
		case 's':
			opts.o_seed = parse_number(optarg, 0, ULONG_MAX,
			    "seed");
			break;
		case 'w':
			parse_weights(optarg);
			break;
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	if (opts.o_replay_first != 0 && getenv("XCALLSIM_REPLAY") != NULL)
		errx(1, "-r and XCALLSIM_REPLAY: give the seeds one way");
	if (opts.o_replay_first != 0 && opts.o_seconds != 0)
		errx(1, "-r and -d: a replayed run is counted in xcalls (-i)");
	if (opts.o_seconds != 0 && opts.o_xcalls != 0)
		errx(1, "-d and -i: give a duration or an xcall count");
	if (opts.o_seconds == 0 && opts.o_xcalls == 0)
		opts.o_seconds = 10;
	for (op = 0; op < NOPS; op++)
		weight_total += opts.o_weights[op];
	if (weight_total == 0)
		errx(1, "weights: at least one op needs a weight above 0");
}

/*
 * One boot of the machine with the workers on every CPU; the failures
 * the run found.  cfg may ask for replay.
 */
static unsigned int
run_machine(const struct xcs_config *cfg, long *rss_boot, long *rss_end)
{
	unsigned int i, nfail = 0;
	int error;

	workers_init();
	if ((error = xcs_boot(cfg)) == ENOTSUP) {
		/* The host lacks what was asked for: not a pass. */
		printf("xcall_torture: SKIP: %s\n", xcs_errstr());
		exit(77);
	}
	if (error != 0)
		errx(1, "%s", xcs_errstr());
	xcs_panic_intercept(on_panic, NULL);
	xcs_watchdog_intercept(on_stall, NULL);
	*rss_boot = xcs_host_rss_kib();
	run_workers();
	if (xcs_panic_message() != NULL)
		warnx("panic: %s", xcs_panic_message());
	else {
		check_end_state();
		check_counters();
	}
	if (opts.o_trace_tail != 0 && (xcs_panic_message() != NULL ||
	    first_claimed))
		xcs_trace_print(stderr, opts.o_trace_tail);
	*rss_end = xcs_host_rss_kib();
	if (xcs_shutdown() != 0)
		errx(1, "%s", xcs_errstr());
	for (i = 0; i < NFAILURES; i++)
		nfail += failures[i];
	return (nfail);
}

/*
 * -r: the same run under replay for each seed in turn, in this one
 * process; the first seed that fails is reported with the command that
 * replays it (every failing seed with -k).
 */
static unsigned int
run_replay_sweep(struct xcs_config *cfg, long *rss_boot, long *rss_end)
{
	uint64_t seed, start = now_ms(), ms, bad = 0, nbad = 0, runs = 0;
	char what[64];
	long rss;

	cfg->xc_replay = 1;
	if (opts.o_replay_depth != 0)
		cfg->xc_replay_depth = opts.o_replay_depth;
	if (opts.o_replay_steps != 0)
		cfg->xc_replay_steps = opts.o_replay_steps;
	for (seed = opts.o_replay_first; seed <= opts.o_replay_last; seed++) {
		cfg->xc_replay_seed = seed;
		runs++;
		if (run_machine(cfg, seed == opts.o_replay_first ? rss_boot :
		    &rss, rss_end) == 0)
			continue;
		if (nbad++ == 0)
			bad = seed;
		snprintf(what, sizeof(what), "replay seed %" PRIu64 ": ",
		    seed);
		print_verdict(what, now_ms() - start);
		printf("xcall_torture: XCALLSIM_REPLAY=%" PRIu64 ":%u:%u "
		    "xcall_torture -n %u -i %" PRIu64 " -s %lu replays it\n",
		    seed, cfg->xc_replay_depth, cfg->xc_replay_steps,
		    opts.o_ncpus, opts.o_xcalls, opts.o_seed);
		fflush(stdout);
		if (!opts.o_keep_going)
			break;
	}
	ms = now_ms() - start;
	printf("xcall_torture: replay seeds %" PRIu64 "-%" PRIu64 ": %" PRIu64
	    " run, %" PRIu64 " failed", opts.o_replay_first,
	    MIN(seed, opts.o_replay_last), runs, nbad);
	if (nbad != 0)
		printf(", the first at seed %" PRIu64, bad);
	printf(", in %" PRIu64 ".%03" PRIu64 " s (%.1f seeds/s)\n", ms / 1000,
	    ms % 1000, ms ? runs * 1000.0 / ms : 0.0);
	return (nbad);
}

int
main(int argc, char *argv[])
{
	struct xcs_config cfg;
	pthread_t detector;
	int threads, fds, error, nfail;
	long rss_boot = 0, rss_end = 0;
	uint64_t start;

	parse_options(argc, argv);
	printf("xcall_torture: %u CPUs, %s idle, seed %lu, %s %" PRIu64
	    "\n", opts.o_ncpus, opts.o_idle == XCS_IDLE_POLL ? "polling" :
	    "halted", opts.o_seed, opts.o_xcalls ? "xcalls" : "seconds",
	    opts.o_xcalls ? opts.o_xcalls : (uint64_t)opts.o_seconds);
	fflush(stdout);
	workers_init();
	if ((error = pthread_create(&detector, NULL, hang_detector, NULL)))
		errx(1, "pthread_create: %s", strerror(error));
	/* After our first thread: a sanitizer starts its own with it. */
	threads = xcs_host_threads();
	fds = xcs_host_fds();

	xcs_config_init(&cfg);
	cfg.xc_ncpus = opts.o_ncpus;
	cfg.xc_idle = opts.o_idle;
	start = now_ms();
	if (opts.o_replay_first != 0)
		nfail = run_replay_sweep(&cfg, &rss_boot, &rss_end);
	else
		nfail = run_machine(&cfg, &rss_boot, &rss_end);

	check_leaks(threads, fds, rss_boot, rss_end);
	atomic_store_int(&finished, 1);
	pthread_join(detector, NULL);
	if (opts.o_replay_first == 0 || failures[F_LEAK] != 0)
		print_result(now_ms() - start);
	if (failures[F_LEAK] != 0)
		nfail++;
	free(workers);
	return (nfail ? 1 : 0);
}
