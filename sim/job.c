/*	xcallsim: sim/job.c, work for CPUs, and what they say back	*/

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
 * The simulator's calls for running process-context work on a CPU
 * (xcs_cpu_start, xcs_cpu_join, xcs_cpu_run), for waiting until the
 * machine is quiet, and for reading a CPU's counters.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <string.h>

#include "xcs.h"

unsigned int
xcs_ncpus(void)
{
	return (xcs_atomic_load(&xcs_booted) ? xcs_machine.xm_ncpus : 0);
}

struct cpu_info *
xcs_cpu(unsigned int n)
{
	if (!xcs_atomic_load(&xcs_booted)) {
		xcs_seterr("xcs_cpu: no machine is booted");
		return (NULL);
	}
	if (n >= xcs_machine.xm_ncpus) {
		xcs_seterr("xcs_cpu: no cpu%u; the machine has %u CPUs", n,
		    xcs_machine.xm_ncpus);
		return (NULL);
	}
	return (&xcs_machine.xm_cpus[n]);
}

static int
xcs_job_check(const char *func, unsigned int n)
{
	if (!xcs_atomic_load(&xcs_booted)) {
		xcs_seterr("%s: no machine is booted", func);
		return (ESRCH);
	}
	if (n >= xcs_machine.xm_ncpus) {
		xcs_seterr("%s: no cpu%u; the machine has %u CPUs", func, n,
		    xcs_machine.xm_ncpus);
		return (EINVAL);
	}
	return (0);
}

int
xcs_cpu_start(unsigned int n, void (*fn)(void *), void *arg)
{
	struct cpu_info *ci;
	struct xcs_cpu *xc;
	struct xcs_job *xj;
	int error;

	if ((error = xcs_job_check("xcs_cpu_start", n)) != 0)
		return (error);
	if (fn == NULL) {
		xcs_seterr("xcs_cpu_start: NULL function for cpu%u", n);
		return (EINVAL);
	}
	ci = &xcs_machine.xm_cpus[n];
	xc = ci->ci_xcs;
	if (xcs_atomic_cas(&xc->xc_busy, 0, 1) != 0) {
		xcs_seterr("xcs_cpu_start: cpu%u is still running a job "
		    "that was not joined", n);
		return (EBUSY);
	}

	xj = &xc->xc_jobslot;
	xj->xj_fn = fn;
	xj->xj_arg = arg;
	xj->xj_error = 0;
	xcs_atomic_store(&xj->xj_done, 0);
	xcs_atomic_store(&xj->xj_joiner, NULL);

	if (xcs_curcpu_tls == ci) {
		xcs_cpu_run_job(ci, xj);
		return (0);
	}
	/* The swap publishes the job; the kick wakes the idle loop. */
	(void)xcs_atomic_swap(&xc->xc_job, xj);
	xcs_cpu_kick(ci);
	return (0);
}

/*
 * Run fn(ci, arg) on CPU ci, which may have no frame to return to after
 * a panic (cpu0 outside any job): such a panic ends it with ECANCELED
 * instead of aborting the program.  A CPU in a job has its frame.
 */
static int
xcs_cpu_guarded(struct cpu_info *ci, int (*fn)(struct cpu_info *, void *),
    void *arg)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	int error;

	if (xc->xc_has_top)
		return (fn(ci, arg));
	if (sigsetjmp(xc->xc_top, 1) != 0) {
		xc->xc_has_top = 0;
		xcs_cpu_reset_intr(ci);
		xcs_atomic_store(&xc->xc_state, XCS_STOPPED);
		return (ECANCELED);
	}
	xc->xc_has_top = 1;
	error = fn(ci, arg);
	xc->xc_has_top = 0;
	return (error);
}

static int
xcs_job_done(void *arg)
{
	struct xcs_job *xj = arg;

	return (xcs_atomic_load(&xj->xj_done) != 0 ||
	    xcs_panic_message() != NULL);
}

/* A job to join, and the time limit of the wait (0 for none). */
struct xcs_join {
	struct xcs_job		*jn_job;
	uint64_t		 jn_deadline;	/* ms, or 0 */
};

static int
xcs_join_done(void *arg)
{
	struct xcs_join *jn = arg;

	return (xcs_job_done(jn->jn_job) || (jn->jn_deadline != 0 &&
	    !xcs_replay_active() && xcs_now_ms() >= jn->jn_deadline));
}

