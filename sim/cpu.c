/*	xcallsim: sim/cpu.c, the simulated CPUs	*/

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
 * Running simulated CPUs (boot.c builds the machine, job.c hands them
 * work).
 *
 * A CPU is a host thread.  cpu0 is the thread that booted the machine;
 * the others sit in an idle loop that halts (sleeps on the CPU's futex
 * word) or polls its doorbell, runs jobs handed to it in process
 * context, and takes IPIs.
 *
 * Every wait a CPU does goes through xcs_cpu_wait(): it publishes that
 * the CPU is blocked or polling, looks at its doorbell, checks the
 * condition and only then sleeps on xc_blockseq.  Whoever changes a
 * condition a CPU may be waiting for calls xcs_cpu_kick(), which bumps
 * the word and wakes the futex, so no wakeup and no IPI is lost however
 * late the host delivers a signal.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <urcu/arch.h>		/* caa_cpu_relax */

#include "xcs.h"


struct xcs_machine xcs_machine;
unsigned int xcs_booted;
char *xcs_cpus_lo, *xcs_cpus_hi;

__thread struct cpu_info *xcs_curcpu_tls
    __attribute__((__tls_model__("initial-exec")));
__thread unsigned long xcs_membar_word;

static __thread char xcs_errbuf[512];
static void	xcs_host_relax(void);

void
xcs_seterr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(xcs_errbuf, sizeof(xcs_errbuf), fmt, ap);
	va_end(ap);
}

const char *
xcs_errstr(void)
{
	return (xcs_errbuf);
}

void
xcs_not_a_cpu(const char *what)
{
	fprintf(stderr, "xcallsim: %s called on a thread that is not a "
	    "simulated CPU%s\n", what, xcs_atomic_load(&xcs_booted) ? "" :
	    " (no machine is booted: call xcs_boot first)");
	abort();
}

/* The CPU whose cpu_info holds address p, or NULL. */
struct cpu_info *
xcs_cpu_holding(const void *p)
{
	if ((const char *)p < xcs_cpus_lo || (const char *)p >= xcs_cpus_hi)
		return (NULL);
	return (&xcs_machine.xm_cpus[((const char *)p - xcs_cpus_lo) /
	    sizeof(struct cpu_info)]);
}

/*
 * What ci is doing, for the reports (a hypercall, from the interrupt
 * entry): only ci writes it, atomically for the readers.
 */
const char *
xcs_cpu_doing(struct cpu_info *ci, const char *doing)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	const char *was = xcs_atomic_load(&xc->xc_doing);

	xcs_atomic_store(&xc->xc_doing, doing);
	return (was);
}

/*
 * Whether a CPU doing this runs xcalls: in the soft interrupt of the
 * current glue, or in the IPI handler, which the earlier glue's
 * dispatch runs from.  The names are the kernel's sources'.
 */
int
xcs_doing_xcalls(const char *doing)
{
	return (doing != NULL && (strcmp(doing, "softxcall") == 0 ||
	    strcmp(doing, "ipi") == 0));
}

/* The kernel's counters (the xh_count hook), in the CPU's stats. */
void
xcs_cpu_count(struct cpu_info *ci, int what)
{
	switch (what) {
	case XCS_CNT_DISPATCH_RUNS:
		XCS_STAT_INC(ci, xs_dispatch_runs);
		break;
	case XCS_CNT_IPI_TAKEN:
		XCS_STAT_INC(ci, xs_ipi_taken);
		break;
	case XCS_CNT_IPI_DEFERRED:
		XCS_STAT_INC(ci, xs_ipi_deferred);
		break;
	case XCS_CNT_SOFT_DEFERRED:
		XCS_STAT_INC(ci, xs_soft_deferred);
		break;
	}
}

/*
 * Wake a CPU that may be waiting in xcs_cpu_wait().  The increment is a
 * full barrier: the caller's change to the condition is visible before
 * the load of the state, and the waiter's store of its state is
 * visible before it reads the condition, so at least one side sees the
 * other.  A waiter that read the old sequence number gets EAGAIN from
 * the futex.
 */
