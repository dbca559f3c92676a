/*	xcallsim: sim/replay_sched.c, the replay scheduler's steps	*/

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
 * The steps of seeded replay (sim/replay.c says what it is): which CPU
 * may run, handing the token over, the points, spins and waits, and
 * the exact deadlock report.
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


#include "xcs.h"
#include "replay.h"

/*
 * Whether CPU ci would take an IPI now: the signal a running CPU is
 * sent, or the doorbell a spinning or waiting one looks at, which it
 * answers if its level allows.
 */
static int
xcs_rp_ipi_deliverable(struct cpu_info *ci)
{
	return (xcs_replay.xr_cpus[ci->ci_cpuid].rc_signal ||
	    xcs_doorbell_rings(ci));
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
		xcs_host_wait(&rc->rc_turn, 0, 0);
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
	xcs_host_wake(&rc->rc_turn);
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

/* The wait-for edge of CPU n under replay: whether it spins is known. */
static int
xcs_rp_edge(unsigned int n, void *arg, const char **what)
{
	struct xcs_rp_cpu *rc = &xcs_replay.xr_cpus[n];

	return (xcs_wf_waits_for(&xcs_machine.xm_cpus[n],
	    rc->rc_mode == XCS_RM_SPIN || rc->rc_mode == XCS_RM_LOOK, what));
}

/* Its one line in the deadlock report. */
static void
xcs_rp_describe(FILE *f, unsigned int n)
{
	struct xcs_rp_cpu *rc = &xcs_replay.xr_cpus[n];

	xcs_wf_describe(f, &xcs_machine.xm_cpus[n],
	    rc->rc_mode == XCS_RM_SPIN || rc->rc_mode == XCS_RM_LOOK);
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
		xcs_rp_describe(stderr, n);
	memset(chain, 0, sizeof(chain));
	if ((f = fmemopen(chain, sizeof(chain) - 1, "w")) != NULL) {
		cycle = xcs_wf_chain(f, xcs_rp_edge, NULL);
		xcs_wf_print_cause(f);
		fclose(f);
	}
	panic("replay: deadlock since step %" PRIu64 ", found on cpu%u: %s "
	    "%s; XCALLSIM_REPLAY=%" PRIu64 ":%u:%u replays it", xr->xr_last,
	    ci->ci_cpuid, cycle ? "wait-for cycle" : "wait-for chain", chain,
	    xr->xr_seed, xr->xr_depth, xr->xr_steps);
}
