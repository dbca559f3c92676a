/*	xcallsim: sim/replay.c, seeded replay under a PCT scheduler	*/

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
 * Seeded replay: the CPUs run one at a time, and a scheduler driven by
 * a seed picks which one runs at every kernel-API point (an atomic(9)
 * operation, an spl call, CPU_BUSY_CYCLE, a sleep, a wakeup, an idle
 * wait).  IPIs send no signal: the target takes a pending IPI at its
 * next point, if its IPL allows.  So the same seed gives the same
 * interleaving, the same counters and the same trace.
 *
 * The scheduler is PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * "A randomized scheduler with probabilistic guarantees of finding
 * bugs", ASPLOS 2010): every CPU gets a random distinct priority of at
 * least depth, the highest-priority CPU that can run runs, and at
 * depth - 1 random steps out of the first steps the running CPU drops
 * to priority depth - i.  A bug that needs d ordering constraints is
 * found by one run with probability at least 1 / (n * k^(d-1)) for n
 * CPUs and k steps.
 *
 * The CPU that runs holds the token; it alone reads and writes the
 * scheduler's state, and hands the token over with a release store to
 * the next CPU's turn word and a futex wake; that CPU's acquire load of
 * its word orders everything the previous one did before what it does.
 *
 * Exact deadlock detection.  A CPU that calls CPU_BUSY_CYCLE again
 * without any CPU having made progress since its last one (progress
 * being any point reached by a CPU that is not just looking: one that
 * wrote with an atomic, took an interrupt, kicked a waiter or has not
 * spun or waited since) sees the same memory again: it runs only when
 * no other CPU can, in turn with other such spinners, since it may be
 * counting down a delay loop.  A CPU in an idle wait, a sleep or a join
 * can run when its condition holds or an IPI it can take is pending.
 * When no CPU can run but such spinners, and they have spun
 * XCS_RP_SPINS times with no progress anywhere, nothing ever will: that
 * is a deadlock, reported with every CPU's wait, the wait-for chain and
 * the seed.  (A delay loop longer than that would be taken for one.)
 * Such a spin also drops the spinner to the lowest priority, as a
 * spin-wait yields in CHESS: otherwise a high-priority waiter would take
 * the token back after every step of the CPU it waits for.
 *
 * What this mode does not model: weak memory (every interleaving is
 * sequentially consistent), the host signal path (IPIs are taken at
 * points, never by a signal), plain loads and stores in kernel code
 * (not points: they run together with the point before them), and time
 * (a timed sleep times out only when nothing else can run).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <urcu/futex.h>

#include "xcs.h"

#define XCS_FUTEX_PRIVATE	128	/* FUTEX_PRIVATE_FLAG */
#define XCS_RP_MAXDEPTH		16
#define XCS_RP_YIELD		64	/* spins that change memory */
#define XCS_RP_SPINS		(1U << 18) /* idle spins: stuck for good */
#define XCS_RP_TURN		1024	/* idle spins before the next's turn */

/* What a CPU is doing, as far as the scheduler cares. */
enum xcs_rp_mode {
	XCS_RM_ACTIVE,		/* running: its points are progress */
	XCS_RM_LOOK,		/* spinning or re-checking: only looking */
	XCS_RM_SPIN,		/* in CPU_BUSY_CYCLE: was progress seen? */
	XCS_RM_WAIT		/* waiting for rc_done or an IPI */
};

struct xcs_rp_cpu {
	int32_t		 rc_turn;	/* [a] futex word: 1 may run */
	int		 rc_prio;	/* higher runs first */
	enum xcs_rp_mode rc_mode;
	uint64_t	 rc_seen;	/* progress when it last resumed */
	unsigned int	 rc_busy;	/* spins that saw progress */
	int		 rc_signal;	/* the IPI signal would be pending */
	int		 rc_timed;	/* XCS_RM_WAIT may time out */
	int		 rc_expired;	/* ... and did: nothing else ran */
	int		 (*rc_done)(void *); /* XCS_RM_WAIT's condition */
	void		*rc_done_arg;
};

