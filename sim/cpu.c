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
 * Booting, running and stopping simulated CPUs.
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

#include <urcu/futex.h>

#include "xcs.h"

#define XCS_FUTEX_PRIVATE	128	/* FUTEX_PRIVATE_FLAG */

struct xcs_machine xcs_machine;
unsigned int xcs_booted;
struct xcs_intr_bits xcs_intr_bits;
struct cpu_info *cpu_info_list;
char *xcs_cpus_lo, *xcs_cpus_hi;

__thread struct cpu_info *xcs_curcpu_tls
    __attribute__((__tls_model__("initial-exec")));
__thread unsigned long xcs_membar_word;

static __thread char xcs_errbuf[256];
static void	xcs_host_relax(void);
static pthread_t xcs_boot_thread;

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

int
xcs_is_cpu(const struct cpu_info *ci)
{
	struct xcs_machine *xm = &xcs_machine;
	size_t off;

	if ((const char *)ci < xcs_cpus_lo || (const char *)ci >= xcs_cpus_hi)
		return (0);
	off = (size_t)((const char *)ci - xcs_cpus_lo);
	return (off % sizeof(*ci) == 0 && off / sizeof(*ci) < xm->xm_ncpus);
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

/* Kernel calls given something that is not a booted CPU panic. */
void
xcs_check_cpu(const struct cpu_info *ci, const char *func)
{
	struct cpu_info *self = curcpu();

	if (!xcs_is_cpu(ci))
		panic("%s: cpu%u at %s: %p is not the cpu_info of a booted "
		    "CPU", func, self->ci_cpuid,
		    xcs_ipl_name(self->ci_ilevel), ci);
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
		futex_async(&xc->xc_blockseq, FUTEX_WAKE | XCS_FUTEX_PRIVATE,
		    1, NULL, NULL, 0);
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
	xcs_cpu_wait_timed(ci, done, arg, poll, NULL);
}

/* As xcs_cpu_wait, re-checking done(arg) at least every *tick. */
void
xcs_cpu_wait_timed(struct cpu_info *ci, int (*done)(void *), void *arg,
    int poll, const struct timespec *tick)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	int state = poll ? XCS_POLLING : XCS_BLOCKED;
	int32_t seq;

	xcs_progress(ci);
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
			if (xcs_replay_wait(ci, done, arg, tick != NULL) != 0)
				break;
			continue;
		}
		if (poll) {
			xcs_host_relax();
			continue;
		}
		xcs_trace(ci, XCS_TR_HALT_B, 0, -1, NULL, 0);
		futex_async(&xc->xc_blockseq, FUTEX_WAIT | XCS_FUTEX_PRIVATE,
		    seq, tick, NULL, 0);
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
 * With more simulated CPUs than host CPUs, or a host busy with other
 * work, a spinning thread would burn its whole timeslice while the CPU
 * it waits for cannot run; giving the host CPU away now and then changes
 * no simulated behaviour.  An oversubscribed machine gives it often; any
 * other only in a spin long enough (tens of microseconds) that the CPU
 * waited for is likely not running, so that the spins the benchmark
 * measures on an idle host stay free of system calls.
 */
#define XCS_YIELD_OVERSUBSCRIBED	64
#define XCS_YIELD_LONG_SPIN		1024

static __thread unsigned int xcs_spins;

static void
xcs_host_relax(void)
{
	unsigned int every = xcs_machine.xm_oversubscribed ?
	    XCS_YIELD_OVERSUBSCRIBED : XCS_YIELD_LONG_SPIN;

	caa_cpu_relax();
	if (++xcs_spins % every == 0)
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

static void
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
static void
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
	xcs_progress(ci);

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
			futex_async(&xc->xc_blockseq,
			    FUTEX_WAIT | XCS_FUTEX_PRIVATE,
			    xcs_atomic_load(&xc->xc_blockseq), NULL, NULL, 0);
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

static void *
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
	xcs_atomic_store(&xc->xc_tid, (int)gettid());
	/* Without its own stack a trap still panics, but not an overflow. */
	(void)xcs_trap_stack_attach();
	if (sigsetjmp(xc->xc_top, 1) != 0) {
		/* A panic in an interrupt taken while idle. */
		xcs_cpu_reset_intr(ci);
		if (xcs_atomic_load(&panicstr) != NULL)
			xcs_atomic_store(&xc->xc_state, XCS_STOPPED);
	}
	xc->xc_has_top = 1;
	xcs_ipi_unmask();
	xcs_idle(ci);
	xcs_atomic_store(&xc->xc_state, XCS_STOPPED);
	xcs_watch_close();
	xcs_curcpu_tls = NULL;
	xcs_trap_stack_detach();
	return (NULL);
}