/* Wait for the job, looking at least every 10 ms if it has a limit. */
static int
xcs_join_wait(struct cpu_info *self, void *arg)
{
	struct xcs_join *jn = arg;
	xcs_cpu_wait_ns(self, xcs_join_done, jn, 0,
	    jn->jn_deadline != 0 ? 10 * 1000000 : 0);
	return (0);
}

static int
xcs_join(const char *func, unsigned int n, unsigned int timeout_ms)
{
	struct cpu_info *ci, *self = xcs_curcpu_tls;
	struct xcs_join jn;
	struct xcs_cpu *xc;
	int error;

	if ((error = xcs_job_check(func, n)) != 0)
		return (error);
	ci = &xcs_machine.xm_cpus[n];
	xc = ci->ci_xcs;
	if (!xcs_atomic_load(&xc->xc_busy)) {
		xcs_seterr("%s: cpu%u has no job to join", func, n);
		return (EINVAL);
	}
	if (self == NULL) {
		xcs_seterr("%s: the caller is not a simulated CPU", func);
		return (EPERM);
	}
	jn.jn_job = &xc->xc_jobslot;
	jn.jn_deadline = timeout_ms ? xcs_now_ms() + timeout_ms : 0;

	/* The swap pairs with the load of xj_joiner after xj_done. */
	(void)xcs_atomic_swap(&jn.jn_job->xj_joiner, self);
	if (xcs_cpu_guarded(self, xcs_join_wait, &jn) != 0)
		return (ECANCELED);
	if (!xcs_atomic_load(&jn.jn_job->xj_done)) {
		if (xcs_panic_message() != NULL)
			return (ECANCELED);
		xcs_seterr("%s: cpu%u's job is still running after %u ms",
		    func, n, timeout_ms);
		return (ETIMEDOUT);
	}
	xcs_atomic_store(&xc->xc_busy, 0);
	return (jn.jn_job->xj_error);
}

int
xcs_cpu_join(unsigned int n)
{
	return (xcs_join("xcs_cpu_join", n, 0));
}

int
xcs_cpu_join_timed(unsigned int n, unsigned int timeout_ms)
{
	if (timeout_ms == 0) {
		xcs_seterr("xcs_cpu_join_timed: a timeout of 0 ms");
		return (EINVAL);
	}
	/* Replay has no time, and finds a deadlock exactly instead. */
	if (xcs_replay_active())
		timeout_ms = 0;
	return (xcs_join("xcs_cpu_join_timed", n, timeout_ms));
}

int
xcs_cpu_run(unsigned int n, void (*fn)(void *), void *arg)
{
	int error;

	if ((error = xcs_cpu_start(n, fn, arg)) != 0)
		return (error);
	return (xcs_cpu_join(n));
}

/* How many of CPU ci's xcall slots hold an xcall. */
static unsigned int
xcs_slots_full(struct cpu_info *ci)
{
	unsigned int full = 0;
#ifdef MULTIPROCESSOR
	size_t i;

	for (i = 0; i < nitems(ci->ci_xcall.xci_xcalls); i++) {
		if (xcs_slot_peek(ci, i) != NULL)
			full++;
	}
#endif
	return (full);
}

/* Why CPU ci is not quiet, or NULL if it is, as self, quiescing, sees. */
static const char *
xcs_cpu_unquiet(struct cpu_info *ci, struct cpu_info *self)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	unsigned int state = xcs_atomic_load(&xc->xc_state);

	if (xcs_slots_full(ci) != 0)
		return ("an xcall slot is full");
	if (xcs_atomic_load(&ci->ci_ilevel) != IPL_NONE)
		return ("its IPL is raised");
	if (xcs_atomic_load(&ci->ci_ipending) != 0)
		return ("interrupt sources are pending");
	if (xcs_atomic_load(&ci->ci_ipis) != 0)
		return ("IPIs are pending");
	if (ci != self && (xcs_atomic_load(&xc->xc_busy) ||
	    (state != XCS_BLOCKED && state != XCS_POLLING)))
		return ("it is not idle");
	return (NULL);
}

/* Whether every CPU is quiet, for a replayed xcs_quiesce. */
static int
xcs_all_quiet(void *self)
{
	unsigned int n;

	for (n = 0; n < xcs_machine.xm_ncpus; n++) {
		if (xcs_cpu_unquiet(&xcs_machine.xm_cpus[n], self) != NULL)
			return (0);
	}
	return (1);
}

