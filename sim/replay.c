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

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "xcs_machine.h"
#include "replay.h"

struct xcs_replay xcs_replay;

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

/* The scheduler's own generator, apart from the faults'. */
static uint64_t
xcs_rp_random(struct xcs_replay *xr)
{
	return (xcs_splitmix64(&xr->xr_rng));
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

	if (!xcs_replay_hooked())
		return;
	/* The acquire load pairs with each CPU's increment as it parks. */
	while (xcs_hload(&xr->xr_parked) + 1 < xcs_machine.xm_ncpus)
		sched_yield();
	/* Only cpu0 runs from here: the store orders nothing. */
	xcs_hstore(&xr->xr_started, 1);
}

/* Let every CPU run freely, for shutdown. */
void
xcs_replay_open(void)
{
	struct xcs_replay *xr = &xcs_replay;
	unsigned int n;

	if (!xcs_replay_hooked())
		return;
	/* The store is seen by each parked CPU after the wake below. */
	xcs_hstore(&xr->xr_open, 1);
	for (n = 0; n < xcs_machine.xm_ncpus; n++) {
		/*
		 * A CPU that has just handed cpu0 the token may not be in
		 * its futex wait yet: a wake now finds nobody, and its wait
		 * would sleep for good on a word still 0.  The store gives
		 * every CPU the turn, so that wait returns at once; it comes
		 * after the CPU's own clearing store, which cpu0 saw before
		 * it got the token.
		 */
		xcs_hstore(&xr->xr_cpus[n].rc_turn, 1);
		xcs_host_wake(&xr->xr_cpus[n].rc_turn);
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

	if (!xcs_replay_hooked() || xcs_hload(&xr->xr_frozen))
		return;
	/* Whoever sees the frozen flag stops using the schedule. */
	xcs_hstore(&xr->xr_frozen, 1);
	if (ci == NULL || xcs_cpu_index(ci) != 0) {
		/* The release store lets cpu0 see everything done so far. */
		xcs_hstore(&xr->xr_cpus[0].rc_turn, 1);
		xcs_host_wake(&xr->xr_cpus[0].rc_turn);
	}
}

/* Whether a panic ended the schedule: the replayed trace ends there. */
int
xcs_replay_frozen(void)
{
	/* Relaxed: set once; what the trace misses after it is moot. */
	return (xcs_replay_hooked() &&
	    __atomic_load_n(&xcs_replay.xr_frozen, __ATOMIC_RELAXED));
}

/* Whether ci runs under the schedule now. */
int
xcs_replay_active(void)
{
	struct xcs_replay *xr = &xcs_replay;

	/* Relaxed loads: each flag is set once and orders nothing. */
	return (xcs_replay_hooked() && xcs_curcpu_tls != NULL &&
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
	return (xcs_replay_hooked() && xcs_cpu_index(ci) != 0 &&
	    !__atomic_load_n(&xr->xr_started, __ATOMIC_RELAXED) &&
	    xr->xr_cpus[xcs_cpu_index(ci)].rc_seen == UINT64_MAX);
}

/* The trace's clock in replay: one tick (a microsecond) per event. */
uint64_t
xcs_replay_clock(void)
{
	/* A counter, not an ordering: only its value matters. */
	return (xcs_hadd_nv(&xcs_replay.xr_clock, 1) * 1000);
}

uint64_t
xcs_replay_steps(void)
{
	return (xcs_replay.xr_step);
}