/*
 * A misspelt XCALLSIM_ variable would be ignored without a word: say
 * so, once.  XCALLSIM_BUILD and XCALLSIM_CHECK_* are the check's.
 */
static void
xcs_config_unknown_env(void)
{
	static const char *const known[] = {
		"XCALLSIM_FAULTS=", "XCALLSIM_REPLAY=", "XCALLSIM_TRACE=",
		"XCALLSIM_WATCHDOG=", "XCALLSIM_BUILD=", "XCALLSIM_CHECK_"
	};
	static int warned;
	extern char **environ;
	char **e;
	size_t i;

	if (warned++)
		return;
	for (e = environ; *e != NULL; e++) {
		if (strncmp(*e, "XCALLSIM_", 9) != 0)
			continue;
		for (i = 0; i < nitems(known); i++)
			if (strncmp(*e, known[i], strlen(known[i])) == 0)
				break;
		if (i == nitems(known))
			fprintf(stderr, "xcallsim: %.*s is not a variable of "
			    "xcallsim's (XCALLSIM_FAULTS, XCALLSIM_REPLAY, "
			    "XCALLSIM_TRACE, XCALLSIM_WATCHDOG): ignored\n",
			    (int)strcspn(*e, "="), *e);
	}
}

void
xcs_config_init(struct xcs_config *cfg)
{
	xcs_config_unknown_env();
	memset(cfg, 0, sizeof(*cfg));
	cfg->xc_ncpus = 2;
	cfg->xc_idle = XCS_IDLE_HALT;
	cfg->xc_signal = SIGUSR1;
	cfg->xc_glue = XCS_GLUE_AUTO;
	cfg->xc_sir_layout = XCS_SIR_COMMITTED;
	cfg->xc_watchdog_ms = 5000;
	xcs_watchdog_env(cfg);
	cfg->xc_faults = getenv("XCALLSIM_FAULTS");
	cfg->xc_trace_events = 1024;
	xcs_trace_env(cfg);
	cfg->xc_replay_depth = 3;
	cfg->xc_replay_steps = 2000;
	xcs_replay_env(cfg);
}

static int
xcs_config_check(const struct xcs_config *cfg)
{
	int error;

	if (cfg == NULL) {
		xcs_seterr("xcs_boot: NULL configuration");
		return (EINVAL);
	}
	if (cfg->xc_ncpus < 1 || cfg->xc_ncpus > MAXCPUS) {
		xcs_seterr("xcs_boot: %u CPUs requested; this build "
		    "simulates 1 to %d", cfg->xc_ncpus, MAXCPUS);
		return (EINVAL);
	}
	if (cfg->xc_idle != XCS_IDLE_HALT && cfg->xc_idle != XCS_IDLE_POLL) {
		xcs_seterr("xcs_boot: unknown idle mode %d", cfg->xc_idle);
		return (EINVAL);
	}
	if (cfg->xc_glue < XCS_GLUE_AUTO || cfg->xc_glue > XCS_GLUE_SOFTINTR) {
		xcs_seterr("xcs_boot: unknown glue %d", cfg->xc_glue);
		return (EINVAL);
	}
	if (cfg->xc_sir_layout != XCS_SIR_COMMITTED &&
	    cfg->xc_sir_layout != XCS_SIR_PROPOSAL) {
		xcs_seterr("xcs_boot: unknown SIR layout %d",
		    cfg->xc_sir_layout);
		return (EINVAL);
	}
	if (cfg->xc_signal != 0 && (cfg->xc_signal < 1 ||
	    cfg->xc_signal >= NSIG || cfg->xc_signal == SIGKILL ||
	    cfg->xc_signal == SIGSTOP || cfg->xc_signal == SIGSEGV ||
	    cfg->xc_signal == SIGBUS || cfg->xc_signal == SIGFPE ||
	    cfg->xc_signal == SIGILL || cfg->xc_signal == SIGABRT)) {
		xcs_seterr("xcs_boot: signal %d cannot carry IPIs",
		    cfg->xc_signal);
		return (EINVAL);
	}
	if ((error = xcs_trace_check(cfg)) != 0 ||
	    (error = xcs_replay_check(cfg)) != 0)
		return (error);
	return (xcs_watchdog_check(cfg));
}