void
xcs_cpu_kick(struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	unsigned int state;

	xcs_replay_wrote();
	xcs_atomic_add_nv(&xc->xc_blockseq, 1);
	state = xcs_atomic_load(&xc->xc_state);
	if (state == XCS_BLOCKED || state == XCS_STOPPED)
		xcs_host_wake(&xc->xc_blockseq);
}

/* The watchdog found this waiting CPU stuck: it panics, as it spins. */
static void
xcs_cpu_check_spunout(struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	const char *spunout;

	if (__predict_false((spunout = xcs_atomic_load(&xc->xc_spunout)) !=
	    NULL)) {
		xcs_atomic_store(&xc->xc_spunout, NULL);
		if (!xcs_panicked())
			panic("%s", spunout);
	}
}

/* A CPU that is stopped for shutdown or after a panic leaves here. */
static void
xcs_cpu_check_halting(struct cpu_info *ci)
{
	/* cpu0 outside a job is the one shutting down: it goes on. */
	if (__predict_false(xcs_atomic_load(&xcs_machine.xm_halting)) &&
	    ci->ci_xcs->xc_has_top)
		xcs_cpu_abandon(ci);
}

/*
 * Wait, at IPL_NONE, until done(arg) is true, taking IPIs meanwhile.
 * With poll set the CPU spins on its doorbell, as an idle loop in poll
 * mode does; otherwise it sleeps.
 */
void
xcs_cpu_wait(struct cpu_info *ci, int (*done)(void *), void *arg, int poll)
{
	xcs_cpu_wait_ns(ci, done, arg, poll, 0);
}

/* As xcs_cpu_wait, re-checking done(arg) at least every tick_ns. */
void
xcs_cpu_wait_ns(struct cpu_info *ci, int (*done)(void *), void *arg,
    int poll, uint64_t tick_ns)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	int state = poll ? XCS_POLLING : XCS_BLOCKED;
	int32_t seq;

	xcs_progress(xc);
	for (;;) {
		seq = xcs_atomic_load(&xc->xc_blockseq);
		/*
		 * The swap orders the state before the loads below.  A
		 * polling CPU that already shows it skips the store, so
		 * senders keep reading a line it does not write.
		 */
		if (!poll || (int)xcs_atomic_load(&xc->xc_state) != state)
			(void)xcs_atomic_swap(&xc->xc_state, state);
		xcs_cpu_check_halting(ci);
		xcs_cpu_check_spunout(ci);
		/* After a panic IPIs stay pending: nobody takes them. */
		if (xcs_atomic_load(&ci->ci_ipis) != 0 &&
		    xcs_atomic_load(&panicstr) == NULL) {
			if (!poll)
				xcs_atomic_store(&xc->xc_state, XCS_RUNNING);
			xcs_doorbell(ci);
			continue;
		}
		if (done(arg))
			break;
		if (xcs_replay_waits(ci)) {
			if (xcs_replay_wait(ci, done, arg, tick_ns != 0) != 0)
				break;
			continue;
		}
		if (poll) {
			xcs_host_relax();
			continue;
		}
		xcs_trace(ci, XCS_TR_HALT_B, 0, -1, NULL, 0);
		xcs_host_wait(&xc->xc_blockseq, seq, tick_ns);
		xcs_atomic_store(&xc->xc_state, XCS_RUNNING);
		xcs_trace(ci, XCS_TR_HALT_E, 0, -1, NULL, 0);
	}

	(void)xcs_atomic_swap(&xc->xc_state, XCS_RUNNING);
	if (xcs_replay_active())
		xcs_replay_resume(ci);
	/* An IPI sent while we looked polling rang no bell: check. */
	xcs_doorbell(ci);
}

/*
 * With more simulated CPUs than host CPUs, a spinning thread would burn
 * its whole timeslice while the CPU it waits for cannot run; giving the
 * host CPU away now and then changes no simulated behaviour.  Not on a
 * machine with a host CPU per simulated CPU, even on a busy host: there
 * a yield every 1024 spins cost one sender's throughput 30% on an idle
 * host (and the check gives a busy host more time instead).
 */
