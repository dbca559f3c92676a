/*	xcallsim: sim/boot.c, building the machine, taking it apart	*/

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
 * The machine is built in parts, in the order of xcs_parts[]: each part
 * has a start, which may fail and says why in xcs_errstr(), and a stop,
 * which undoes it.  xcs_boot starts them in order and, if one fails,
 * stops the ones started, in reverse; xcs_shutdown stops them all, in
 * reverse.  A part's stop may ask xcs_parts_ran whether the machine ran
 * (a shutdown) or is being unwound from a failed boot.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/atomic.h>
#include <sys/xcall.h>

#include <machine/cpu.h>
#include <machine/intr.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xcs.h"

static pthread_t xcs_boot_thread;
static struct proc *xcs_procs;	/* each CPU's kernel thread */
struct xcs_hooks xcs_hooks;
static int xcs_parts_ran;	/* stopping a machine that ran */

static void	xcs_cpus_stop(void);

/* The host's side of CPU n: its thread's state and its kernel thread. */
static void
xcs_cpu_init(struct cpu_info *ci, struct xcs_cpu *xc, unsigned int n)
{
	ci->ci_xcs = xc;
	xc->xc_proc = &xcs_procs[n];
	ci->ci_curproc = xc->xc_proc;
	xc->xc_ci = ci;
	xc->xc_state = XCS_RUNNING;
	xc->xc_doing = n == 0 ? "process" : "idle";
	xc->xc_spin_target = -1;
	xcs_faults_seed(xc, n);
	xc->xc_proc->p_stat = SONPROC;
	xc->xc_proc->p_tid = (int)n;
	xc->xc_proc->p_cpu = ci;
}

/*
 * The cpu_info array and the machine's own per-CPU state, and the
 * settings the machine keeps from the configuration.
 */
static int
xcs_part_memory(const struct xcs_config *cfg)
{
	struct xcs_machine *xm = &xcs_machine;
	unsigned int ncpus = cfg->xc_ncpus;
	void *cpus = NULL, *xcs = NULL;

	if (posix_memalign(&cpus, 64, ncpus * sizeof(struct cpu_info)) ||
	    posix_memalign(&xcs, 64, ncpus * sizeof(struct xcs_cpu)) ||
	    (xcs_procs = calloc(ncpus, sizeof(*xcs_procs))) == NULL) {
		free(cpus);
		free(xcs);
		xcs_seterr("xcs_boot: no memory for %u CPUs", ncpus);
		return (ENOMEM);
	}
	xm->xm_cpus = memset(cpus, 0, ncpus * sizeof(struct cpu_info));
	xm->xm_xcs = memset(xcs, 0, ncpus * sizeof(struct xcs_cpu));
	xm->xm_cpu_size = sizeof(struct cpu_info);
	xcs_cpus_lo = (char *)xm->xm_cpus;
	xcs_cpus_hi = (char *)(xm->xm_cpus + ncpus);
	xm->xm_ncpus = ncpus;
	xm->xm_config = *cfg;
	/* In replay, exact deadlock detection replaces the watchdog. */
	if (cfg->xc_replay)
		xm->xm_config.xc_watchdog_ms = 0;
	xm->xm_oversubscribed = ncpus > sysconf(_SC_NPROCESSORS_ONLN);
	xm->xm_signal = cfg->xc_signal ? cfg->xc_signal : SIGUSR1;
	return (0);
}

static void
xcs_part_memory_stop(void)
{
	struct xcs_machine *xm = &xcs_machine;

	xcs_cpus_lo = xcs_cpus_hi = NULL;
	xcs_md_cpus(NULL, 0);
	free(xm->xm_cpus);
	free(xm->xm_xcs);
	free(xcs_procs);
	xcs_procs = NULL;
	memset(xm, 0, sizeof(*xm));
}

/* The fault settings, checked against what replay can do. */
static int
xcs_part_faults(const struct xcs_config *cfg)
{
	int error;

	if ((error = xcs_faults_init(cfg)) != 0)
		return (error);
	if (cfg->xc_replay && (xcs_faults.f_delay || xcs_faults.f_stall ||
	    xcs_faults.f_sihold)) {
		xcs_seterr("xcs_boot: faults \"%s\": delay, stall and sihold "
		    "are measured in time, which replay does not have",
		    cfg->xc_faults);
		return (EINVAL);
	}
	return (0);
}

static int
xcs_part_trace(const struct xcs_config *cfg)
{
	return (xcs_trace_alloc());
}

static int
xcs_part_watch(const struct xcs_config *cfg)
{
	return (xcs_watch_init());
}

/* The CPUs' state, and cpu0 as the thread that boots. */
static int
xcs_part_cpus(const struct xcs_config *cfg)
{
	struct xcs_machine *xm = &xcs_machine;
	unsigned int n;

	/* The two sides must agree on the door, as rumpuser_init checks. */
	if (xcs_kern_version() != XCSHYPER_VERSION) {
		xcs_seterr("xcs_boot: the kernel side was built with version "
		    "%d of xcshyper.h, the host side with %d: rebuild both",
		    xcs_kern_version(), XCSHYPER_VERSION);
		return (EINVAL);
	}
	xcs_md_attach(cfg->xc_md == XCS_MD_AMD64_164 ? XCSHYPER_MD_AMD64_164 :
	    XCSHYPER_MD_AMD64, cfg->xc_sir_layout == XCS_SIR_PROPOSAL);
	xcs_hooks.xh_count = xcs_cpu_count;
	xcs_panic_reset();
	xcs_md_cpus(xm->xm_cpus, xm->xm_ncpus);
	for (n = 0; n < xm->xm_ncpus; n++)
		xcs_cpu_init(&xm->xm_cpus[n], &xm->xm_xcs[n], n);
	xm->xm_xcs[0].xc_thread = xcs_boot_thread = pthread_self();
	xm->xm_xcs[0].xc_tid = xcs_host_tid();
	xcs_curcpu_tls = &xm->xm_cpus[0];
	/* Before the IPI handler is installed (the next part). */
	xcs_cpu_tls_touch();
	return (0);
}