static void
xcs_sir_layout_set(enum xcs_sir_layout layout)
{
	if (layout == XCS_SIR_PROPOSAL) {
		xcs_intr_bits.sir_clock = 61;
		xcs_intr_bits.sir_net = 60;
		xcs_intr_bits.sir_tty = 59;
		xcs_intr_bits.sir_xcall = 58;
	} else {
		xcs_intr_bits.sir_xcall = 61;
		xcs_intr_bits.sir_clock = 60;
		xcs_intr_bits.sir_net = 59;
		xcs_intr_bits.sir_tty = 58;
	}
}

static void
xcs_cpu_init(struct cpu_info *ci, struct xcs_cpu *xc, unsigned int n)
{
	struct xcs_machine *xm = &xcs_machine;

	ci->ci_self = ci;
	ci->ci_next = (n + 1 < xm->xm_ncpus) ? ci + 1 : NULL;
	ci->ci_cpuid = n;
	ci->ci_xcs = xc;
	ci->ci_curproc = &xc->xc_proc;
	ci->ci_ilevel = IPL_NONE;
	ci->ci_flags = CPUF_PRESENT | CPUF_RUNNING;
	if (n == 0)
		ci->ci_flags |= CPUF_PRIMARY;
	memcpy(ci->ci_iunmask, xm->xm_iunmask, sizeof(ci->ci_iunmask));
	for (int ipl = 0; ipl < NIPL; ipl++)
		ci->ci_imask[ipl] = ~xm->xm_iunmask[ipl];

	xc->xc_ci = ci;
	xc->xc_state = XCS_RUNNING;
	xc->xc_doing = n == 0 ? "process" : "idle";
	xc->xc_spin_target = -1;
	xcs_faults_seed(xc, n);
	xc->xc_proc.p_stat = SONPROC;
	xc->xc_proc.p_tid = (int)n;
	xc->xc_proc.p_cpu = ci;
}

/*
 * Attach xcalls to every CPU and pick the glue: a softintr handle left
 * in xci_softintr means the MI code is of the earlier generation.
 */
static void
xcs_xcall_attach(void)
{
#ifdef MULTIPROCESSOR
	struct xcs_machine *xm = &xcs_machine;
	struct cpu_info *ci;
	CPU_INFO_ITERATOR cii;
	int softintr = 0;

	CPU_INFO_FOREACH(cii, ci) {
		cpu_xcall_establish(ci);
		if (ci->ci_xcall.xci_softintr != NULL)
			softintr = 1;
	}
	xm->xm_glue = xm->xm_config.xc_glue;
	if (xm->xm_glue == XCS_GLUE_AUTO)
		xm->xm_glue = softintr ? XCS_GLUE_SOFTINTR : XCS_GLUE_SOFTCLOCK;
#endif
}

static int
xcs_machine_alloc(unsigned int ncpus)
{
	struct xcs_machine *xm = &xcs_machine;
	void *p;

	if (posix_memalign(&p, 64, ncpus * sizeof(struct cpu_info)) != 0)
		return (ENOMEM);
	memset(p, 0, ncpus * sizeof(struct cpu_info));
	xm->xm_cpus = p;
	if (posix_memalign(&p, 64, ncpus * sizeof(struct xcs_cpu)) != 0) {
		free(xm->xm_cpus);
		return (ENOMEM);
	}
	memset(p, 0, ncpus * sizeof(struct xcs_cpu));
	xm->xm_xcs = p;
	xcs_cpus_lo = (char *)xm->xm_cpus;
	xcs_cpus_hi = (char *)(xm->xm_cpus + ncpus);
	return (0);
}