struct xcs_replay {
	uint64_t	 xr_seed;
	unsigned int	 xr_depth;
	unsigned int	 xr_steps;	/* k: where change points fall */
	uint64_t	 xr_rng;
	uint64_t	 xr_step;	/* points so far */
	uint64_t	 xr_progress;
	uint64_t	 xr_idle;	/* idle spins since progress */
	uint64_t	 xr_last;	/* the step of the last progress */
	uint64_t	 xr_change[XCS_RP_MAXDEPTH]; /* steps, ascending */
	unsigned int	 xr_nchange;
	unsigned int	 xr_next;	/* next change point */
	int		 xr_low;	/* the next lowest priority */
	unsigned int	 xr_started;	/* [a] boot is over: schedule */
	unsigned int	 xr_parked;	/* [a] CPUs at the gate at boot */
	unsigned int	 xr_frozen;	/* [a] a panic ended the schedule */
	unsigned int	 xr_open;	/* [a] shutdown: everyone runs */
	uint64_t	 xr_clock;	/* [a] trace events */
	struct xcs_rp_cpu *xr_cpus;
};

static struct xcs_replay xcs_replay;

int
xcs_replay_check(const struct xcs_config *cfg)
{
	if (!cfg->xc_replay)
		return (0);
	if (cfg->xc_replay_depth < 1 ||
	    cfg->xc_replay_depth > XCS_RP_MAXDEPTH ||
	    cfg->xc_replay_steps < 1) {
		xcs_seterr("xcs_boot: replay depth %u and steps %u: want a "
		    "depth of 1 to %d and at least one step "
		    "(XCALLSIM_REPLAY=\"seed[:depth[:steps]]\")",
		    cfg->xc_replay_depth, cfg->xc_replay_steps,
		    XCS_RP_MAXDEPTH);
		return (EINVAL);
	}
	return (0);
}