static void
xcs_part_cpus_stop(void)
{
	xcs_hooks.xh_count = NULL;
	xcs_curcpu_tls = NULL;
}

static int
xcs_part_ipi(const struct xcs_config *cfg)
{
	return (xcs_ipi_install(xcs_machine.xm_signal));
}

/* Traps on a CPU become panics; cpu0 gets a stack to take them on. */
static int
xcs_part_traps(const struct xcs_config *cfg)
{
	int error;

	if ((error = xcs_trap_install()) != 0)
		return (error);
	/* Without its own stack a trap still panics, but not an overflow. */
	(void)xcs_trap_stack_attach();
	return (0);
}

static void
xcs_part_traps_stop(void)
{
	xcs_trap_uninstall();
	xcs_trap_stack_detach();
}

/* The kernel's own start: softintrs, then xcalls, which may use them. */
static int
xcs_part_kernel(const struct xcs_config *cfg)
{
	struct xcs_machine *xm = &xcs_machine;
	int earlier;

	/*
	 * The glue: a softintr handle left in xci_softintr means the MI
	 * code is of the earlier generation.
	 */
	earlier = xcs_kern_attach();
	xm->xm_glue = xm->xm_config.xc_glue;
	if (xm->xm_glue == XCS_GLUE_AUTO)
		xm->xm_glue = earlier ? XCS_GLUE_SOFTINTR : XCS_GLUE_SOFTCLOCK;
	xcs_md_glue(xm->xm_glue == XCS_GLUE_SOFTINTR);
	return (0);
}

static void
xcs_part_kernel_stop(void)
{
	xcs_mem_free_all();
}

/* A thread for each CPU but cpu0; if one cannot start, none runs. */
static int
xcs_part_threads(const struct xcs_config *cfg)
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
	if (error != 0) {
		xcs_replay_open();
		xcs_cpus_stop();
	}
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

/*
 * In replay the trace is written while the other CPUs are still parked,
 * so that it ends where the schedule did, the same every time; then
 * they are let go to stop.
 */
static void
xcs_part_threads_stop(void)
{
	if (xcs_parts_ran && xcs_replay_on())
		xcs_trace_final();
	xcs_replay_open();
	xcs_cpus_stop();
	if (xcs_parts_ran && !xcs_replay_on())
		xcs_trace_final();
}

static int
xcs_part_watchdog(const struct xcs_config *cfg)
{
	return (xcs_watchdog_start());
}

/* Replay's schedule begins once every other CPU has parked. */
static int
xcs_part_schedule(const struct xcs_config *cfg)
{
	xcs_replay_start();
	return (0);
}

struct xcs_part {
	const char	*xp_name;
	int		(*xp_start)(const struct xcs_config *);
	void		(*xp_stop)(void);
};

static const struct xcs_part xcs_parts[] = {
	{ "faults",	xcs_part_faults,	xcs_faults_fini },
	{ "memory",	xcs_part_memory,	xcs_part_memory_stop },
	{ "replay",	xcs_replay_init,	xcs_replay_fini },
	{ "trace",	xcs_part_trace,		xcs_trace_free },
	{ "watchpoints", xcs_part_watch,	xcs_watch_fini },
	{ "cpus",	xcs_part_cpus,		xcs_part_cpus_stop },
	{ "ipi",	xcs_part_ipi,		xcs_ipi_uninstall },
	{ "traps",	xcs_part_traps,		xcs_part_traps_stop },
	{ "kernel",	xcs_part_kernel,	xcs_part_kernel_stop },
	{ "threads",	xcs_part_threads,	xcs_part_threads_stop },
	{ "watchdog",	xcs_part_watchdog,	xcs_watchdog_stop },
	{ "schedule",	xcs_part_schedule,	NULL },
};

/* Stop parts [0, n) in reverse; ran says whether it is a shutdown. */
static void
xcs_parts_stop(size_t n, int ran)
{
	xcs_parts_ran = ran;
	while (n-- > 0) {
		if (xcs_parts[n].xp_stop != NULL)
			xcs_parts[n].xp_stop();
	}
}

int
xcs_boot(const struct xcs_config *cfg)
{
	struct xcs_machine *xm = &xcs_machine;
	size_t i;
	int error;

	if ((error = xcs_config_check(cfg)) != 0)
		return (error);
	if (xcs_atomic_cas(&xcs_booted, 0, 1) != 0) {
		xcs_seterr("xcs_boot: a machine with %u CPUs is already "
		    "booted; xcs_shutdown it first", xm->xm_ncpus);
		return (EBUSY);
	}
	for (i = 0; i < nitems(xcs_parts); i++) {
		xcs_seterr("%s", "");
		if ((error = xcs_parts[i].xp_start(cfg)) != 0) {
			if (*xcs_errstr() == '\0')
				xcs_seterr("xcs_boot: the %s part could not "
				    "start: %s", xcs_parts[i].xp_name,
				    strerror(error));
			xcs_parts_stop(i, 0);
			xcs_atomic_store(&xcs_booted, 0);
			return (error);
		}
	}
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
	xcs_parts_stop(nitems(xcs_parts), 1);
	xcs_atomic_store(&xcs_booted, 0);
	return (0);
}