static void
xcs_machine_free(void)
{
	struct xcs_machine *xm = &xcs_machine;

	xcs_trace_free();
	xcs_cpus_lo = xcs_cpus_hi = NULL;
	cpu_info_list = NULL;
	free(xm->xm_cpus);
	free(xm->xm_xcs);
	memset(xm, 0, sizeof(*xm));
}

static int
xcs_cpus_start(void)
{
	struct xcs_machine *xm = &xcs_machine;
	pthread_attr_t attr;
	sigset_t saved;
	unsigned int n;
	int error = 0;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1024 * 1024);
	/* The new threads inherit the mask: no IPI before they are ready. */
	xcs_ipi_mask(&saved);
	for (n = 1; n < xm->xm_ncpus; n++) {
		error = pthread_create(&xm->xm_xcs[n].xc_thread, &attr,
		    xcs_cpu_main, &xm->xm_cpus[n]);
		if (error != 0) {
			xcs_seterr("xcs_boot: cannot start cpu%u: %s", n,
			    strerror(error));
			xm->xm_ncpus = n;
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	pthread_attr_destroy(&attr);
	return (error);
}

static void
xcs_cpus_stop(void)
{
	struct xcs_machine *xm = &xcs_machine;
	sigset_t saved;
	unsigned int n;

	/*
	 * The CPUs stop at their next look: until they have, one may still
	 * send this CPU an IPI, which it must not take half torn down.
	 */
	xcs_ipi_mask(&saved);
	(void)xcs_atomic_swap(&xm->xm_halting, 1);
	for (n = 1; n < xm->xm_ncpus; n++)
		xcs_cpu_kick(&xm->xm_cpus[n]);
	for (n = 1; n < xm->xm_ncpus; n++)
		pthread_join(xm->xm_xcs[n].xc_thread, NULL);
	/* An IPI still pending now is dropped: cpu0 has stopped too. */
	xcs_atomic_store(&xm->xm_xcs[0].xc_state, XCS_STOPPED);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
}

int
xcs_boot(const struct xcs_config *cfg)
{
	struct xcs_machine *xm = &xcs_machine;
	unsigned int n;
	int error;

	if ((error = xcs_config_check(cfg)) != 0)
		return (error);
	if (xcs_atomic_cas(&xcs_booted, 0, 1) != 0) {
		xcs_seterr("xcs_boot: a machine with %u CPUs is already "
		    "booted; xcs_shutdown it first", xm->xm_ncpus);
		return (EBUSY);
	}
	if ((error = xcs_faults_init(cfg)) != 0) {
		xcs_atomic_store(&xcs_booted, 0);
		return (error);
	}
	if (cfg->xc_replay && (xcs_faults.f_delay || xcs_faults.f_stall ||
	    xcs_faults.f_sihold)) {
		xcs_seterr("xcs_boot: faults \"%s\": delay, stall and sihold "
		    "are measured in time, which replay does not have",
		    cfg->xc_faults);
		xcs_atomic_store(&xcs_booted, 0);
		return (EINVAL);
	}
	if ((error = xcs_machine_alloc(cfg->xc_ncpus)) != 0) {
		xcs_seterr("xcs_boot: no memory for %u CPUs", cfg->xc_ncpus);
		xcs_atomic_store(&xcs_booted, 0);
		return (error);
	}
	xm->xm_ncpus = cfg->xc_ncpus;
	xm->xm_config = *cfg;
	/* In replay, exact deadlock detection replaces the watchdog. */
	if (cfg->xc_replay)
		xm->xm_config.xc_watchdog_ms = 0;
	xm->xm_oversubscribed = cfg->xc_ncpus > sysconf(_SC_NPROCESSORS_ONLN);
	xm->xm_signal = cfg->xc_signal ? cfg->xc_signal : SIGUSR1;
	if ((error = xcs_replay_init(cfg)) != 0 ||
	    (error = xcs_trace_alloc()) != 0 ||
	    (error = xcs_watch_init()) != 0 ||
	    (error = xcs_ipi_install(xm->xm_signal)) != 0 ||
	    (error = xcs_trap_install()) != 0) {
		xcs_ipi_uninstall();
		xcs_watch_fini();
		xcs_replay_fini();
		xcs_machine_free();
		xcs_atomic_store(&xcs_booted, 0);
		return (error);
	}
	xcs_sir_layout_set(cfg->xc_sir_layout);
	xcs_spl_init();
	xcs_panic_reset();

	for (n = 0; n < xm->xm_ncpus; n++)
		xcs_cpu_init(&xm->xm_cpus[n], &xm->xm_xcs[n], n);
	cpu_info_list = &xm->xm_cpus[0];
	xm->xm_xcs[0].xc_thread = xcs_boot_thread = pthread_self();
	xm->xm_xcs[0].xc_tid = (int)gettid();
	xcs_curcpu_tls = &xm->xm_cpus[0];
	(void)xcs_trap_stack_attach();

	/* Before the attach, which may establish softintrs. */
	softintr_init();
	xcs_xcall_attach();

	if ((error = xcs_cpus_start()) != 0 ||
	    (error = xcs_watchdog_start()) != 0) {
		xcs_watchdog_stop();
		xcs_replay_open();
		xcs_cpus_stop();
		xcs_trap_uninstall();
		xcs_trap_stack_detach();
		xcs_ipi_uninstall();
		xcs_watch_fini();
		xcs_curcpu_tls = NULL;
		xcs_replay_fini();
		xcs_machine_free();
		xcs_atomic_store(&xcs_booted, 0);
		return (error);
	}
	xcs_replay_start();
	return (0);
}

int
xcs_shutdown(void)
{
	if (!xcs_atomic_load(&xcs_booted)) {
		xcs_seterr("xcs_shutdown: no machine is booted");
		return (ESRCH);
	}
	if (!pthread_equal(pthread_self(), xcs_boot_thread)) {
		xcs_seterr("xcs_shutdown: called on a thread other than cpu0, "
		    "the one that booted the machine");
		return (EPERM);
	}
	xcs_watchdog_stop();
	/*
	 * In replay the trace is written while the other CPUs are still
	 * parked, so that it ends where the schedule did, the same every
	 * time; then they are let go to stop.
	 */
	if (xcs_replay_on()) {
		xcs_trace_final();
		xcs_replay_open();
	}
	xcs_cpus_stop();
	xcs_softintr_free_all();
	if (!xcs_replay_on())
		xcs_trace_final();
	xcs_trap_uninstall();
	xcs_trap_stack_detach();
	xcs_ipi_uninstall();
	xcs_watch_fini();
	xcs_curcpu_tls = NULL;
	xcs_replay_fini();
	xcs_machine_free();
	xcs_atomic_store(&xcs_booted, 0);
	return (0);
}

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
 * Wait as xcs_cpu_wait does, on a CPU that may have no frame to return
 * to after a panic (cpu0 outside any job): such a panic ends the wait
 * with ECANCELED instead of aborting the program.
 */
static int
xcs_cpu_wait_guarded(struct cpu_info *ci, int (*done)(void *), void *arg,
    int timed)
{
	struct xcs_cpu *xc = ci->ci_xcs;
	struct timespec tick = { 0, 10 * 1000000 };

	if (xc->xc_has_top) {
		xcs_cpu_wait_timed(ci, done, arg, 0, timed ? &tick : NULL);
		return (0);
	}
	if (sigsetjmp(xc->xc_top, 1) != 0) {
		xc->xc_has_top = 0;
		xcs_cpu_reset_intr(ci);
		xcs_atomic_store(&xc->xc_state, XCS_STOPPED);
		return (ECANCELED);
	}
	xc->xc_has_top = 1;
	xcs_cpu_wait_timed(ci, done, arg, 0, timed ? &tick : NULL);
	xc->xc_has_top = 0;
	return (0);
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
	if (xcs_cpu_wait_guarded(self, xcs_join_done, &jn, timeout_ms != 0) !=
	    0)
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

uint64_t
xcs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int
xcs_quiesce(unsigned int timeout_ms)
{
	struct xcs_machine *xm = &xcs_machine;
	struct cpu_info *self = xcs_curcpu_tls, *ci = NULL;
	const char *why = NULL;
	uint64_t deadline;
	unsigned int n;
	int expired = 0;

	if (self == NULL) {
		xcs_seterr("xcs_quiesce: the caller is not a simulated CPU");
		return (xcs_atomic_load(&xcs_booted) ? EPERM : ESRCH);
	}
	deadline = xcs_now_ms() + timeout_ms;
	for (;;) {
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