/* splitmix64: the scheduler's own generator, apart from the faults'. */
static uint64_t
xcs_rp_random(struct xcs_replay *xr)
{
	uint64_t z = (xr->xr_rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* Random distinct priorities depth .. depth + n - 1, and change points. */
static void
xcs_rp_priorities(struct xcs_replay *xr, unsigned int n)
{
	unsigned int i, j;
	uint64_t t;
	int p;

	for (i = 0; i < n; i++)
		xr->xr_cpus[i].rc_prio = xr->xr_depth + i;
	for (i = n - 1; i > 0; i--) {
		j = xcs_rp_random(xr) % (i + 1);
		p = xr->xr_cpus[i].rc_prio;
		xr->xr_cpus[i].rc_prio = xr->xr_cpus[j].rc_prio;
		xr->xr_cpus[j].rc_prio = p;
	}
	xr->xr_nchange = xr->xr_depth - 1;
	for (i = 0; i < xr->xr_nchange; i++)
		xr->xr_change[i] = 1 + xcs_rp_random(xr) % xr->xr_steps;
	for (i = 1; i < xr->xr_nchange; i++) {
		for (j = i; j > 0 && xr->xr_change[j - 1] > xr->xr_change[j];
		    j--) {
			t = xr->xr_change[j];
			xr->xr_change[j] = xr->xr_change[j - 1];
			xr->xr_change[j - 1] = t;
		}
	}
	xr->xr_low = 0;
}

/*
 * Set up the schedule before the other CPUs start: cpu0, the booting
 * thread, holds the token.
 */
int
xcs_replay_init(const struct xcs_config *cfg)
{
	struct xcs_replay *xr = &xcs_replay;
	unsigned int n;

	memset(xr, 0, sizeof(*xr));
	if (!cfg->xc_replay)
		return (0);
	if ((xr->xr_cpus = calloc(cfg->xc_ncpus, sizeof(*xr->xr_cpus))) ==
	    NULL) {
		xcs_seterr("xcs_boot: no memory for the replay scheduler");
		return (ENOMEM);
	}
	xr->xr_seed = cfg->xc_replay_seed;
	xr->xr_depth = cfg->xc_replay_depth;
	xr->xr_steps = cfg->xc_replay_steps;
	xr->xr_rng = xr->xr_seed;
	for (n = 0; n < cfg->xc_ncpus; n++) {
		xr->xr_cpus[n].rc_mode = n == 0 ? XCS_RM_ACTIVE : XCS_RM_WAIT;
		xr->xr_cpus[n].rc_seen = UINT64_MAX;
	}
	xr->xr_cpus[0].rc_turn = 1;
	xcs_rp_priorities(xr, cfg->xc_ncpus);
	/*
	 * Relaxed: threads that are not CPUs (a test's monitor) may read the
	 * hooks at their atomics, and take no part in the schedule anyway.
	 */
	__atomic_store_n(&xcs_hooks.xh_wrote, xcs_replay_wrote,
	    __ATOMIC_RELAXED);
	__atomic_store_n(&xcs_hooks.xh_point, xcs_replay_point,
	    __ATOMIC_RELAXED);
	return (0);
}

/*
 * Boot is over: wait until every other CPU has come to its first idle
 * wait and parked there, and start scheduling.  From then on nothing
 * runs but the holder of the token.
 */
void
xcs_replay_start(void)
{
	struct xcs_replay *xr = &xcs_replay;

	if (!xcs_replay_on())
		return;
	/* The acquire load pairs with each CPU's increment as it parks. */
	while (xcs_atomic_load(&xr->xr_parked) + 1 < xcs_machine.xm_ncpus)
		sched_yield();
	/* Only cpu0 runs from here: the store orders nothing. */
	xcs_atomic_store(&xr->xr_started, 1);
}

/* Let every CPU run freely, for shutdown. */
void
xcs_replay_open(void)
{
	struct xcs_replay *xr = &xcs_replay;
	unsigned int n;

	if (!xcs_replay_on())
		return;
	/* The store is seen by each parked CPU after the wake below. */
	xcs_atomic_store(&xr->xr_open, 1);
	for (n = 0; n < xcs_machine.xm_ncpus; n++) {
		/*
		 * A CPU that has just handed cpu0 the token may not be in
		 * its futex wait yet: a wake now finds nobody, and its wait
		 * would sleep for good on a word still 0.  The store gives
		 * every CPU the turn, so that wait returns at once; it comes
		 * after the CPU's own clearing store, which cpu0 saw before
		 * it got the token.
		 */
		xcs_atomic_store(&xr->xr_cpus[n].rc_turn, 1);
		futex_async(&xr->xr_cpus[n].rc_turn,
		    FUTEX_WAKE | XCS_FUTEX_PRIVATE, 1, NULL, NULL, 0);
	}
}

void
xcs_replay_fini(void)
{
	struct xcs_replay *xr = &xcs_replay;

	/* Relaxed, as in xcs_replay_init(). */
	__atomic_store_n(&xcs_hooks.xh_point, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&xcs_hooks.xh_wrote, NULL, __ATOMIC_RELAXED);
	free(xr->xr_cpus);
	xr->xr_cpus = NULL;
}

/*
 * A panic ends the schedule, as a real panic stops the other CPUs: they
 * stay where they are until shutdown.  The panicking CPU goes on, and so
 * does cpu0, so that the test can see what happened and shut down.
 */
void
xcs_replay_freeze(struct cpu_info *ci)
{
	struct xcs_replay *xr = &xcs_replay;

	if (!xcs_replay_on() || xcs_atomic_load(&xr->xr_frozen))
		return;
	/* Whoever sees the frozen flag stops using the schedule. */
	xcs_atomic_store(&xr->xr_frozen, 1);
	if (ci == NULL || ci->ci_cpuid != 0) {
		/* The release store lets cpu0 see everything done so far. */
		xcs_atomic_store(&xr->xr_cpus[0].rc_turn, 1);
		futex_async(&xr->xr_cpus[0].rc_turn,
		    FUTEX_WAKE | XCS_FUTEX_PRIVATE, 1, NULL, NULL, 0);
	}
}

/* Whether a panic ended the schedule: the replayed trace ends there. */
int
xcs_replay_frozen(void)
{
	/* Relaxed: set once; what the trace misses after it is moot. */
	return (xcs_replay_on() &&
	    __atomic_load_n(&xcs_replay.xr_frozen, __ATOMIC_RELAXED));
}

/* Whether ci runs under the schedule now. */
int
xcs_replay_active(void)
{
	struct xcs_replay *xr = &xcs_replay;

	/* Relaxed loads: each flag is set once and orders nothing. */
	return (xcs_replay_on() && xcs_curcpu_tls != NULL &&
	    __atomic_load_n(&xr->xr_started, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&xr->xr_frozen, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&xr->xr_open, __ATOMIC_RELAXED));
}

/*
 * Whether a wait of ci goes through the schedule: every wait once it
 * runs, and during boot the first wait of each CPU but cpu0, which parks
 * it there (rc_seen is still that CPU's own until it has parked).
 */
int
xcs_replay_waits(struct cpu_info *ci)
{
	struct xcs_replay *xr = &xcs_replay;

	if (xcs_replay_active())
		return (1);
	return (xcs_replay_on() && ci->ci_cpuid != 0 &&
	    !__atomic_load_n(&xr->xr_started, __ATOMIC_RELAXED) &&
	    xr->xr_cpus[ci->ci_cpuid].rc_seen == UINT64_MAX);
}

/* The trace's clock in replay: one tick (a microsecond) per event. */
uint64_t
xcs_replay_clock(void)
{
	/* A counter, not an ordering: only its value matters. */
	return (xcs_atomic_add_nv(&xcs_replay.xr_clock, 1) * 1000);
}

uint64_t
xcs_replay_steps(void)
{
	return (xcs_replay.xr_step);
}

/*
 * Whether CPU ci would take an IPI now: the signal a running CPU is
 * sent, or the doorbell a spinning or waiting one looks at, which it
 * answers if its level allows.
 */
static int
xcs_rp_ipi_deliverable(struct cpu_info *ci)
{
	return (xcs_replay.xr_cpus[ci->ci_cpuid].rc_signal ||
	    (xcs_atomic_load(&ci->ci_ipis) != 0 &&
	    xcs_atomic_load(&ci->ci_ilevel) < IPL_IPI));
}

/*
 * Whether CPU n could take a step if it got the token: XCS_RP_CAN if it
 * may get somewhere, XCS_RP_IDLE if it is a spinner that saw nothing
 * change (a delay loop, or a CPU stuck for good), 0 if it cannot run.
 */
#define XCS_RP_IDLE	1
#define XCS_RP_CAN	2

static int
xcs_rp_runnable(struct xcs_replay *xr, unsigned int n)
{
	struct xcs_rp_cpu *rc = &xr->xr_cpus[n];
	struct cpu_info *ci = &xcs_machine.xm_cpus[n];

	if (xcs_atomic_load(&ci->ci_xcs->xc_state) == XCS_STOPPED)
		return (0);
	switch (rc->rc_mode) {
	case XCS_RM_SPIN:
		return (rc->rc_seen != xr->xr_progress ||
		    xcs_rp_ipi_deliverable(ci) ? XCS_RP_CAN : XCS_RP_IDLE);
	case XCS_RM_WAIT:
		return (xcs_rp_ipi_deliverable(ci) ||
		    rc->rc_done(rc->rc_done_arg) ? XCS_RP_CAN : 0);
	default:
		return (XCS_RP_CAN);
	}
}

/*
 * Only spinners that saw nothing change can run: they take turns of
 * XCS_RP_TURN spins, so that a CPU counting down a delay loop gets to
 * the end of it.  After XCS_RP_SPINS of them with no progress anywhere,
 * or if there are none, -1.
 */
static int
xcs_rp_pick_idle(struct xcs_replay *xr, unsigned int self)
{
	unsigned int n, i, ncpus = xcs_machine.xm_ncpus;

	if (++xr->xr_idle > XCS_RP_SPINS)
		return (-1);
	if (xr->xr_idle % XCS_RP_TURN != 0 &&
	    xcs_rp_runnable(xr, self) == XCS_RP_IDLE)
		return (self);
	for (i = 1; i <= ncpus; i++) {
		n = (self + i) % ncpus;
		if (xcs_rp_runnable(xr, n) == XCS_RP_IDLE)
			return (n);
	}
	return (-1);
}

/*
 * Nothing else can ever happen: the timed wait with the highest
 * priority times out, or -1 if there is none.
 */
static int
xcs_rp_pick_timeout(struct xcs_replay *xr)
{
	unsigned int n;
	int best = -1;

	for (n = 0; n < xcs_machine.xm_ncpus; n++) {
		if (xr->xr_cpus[n].rc_mode == XCS_RM_WAIT &&
		    xr->xr_cpus[n].rc_timed && (best < 0 ||
		    xr->xr_cpus[n].rc_prio > xr->xr_cpus[best].rc_prio))
			best = n;
	}
	if (best >= 0)
		xr->xr_cpus[best].rc_expired = 1;
	return (best);
}

/*
 * The CPU to run next: the runnable one with the highest priority, else
 * an idle spinner, else a timed wait that times out; -1 if no CPU will
 * ever get anywhere.
 */
static int
xcs_rp_pick(struct xcs_replay *xr, unsigned int self)
{
	unsigned int n;
	int best = -1;

	for (n = 0; n < xcs_machine.xm_ncpus; n++) {
		if (xcs_rp_runnable(xr, n) == XCS_RP_CAN &&
		    (best < 0 || xr->xr_cpus[n].rc_prio >
		    xr->xr_cpus[best].rc_prio))
			best = n;
	}
	if (best < 0)
		best = xcs_rp_pick_idle(xr, self);
	if (best < 0)
		best = xcs_rp_pick_timeout(xr);
	return (best);
}

/* Wait for the token, or for the schedule to end. */
static void
xcs_rp_park(struct xcs_rp_cpu *rc)
{
	struct xcs_replay *xr = &xcs_replay;

	/* The acquire load pairs with the release store that woke us. */
	while (xcs_atomic_load(&rc->rc_turn) == 0 &&
	    !xcs_atomic_load(&xr->xr_open))
		futex_async(&rc->rc_turn, FUTEX_WAIT | XCS_FUTEX_PRIVATE, 0,
		    NULL, NULL, 0);
}

/* Give the token to CPU next and wait until it comes back. */
static void
xcs_rp_handoff(struct xcs_replay *xr, struct xcs_rp_cpu *self,
    unsigned int next)
{
	struct xcs_rp_cpu *rc = &xr->xr_cpus[next];

	/*
	 * Clear our word first: next may hand the token straight back.
	 * The release store to next's word publishes all we did.
	 */
	xcs_atomic_store(&self->rc_turn, 0);
	xcs_atomic_store(&rc->rc_turn, 1);
	futex_async(&rc->rc_turn, FUTEX_WAKE | XCS_FUTEX_PRIVATE, 1, NULL,
	    NULL, 0);
	xcs_rp_park(self);
}

/*
 * One step: count it, apply a PCT change point that falls on it, and
 * let the highest-priority runnable CPU run.  Returns -1, still holding
 * the token, if no CPU can run.
 */
static int
xcs_rp_step(struct xcs_replay *xr, struct cpu_info *ci)
{
	struct xcs_rp_cpu *self = &xr->xr_cpus[ci->ci_cpuid];
	int next;

	xr->xr_step++;
	while (xr->xr_next < xr->xr_nchange &&
	    xr->xr_change[xr->xr_next] <= xr->xr_step) {
		self->rc_prio = (int)xr->xr_depth - 1 - (int)xr->xr_next;
		xr->xr_next++;
	}
	if ((next = xcs_rp_pick(xr, ci->ci_cpuid)) < 0)
		return (-1);
	if ((unsigned int)next != ci->ci_cpuid)
		xcs_rp_handoff(xr, self, next);
	self->rc_seen = xr->xr_progress;
	return (0);
}

/* What the code since this CPU's last point did counts as progress. */
static void
xcs_rp_account(struct xcs_replay *xr, struct xcs_rp_cpu *rc)
{
	if (rc->rc_mode == XCS_RM_ACTIVE) {
		xr->xr_progress++;
		xr->xr_idle = 0;
		xr->xr_last = xr->xr_step;
	}
}

/*
 * A sender would have signalled ci, which was running: note it, for
 * ci's next point.
 */
void
xcs_replay_signal(struct cpu_info *ci)
{
	xcs_replay.xr_cpus[ci->ci_cpuid].rc_signal = 1;
}

/*
 * Take the signal sent while this CPU did not run, as the handler does:
 * at or above IPL_IPI it only records the IPI as pending.
 */
static void
xcs_rp_interrupt(struct cpu_info *ci)
{
	struct xcs_rp_cpu *rc = &xcs_replay.xr_cpus[ci->ci_cpuid];

	if (!rc->rc_signal)
		return;
	rc->rc_signal = 0;
	rc->rc_mode = XCS_RM_ACTIVE;
	if (xcs_atomic_load(&ci->ci_xcs->xc_state) != XCS_STOPPED)
		xcs_intr_ipi(ci);
}

void
xcs_replay_point(int write)
{
	struct xcs_replay *xr = &xcs_replay;
	struct cpu_info *ci = xcs_curcpu_tls;
	struct xcs_rp_cpu *rc;

	if (!xcs_replay_active())
		return;
	rc = &xr->xr_cpus[ci->ci_cpuid];
	xcs_rp_account(xr, rc);
	if (write)
		rc->rc_mode = XCS_RM_ACTIVE;
	/* This CPU can run: a step always finds someone. */
	(void)xcs_rp_step(xr, ci);
	xcs_rp_interrupt(ci);
}

/* This CPU changed something another CPU may be waiting for. */
void
xcs_replay_wrote(void)
{
	if (xcs_replay_active())
		xcs_replay.xr_cpus[xcs_curcpu_tls->ci_cpuid].rc_mode =
		    XCS_RM_ACTIVE;
}

/* CPU_BUSY_CYCLE. */
void
xcs_replay_spin(struct cpu_info *ci)
{
	struct xcs_replay *xr = &xcs_replay;
	struct xcs_rp_cpu *rc = &xr->xr_cpus[ci->ci_cpuid];

	xcs_rp_account(xr, rc);
	if (rc->rc_seen == xr->xr_progress) {
		rc->rc_mode = XCS_RM_SPIN;
		rc->rc_busy = 0;
		/*
		 * Each step of another CPU makes a waiting spinner runnable,
		 * and at a higher priority it would take the token back at
		 * every one to find nothing it waits for: two host context
		 * switches per step.  A spin that finds nothing new yields
		 * to the bottom instead, as a spin-wait yields in CHESS; the
		 * spinner looks again when it next gets to run.
		 */
		rc->rc_prio = --xr->xr_low;
	} else {
		rc->rc_mode = XCS_RM_LOOK;
		/*
		 * A loop that writes every time round would never look
		 * stuck and, at the top priority, never let the others in:
		 * now and then it yields to the bottom.
		 */
		if (++rc->rc_busy % XCS_RP_YIELD == 0)
			rc->rc_prio = --xr->xr_low;
	}
	if (xcs_rp_step(xr, ci) != 0)
		xcs_replay_deadlock(ci);
	rc->rc_mode = XCS_RM_LOOK;
	xcs_rp_interrupt(ci);
}

/*
 * Wait for done(arg) or an IPI this CPU can take.  The first wait of a
 * CPU other than cpu0 parks it for xcs_replay_start().  A timed wait
 * returns ETIMEDOUT when no other CPU could ever run; any other wait
 * then is a deadlock.
 */
int
xcs_replay_wait(struct cpu_info *ci, int (*done)(void *), void *arg,
    int timed)
{
	struct xcs_replay *xr = &xcs_replay;
	struct xcs_rp_cpu *rc = &xr->xr_cpus[ci->ci_cpuid];

	if (rc->rc_seen == UINT64_MAX && ci->ci_cpuid != 0) {
		rc->rc_done = done;
		rc->rc_done_arg = arg;
		rc->rc_seen = 0;
		/* The release pairs with xcs_replay_start()'s load. */
		(void)xcs_atomic_add_nv(&xr->xr_parked, 1);
		xcs_rp_park(rc);
		rc->rc_mode = XCS_RM_LOOK;
		rc->rc_seen = xr->xr_progress;
		return (0);
	}
	/* A signal sent while it ran: taken now, then the caller looks. */
	if (rc->rc_signal) {
		xcs_rp_interrupt(ci);
		return (0);
	}
	xcs_rp_account(xr, rc);
	rc->rc_mode = XCS_RM_WAIT;
	rc->rc_done = done;
	rc->rc_done_arg = arg;
	rc->rc_timed = timed;
	rc->rc_expired = 0;
	if (xcs_rp_step(xr, ci) != 0)
		xcs_replay_deadlock(ci);
	rc->rc_mode = XCS_RM_LOOK;
	if (rc->rc_expired) {
		rc->rc_expired = 0;
		return (ETIMEDOUT);
	}
	return (0);
}

/* A wait ended with its condition true: the CPU goes on working. */
void
xcs_replay_resume(struct cpu_info *ci)
{
	xcs_replay.xr_cpus[ci->ci_cpuid].rc_mode = XCS_RM_ACTIVE;
}

/* The CPU that ci waits for, or -1; *what says how. */
static int
xcs_rp_waits_for(struct cpu_info *ci, const char **what)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_rp_cpu *rc = &xcs_replay.xr_cpus[ci->ci_cpuid];
	struct xcs_cpu *xc = ci->ci_xcs;
	struct proc *p = ci->ci_curproc;
	unsigned int n;
	int target;

	if (rc->rc_mode == XCS_RM_SPIN || rc->rc_mode == XCS_RM_LOOK) {
		target = xcs_atomic_load(&xc->xc_spin_target);
		*what = target >= 0 ? "spins in CPU_BUSY_CYCLE on the full "
		    "xcall slots of" : "spins in CPU_BUSY_CYCLE";
		return (target);
	}
	if (xcs_atomic_load(&p->p_wchan) != NULL) {
		*what = "sleeps";
		return (-1);
	}
	for (n = 0; n < xm->xm_ncpus; n++) {
		if (xcs_atomic_load(&xm->xm_xcs[n].xc_busy) &&
		    xcs_atomic_load(&xm->xm_xcs[n].xc_jobslot.xj_joiner) ==
		    ci && !xcs_atomic_load(&xm->xm_xcs[n].xc_jobslot.xj_done)) {
			*what = "waits for the job it joins on";
			return (n);
		}
	}
	*what = strcmp(xcs_atomic_load(&xc->xc_doing), "idle") == 0 ?
	    "is idle" : "waits";
	return (-1);
}

/* What ci waits in: " sleeps on \"xcsync\"", " spins ... of cpu2". */
static void
xcs_rp_print_wait(FILE *f, struct cpu_info *ci, const char *what,
    int target)
{
	struct proc *p = ci->ci_curproc;

	fprintf(f, " %s", what);
	if (target >= 0)
		fprintf(f, " cpu%d", target);
	if (xcs_atomic_load(&p->p_wchan) != NULL)
		fprintf(f, " on \"%s\"", p->p_wmesg ? p->p_wmesg : "?");
}

/* Its slots, and whether anything will ever dispatch them. */
static void
xcs_rp_print_slots(FILE *f, struct cpu_info *ci)
{
#ifdef MULTIPROCESSOR
	char name[64];
	size_t i;

	for (i = 0; i < nitems(ci->ci_xcall.xci_xcalls); i++) {
		if (xcs_slot_peek(ci, i) == NULL)
			continue;
		/* Named from the poster's note: the xcall may be gone. */
		fprintf(f, ", slot %zu holds %s", i, xcs_fn_name(
		    xcs_atomic_load(&ci->ci_xcs->xc_slot_func[i]), name,
		    sizeof(name)));
		if (xcs_atomic_load(&ci->ci_ipis) == 0 &&
		    xcs_atomic_load(&ci->ci_ipending) == 0) {
			fprintf(f, " with no IPI pending");
			xcs_print_unsent(f, ci, i);
		}
	}
#endif
}

/* One line about CPU ci for the deadlock report. */
static void
xcs_rp_describe(FILE *f, struct cpu_info *ci)
{
	const char *what;
	int target;

	target = xcs_rp_waits_for(ci, &what);
	fprintf(f, "  cpu%u at %s", ci->ci_cpuid,
	    xcs_ipl_name(xcs_atomic_load(&ci->ci_ilevel)));
	xcs_rp_print_wait(f, ci, what, target);
	if (xcs_atomic_load(&ci->ci_ipis) != 0)
		fprintf(f, ", IPI pending (masked)");
	xcs_rp_print_slots(f, ci);
	fprintf(f, "\n");
}

/*
 * The wait-for chain from CPU start: "cpu1 (IPL_VM) -> cpu2 (IPL_VM) ->
 * cpu1" when it closes a cycle.  Returns whether it does.
 */
static int
xcs_rp_chain(FILE *f, unsigned int start)
{
	struct xcs_machine *xm = &xcs_machine;
	unsigned int n = start, hops;
	const char *what;
	int next;

	for (hops = 0; hops <= xm->xm_ncpus; hops++) {
		fprintf(f, "%scpu%u (%s)", hops ? " -> " : "", n,
		    xcs_ipl_name(xcs_atomic_load(&xm->xm_cpus[n].ci_ilevel)));
		next = xcs_rp_waits_for(&xm->xm_cpus[n], &what);
		if (next < 0) {
			/* The chain ends in a wait for no CPU. */
			xcs_rp_print_wait(f, &xm->xm_cpus[n], what, -1);
			return (0);
		}
		n = next;
		if (n == start) {
			fprintf(f, " -> cpu%u", n);
			return (1);
		}
	}
	return (0);
}

/* The first CPU on a wait-for cycle, or the longest chain's start. */
static unsigned int
xcs_rp_chain_start(void)
{
	struct xcs_machine *xm = &xcs_machine;
	unsigned int n, m, hops, best = 0, besthops = 0;
	const char *what;
	int next;

	for (n = 0; n < xm->xm_ncpus; n++) {
		m = n;
		for (hops = 0; hops <= xm->xm_ncpus; hops++) {
			next = xcs_rp_waits_for(&xm->xm_cpus[m], &what);
			if (next < 0)
				break;
			m = next;
			if (m == n)
				return (n);
		}
		if (hops > besthops) {
			best = n;
			besthops = hops;
		}
	}
	return (best);
}

/*
 * The first slot that nothing will dispatch because its poster never
 * sent the IPI, said after the chain: in the deadlock it is the cause.
 */
static void
xcs_rp_print_cause(FILE *f)
{
#ifdef MULTIPROCESSOR
	struct xcs_machine *xm = &xcs_machine;
	struct cpu_info *ci;
	unsigned int n;
	size_t i;
	int poster;

	for (n = 0; n < xm->xm_ncpus; n++) {
		ci = &xm->xm_cpus[n];
		if (xcs_atomic_load(&ci->ci_ipis) != 0 ||
		    xcs_atomic_load(&ci->ci_ipending) != 0)
			continue;
		for (i = 0; i < nitems(ci->ci_xcall.xci_xcalls); i++) {
			if (xcs_slot_peek(ci, i) == NULL ||
			    !xcs_slot_unsent(ci, i, &poster))
				continue;
			fprintf(f, "; no IPI will come for cpu%u slot %zu", n,
			    i);
			xcs_print_unsent(f, ci, i);
			return;
		}
	}
#endif
}

/*
 * No CPU can run: print what each waits for and panic with the wait-for
 * chain and the seed that replays it.
 */
__attribute__((__noreturn__)) void
xcs_replay_deadlock(struct cpu_info *ci)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_replay *xr = &xcs_replay;
	char chain[640];
	unsigned int n;
	FILE *f;
	int cycle = 0;

	if (xr->xr_idle > XCS_RP_SPINS)
		fprintf(stderr, "replay: deadlock: no CPU has got anywhere "
		    "since step %" PRIu64 " (%u spins saw nothing change) and "
		    "none can take an IPI\n", xr->xr_last, XCS_RP_SPINS);
	else
		fprintf(stderr, "replay: deadlock: since step %" PRIu64 " no "
		    "CPU can run and none can take an IPI\n", xr->xr_last);
	for (n = 0; n < xm->xm_ncpus; n++)
		xcs_rp_describe(stderr, &xm->xm_cpus[n]);
	memset(chain, 0, sizeof(chain));
	if ((f = fmemopen(chain, sizeof(chain) - 1, "w")) != NULL) {
		cycle = xcs_rp_chain(f, xcs_rp_chain_start());
		xcs_rp_print_cause(f);
		fclose(f);
	}
	panic("replay: deadlock since step %" PRIu64 ", found on cpu%u: %s "
	    "%s; XCALLSIM_REPLAY=%" PRIu64 ":%u:%u replays it", xr->xr_last,
	    ci->ci_cpuid, cycle ? "wait-for cycle" : "wait-for chain", chain,
	    xr->xr_seed, xr->xr_depth, xr->xr_steps);
}