static __thread unsigned int xcs_spins;

/* Every thread-local the signal path touches, on this thread. */
void
xcs_cpu_tls_touch(void)
{
	XCS_TLS_TOUCH(xcs_curcpu_tls);
	XCS_TLS_TOUCH(xcs_membar_word);
	XCS_TLS_TOUCH(xcs_errbuf);
	XCS_TLS_TOUCH(xcs_spins);
	xcs_ipi_tls_touch();
	xcs_fault_tls_touch();
	xcs_trap_tls_touch();
	xcs_watch_tls_touch();
	(void)xcs_host_tid();
}

static void
xcs_host_relax(void)
{
	caa_cpu_relax();
	if (xcs_machine.xm_oversubscribed && ++xcs_spins % 64 == 0)
		sched_yield();
}

void
xcs_cpu_busy_cycle(void)
{
	struct cpu_info *ci = curcpu();
	struct xcs_cpu *xc = ci->ci_xcs;

	/*
	 * For the watchdog.  A nested handler's spin may lose an update
	 * here; the monitor only asks whether the count moved.
	 */
	xcs_atomic_store(&xc->xc_spins, xcs_atomic_load(&xc->xc_spins) + 1);
	xcs_cpu_check_panic(ci);
	if (xcs_slot_spin_seen())
		XCS_STAT_INC(ci, xs_slot_full_spins);
	else if (__predict_false(xcs_atomic_load(&xc->xc_spin_target) != -1))
		/*
		 * Not a retry on full slots (a delay loop, say): whatever
		 * this CPU waits for now, it is not the target it last
		 * failed to claim.  Only this CPU writes it.
		 */
		xcs_atomic_store(&xc->xc_spin_target, -1);
	if (xcs_replay_active())
		xcs_replay_spin(ci);
	else
		xcs_host_relax();
	xcs_doorbell(ci);
	xcs_cpu_check_halting(ci);
}

/*
 * Abandon whatever this CPU is doing, after a panic or at shutdown: back
 * to the frame that started the job or the idle loop, with the CPU's
 * interrupt state reset.
 */
void
xcs_cpu_abandon(struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;

	if (!xc->xc_has_top) {
		if (xcs_panicked())
			xcs_panic_stop(ci);
		abort();
	}
	siglongjmp(xc->xc_top, 1);
}

/*
 * Kernel code that waits stops here after a panic on another CPU, as a
 * panicking kernel stops the others; and a CPU the watchdog found stuck
 * panics here with its report.
 */
void
xcs_cpu_check_panic(struct cpu_info *ci)
{
	xcs_cpu_check_spunout(ci);
	if (__predict_false(xcs_panicked()))
		xcs_cpu_abandon(ci);
}

void
xcs_cpu_reset_intr(struct cpu_info *ci)
{
	xcs_atomic_store(&ci->ci_ilevel, IPL_NONE);
	xcs_atomic_store(&ci->ci_idepth, 0);
	xcs_atomic_store(&ci->ci_handled_intr_level, IPL_NONE);
	xcs_atomic_store(&ci->ci_mutex_level, 0);
	/*
	 * Wakers on other CPUs read these (wakeup_n); atomic stores, but
	 * nothing to order: the CPU is abandoning what it was doing.
	 */
	xcs_atomic_store((const void **)&ci->ci_curproc->p_wchan, NULL);
	xcs_atomic_store(&ci->ci_curproc->p_stat, SONPROC);
}

/*
 * Run a job in process context on this CPU.  A panic inside it (with
 * interception on) lands back here; the CPU is then stopped.
 */
