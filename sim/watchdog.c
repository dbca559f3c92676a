/*	xcallsim: sim/watchdog.c, the spin and slot watchdog	*/

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
 * The watchdog.  A kernel built with MP_LOCKDEBUG counts the spins of a
 * CPU waiting for a lock and stops the machine when the count runs out;
 * Linux's CSD lock debugging notices a cross-CPU call that has waited
 * too long and says who holds it up.  Here a monitor thread, which is
 * not a simulated CPU, looks at every CPU four times per timeout:
 *
 * - a CPU whose CPU_BUSY_CYCLE count moves while its progress count
 *   (slots claimed, sleeps begun, jobs finished) stands still is
 *   spinning; after the timeout it is reported with what it waits for,
 *   the CPU whose full slots it last failed to claim;
 * - spinning CPUs that wait for each other's slots are reported as one
 *   deadlock cycle;
 * - a slot that has held the same xcall while its CPU started no
 *   dispatch is stale, and if no IPI and no SIR_XCALL is pending
 *   either, nothing will ever run it.
 *
 * With panic set, the stuck CPU panics with the report's first line, as
 * an MP_LOCKDEBUG kernel would: at once if it is stuck on xcalls (full
 * slots, a cycle, or a slot nothing will dispatch, which panics the
 * slot's CPU), after ten timeouts if it only spins.
 *
 * The monitor reads the CPUs with atomics only: they keep the reads
 * whole and visible to a sanitizer, and the watchdog relies on no
 * ordering from them, since a report is a snapshot and the next look
 * corrects it; nor do the CPUs' counters for it.  The one thing it writes
 * that a CPU reads is xc_spunout, the message a stuck CPU panics
 * with at its next CPU_BUSY_CYCLE when the watchdog is set to panic:
 * the stuck CPU panics, as in the kernel.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xcs_machine.h"
#include "watchdog.h"

int
xcs_watchdog_check(const struct xcs_config *cfg)
{
	if (cfg->xc_watchdog_ms > XCS_WD_MAX) {
		xcs_seterr("xcs_boot: watchdog timeout %u ms is more than "
		    "an hour", cfg->xc_watchdog_ms);
		return (EINVAL);
	}
	return (0);
}

/* A CPU made progress: the monitor stops counting its spin. */
void
xcs_progress(struct xcs_cpu *xc)
{
	/* Only this CPU writes it; lost nested updates only delay. */
	xcs_hstore(&xc->xc_progress, xcs_hload(&xc->xc_progress) + 1);
	xcs_hstore(&xc->xc_spin_target, -1);
}


/*
 * One look at CPU n's spinning, and at its received count: a CPU that
 * took xcalls posted to it since a waiter began to spin is draining.
 */
static void
xcs_wd_look_spin(struct xcs_watchdog *wd, unsigned int n, uint64_t now)
{
	struct xcs_wd_cpu *wc = &wd->wd_cpus[n];
	struct xcs_cpu *xc = &xcs_machine.xm_xcs[n];
	uint64_t busy, progress, received;

	busy = xcs_hload(&xc->xc_spins);
	progress = xcs_hload(&xc->xc_progress);
	received = xcs_hload(&xc->xc_received);
	if (received != wc->wc_received)
		wc->wc_drained = now;
	wc->wc_received = received;
	if (progress != wc->wc_progress || busy == wc->wc_busy) {
		/* Got somewhere, or stopped spinning. */
		if (wc->wc_spin_next != 0)
			xcs_wd_report_unstuck(n, -1,
			    now - wc->wc_spin_since);
		wc->wc_spin_since = 0;
		wc->wc_spin_next = 0;
	} else if (wc->wc_spin_since == 0)
		wc->wc_spin_since = wd->wd_last;
	wc->wc_busy = busy;
	wc->wc_progress = progress;
}

/* Report CPU n if it has spun too long, as part of a cycle if it is. */
static void
xcs_wd_check_spin(struct xcs_watchdog *wd, unsigned int n, uint64_t now)
{
	struct xcs_wd_cpu *wc = &wd->wd_cpus[n];
	unsigned int cycle[XCS_STALL_MAXCYCLE], len;

	if (wc->wc_spin_since == 0 || now - wc->wc_spin_since < wd->wd_ms)
		return;
	if (wc->wc_spin_next != 0 && now < wc->wc_spin_next)
		return;
	if ((len = xcs_wd_cycle(wd, n, now, cycle)) != 0)
		xcs_wd_report_cycle(wd, cycle, len, now);
	else
		xcs_wd_report_spin(wd, n, now);
}

#ifdef MULTIPROCESSOR
/*
 * One look at CPU n's slots: an xcall that is still there, with no
 * dispatch pass started on n since the last look, is getting old.
 */
static void
xcs_wd_look_slots(struct xcs_watchdog *wd, unsigned int n, uint64_t now)
{
	struct xcs_wd_cpu *wc = &wd->wd_cpus[n];
	struct xcs_cpu *xc = &xcs_machine.xm_xcs[n];
	uint64_t seq;
	int i, oldest = -1;

	for (i = 0; i < XCS_NSLOTS; i++) {
		/*
		 * The same claim still in the slot, however many dispatch
		 * passes ran meanwhile: a pass that skips a slot is stale.
		 */
		seq = xcs_hload(&xc->xc_slot_seq[i]);
		if (xcs_slot_peek(xc->xc_ci, i) == NULL)
			wc->wc_slot_since[i] = 0;
		else if (wc->wc_slot_since[i] == 0 ||
		    seq != wc->wc_slot_seq[i])
			wc->wc_slot_since[i] = now;
		wc->wc_slot_seq[i] = seq;
		if (wc->wc_slot_since[i] != 0 && (oldest == -1 ||
		    wc->wc_slot_since[i] < wc->wc_slot_since[oldest]))
			oldest = i;
	}

	/* The reported xcall left its slot, or another one is there. */
	if (wc->wc_stale_slot != -1 &&
	    wc->wc_slot_since[wc->wc_stale_slot] != wc->wc_stale_since) {
		xcs_wd_report_unstuck(n, wc->wc_stale_slot,
		    now - wc->wc_stale_since);
		wc->wc_stale_slot = -1;
	}
	if (oldest == -1 || now - wc->wc_slot_since[oldest] < wd->wd_ms)
		return;
	if (wc->wc_stale_slot != -1 && now < wc->wc_stale_next)
		return;
	xcs_wd_report_slot(wd, n, oldest, now);
}
#endif /* MULTIPROCESSOR */

static void
xcs_wd_look(struct xcs_watchdog *wd)
{
	unsigned int n, ncpus = xcs_machine.xm_ncpus;
	uint64_t now = xcs_now_ms();

	for (n = 0; n < ncpus; n++)
		xcs_wd_look_spin(wd, n, now);
	for (n = 0; n < ncpus; n++)
		xcs_wd_check_spin(wd, n, now);
#ifdef MULTIPROCESSOR
	for (n = 0; n < ncpus; n++)
		xcs_wd_look_slots(wd, n, now);
#endif
	wd->wd_last = now;
}

static void *
xcs_wd_main(void *arg)
{
	struct xcs_watchdog *wd = arg;
	unsigned int ms = wd->wd_ms / 4;
	sigset_t all;

	/* Four looks per timeout, from 1 ms to 1 s apart. */
	ms = ms < 1 ? 1 : ms > 1000 ? 1000 : ms;
	/* Not a CPU: no IPI, and no other signal either. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	wd->wd_last = xcs_now_ms();
	while (!xcs_hload(&wd->wd_stop)) {
		xcs_host_wait(&wd->wd_stop, 0, (uint64_t)ms * 1000000);
		/* After a panic the machine is stopped: nothing to say. */
		if (xcs_hload(&wd->wd_stop) || xcs_panicked())
			continue;
		xcs_wd_look(wd);
	}
	return (NULL);
}