/*
 * Look until the machine is quiet or timeout_ms has passed.  The caller
 * waits as a CPU does: a panic elsewhere stops it, and so does the
 * watchdog's finding that an xcall this CPU owes a dispatch is stuck.
 */
static int
xcs_quiesce_look(struct cpu_info *self, unsigned int timeout_ms)
{
	struct xcs_machine *xm = &xcs_machine;
	struct cpu_info *ci = NULL;
	const char *why = NULL;
	uint64_t deadline;
	unsigned int n;
	int expired = 0;

	deadline = xcs_now_ms() + timeout_ms;
	for (;;) {
		xcs_cpu_check_panic(self);
		xcs_doorbell(self);
		for (n = 0, why = NULL; n < xm->xm_ncpus && why == NULL; n++) {
			ci = &xm->xm_cpus[n];
			why = xcs_cpu_unquiet(ci, self);
		}
		if (why == NULL)
			return (0);
		if (expired)
			break;
		if (xcs_replay_active()) {
			/*
			 * Timed out: nothing else can run, so it will never
			 * be quiet.  Look once more, for the reason.
			 */
			expired = xcs_replay_wait(self, xcs_all_quiet, self,
			    1) != 0;
			continue;
		}
		if (xcs_now_ms() > deadline)
			break;
		sched_yield();
	}
	xcs_seterr("xcs_quiesce: cpu%u is not quiet after %u ms: %s (%s, "
	    "ipending %#lx, ipis %#x)", ci->ci_cpuid, timeout_ms, why,
	    xcs_ipl_name(xcs_atomic_load(&ci->ci_ilevel)),
	    (unsigned long)xcs_atomic_load(&ci->ci_ipending),
	    xcs_atomic_load(&ci->ci_ipis));
	return (ETIMEDOUT);
}

/* The look, as xcs_cpu_guarded runs it. */
static int
xcs_quiesce_guarded(struct cpu_info *self, void *arg)
{
	return (xcs_quiesce_look(self, *(unsigned int *)arg));
}

/*
 * A panicked machine stays as it stopped and is never quiet: a panic
 * while the caller looks ends the look with ECANCELED.
 */
int
xcs_quiesce(unsigned int timeout_ms)
{
	struct cpu_info *self = xcs_curcpu_tls;
	int error;

	if (self == NULL) {
		xcs_seterr("xcs_quiesce: the caller is not a simulated CPU");
		return (xcs_atomic_load(&xcs_booted) ? EPERM : ESRCH);
	}
	if ((error = xcs_cpu_guarded(self, xcs_quiesce_guarded,
	    &timeout_ms)) == ECANCELED)
		xcs_seterr("xcs_quiesce: the kernel panicked: %s",
		    xcs_panic_message());
	return (error);
}

int
xcs_cpu_host_tid(unsigned int n)
{
	if (xcs_job_check("xcs_cpu_host_tid", n) != 0)
		return (-1);
	return (xcs_atomic_load(&xcs_machine.xm_xcs[n].xc_tid));
}

int
xcs_stats(unsigned int n, struct xcs_stats *xs)
{
	const uint64_t *src;
	uint64_t *dst;
	size_t i;
	int error;

	if ((error = xcs_job_check("xcs_stats", n)) != 0)
		return (error);
	src = (const uint64_t *)&xcs_machine.xm_xcs[n].xc_stats;
	dst = (uint64_t *)xs;
	for (i = 0; i < sizeof(*xs) / sizeof(uint64_t); i++)
		dst[i] = xcs_atomic_load(&src[i]);
	xs->xs_received = xcs_atomic_load(&xcs_machine.xm_xcs[n].xc_received);
	xs->xs_dispatched = xs->xs_received -
	    xcs_slots_full(&xcs_machine.xm_cpus[n]);
	return (0);
}

void
xcs_stats_total(struct xcs_stats *total)
{
	struct xcs_stats xs;
	uint64_t *dst = (uint64_t *)total, *src = (uint64_t *)&xs;
	unsigned int n;
	size_t i;

	memset(total, 0, sizeof(*total));
	for (n = 0; n < xcs_ncpus(); n++) {
		xcs_stats(n, &xs);
		for (i = 0; i < sizeof(xs) / sizeof(uint64_t); i++)
			dst[i] += src[i];
	}
}