void
xcs_cpu_run_job(struct cpu_info *ci, struct xcs_job *xj)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	struct cpu_info *joiner;
	int saved_top = xc->xc_has_top;
	sigjmp_buf saved;

	memcpy(saved, xc->xc_top, sizeof(saved));
	if (sigsetjmp(xc->xc_top, 1) == 0) {
		xc->xc_has_top = 1;
		xcs_atomic_store(&xc->xc_doing, "process");
		xcs_trace(ci, XCS_TR_JOB_B, 0, -1, (void *)xj->xj_fn, 0);
		xj->xj_fn(xj->xj_arg);
		xj->xj_error = 0;
		if (xcs_atomic_load(&ci->ci_ilevel) != IPL_NONE ||
		    ci->ci_mutex_level != 0)
			panic("cpu%u: job %p returned at %s holding %d "
			    "mutexes", ci->ci_cpuid, (void *)xj->xj_fn,
			    xcs_ipl_name(ci->ci_ilevel), ci->ci_mutex_level);
	} else {
		xcs_cpu_reset_intr(ci);
		xcs_atomic_store(&xc->xc_state, XCS_STOPPED);
		xj->xj_error = ECANCELED;
	}
	memcpy(xc->xc_top, saved, sizeof(saved));
	xc->xc_has_top = saved_top;
	xcs_trace(ci, XCS_TR_JOB_E, 0, -1, NULL, 0);
	xcs_atomic_store(&xc->xc_doing, "idle");
	xcs_progress(xc);

	/* The swap publishes xj_error; the joiner kicks pair with it. */
	(void)xcs_atomic_swap(&xj->xj_done, 1);
	joiner = xcs_atomic_load(&xj->xj_joiner);
	if (joiner != NULL)
		xcs_cpu_kick(joiner);
}

static int
xcs_idle_done(void *arg)
{
	struct xcs_cpu *xc = arg;

	return (xcs_atomic_load(&xc->xc_job) != NULL ||
	    xcs_atomic_load(&xcs_machine.xm_halting));
}

static void
xcs_idle(struct cpu_info *ci)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	struct xcs_job *xj;

	for (;;) {
		if (xcs_atomic_load(&xcs_machine.xm_halting))
			return;
		if (xcs_atomic_load(&xc->xc_state) == XCS_STOPPED) {
			/* Panicked: wait for shutdown, take nothing. */
			xcs_host_wait(&xc->xc_blockseq,
			    xcs_atomic_load(&xc->xc_blockseq), 0);
			continue;
		}
		xj = xcs_atomic_swap(&xc->xc_job, NULL);
		if (xj != NULL) {
			xcs_cpu_run_job(ci, xj);
			continue;
		}
		xcs_cpu_wait(ci, xcs_idle_done, xc,
		    xcs_machine.xm_config.xc_idle == XCS_IDLE_POLL);
	}
}

void *
xcs_cpu_main(void *arg)
{
	struct cpu_info *ci = arg;
	struct xcs_cpu *xc = ci->ci_xcs;

	/*
	 * The thread starts with the IPI signal blocked, as a CPU starts
	 * with interrupts disabled: everything the handler uses (the
	 * thread-locals, the frame a panic returns to) is set up first.
	 */
	xcs_curcpu_tls = ci;
	xcs_atomic_store(&xc->xc_tid, xcs_host_tid());
	/* Without its own stack a trap still panics, but not an overflow. */
	(void)xcs_trap_stack_attach();
	if (sigsetjmp(xc->xc_top, 1) != 0) {
		/* A panic in an interrupt taken while idle. */
		xcs_cpu_reset_intr(ci);
		if (xcs_atomic_load(&panicstr) != NULL)
			xcs_atomic_store(&xc->xc_state, XCS_STOPPED);
	}
	xc->xc_has_top = 1;
	xcs_cpu_tls_touch();
	xcs_ipi_unmask();
	xcs_idle(ci);
	xcs_atomic_store(&xc->xc_state, XCS_STOPPED);
	xcs_watch_close();
	xcs_curcpu_tls = NULL;
	xcs_trap_stack_detach();
	return (NULL);
}

uint64_t
xcs_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

uint64_t
xcs_now_ms(void)
{
	return (xcs_clock_ns() / 1000000);
}

/* Replay has no clock: a timeout ends when nothing else can run. */
int
xcs_clock_stopped(void)
{
	return (xcs_replay_active());
}