int
xcs_watchdog_start(void)
{
	struct xcs_machine *xm = &xcs_machine;
	struct xcs_watchdog *wd;
	unsigned int n;
	int error;

	if (xm->xm_config.xc_watchdog_ms == 0)
		return (0);
	if ((wd = calloc(1, sizeof(*wd))) == NULL ||
	    (wd->wd_cpus = calloc(xm->xm_ncpus, sizeof(*wd->wd_cpus))) ==
	    NULL) {
		free(wd);
		xcs_seterr("xcs_boot: no memory for the watchdog");
		return (ENOMEM);
	}
	for (n = 0; n < xm->xm_ncpus; n++)
		wd->wd_cpus[n].wc_stale_slot = -1;
	wd->wd_ms = xm->xm_config.xc_watchdog_ms;
	wd->wd_panic = xm->xm_config.xc_watchdog_panic;
	wd->wd_resend = xm->xm_config.xc_watchdog_resend;
	if ((error = pthread_create(&wd->wd_thread, NULL, xcs_wd_main,
	    wd)) != 0) {
		free(wd->wd_cpus);
		free(wd);
		xcs_seterr("xcs_boot: cannot start the watchdog: %s",
		    strerror(error));
		return (error);
	}
	xm->xm_watchdog = wd;
	return (0);
}

void
xcs_watchdog_stop(void)
{
	struct xcs_watchdog *wd = xcs_machine.xm_watchdog;

	if (wd == NULL)
		return;
	/* The swap orders nothing else; the wake ends the monitor's wait. */
	(void)xcs_hswap(&wd->wd_stop, 1);
	xcs_host_wake(&wd->wd_stop);
	pthread_join(wd->wd_thread, NULL);
	free(wd->wd_cpus);
	free(wd);
	xcs_machine.xm_watchdog = NULL;
}
