/*	xcallsim.h: the simulated machine's own API	*/

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
 * The simulator's API: configure and boot a machine of simulated CPUs,
 * run code in process context on any of them, read their counters and
 * intercept panics.  Everything else a test calls is the kernel API
 * (sys/xcall.h, sys/systm.h, sys/refcnt.h, machine/intr.h, ...).
 *
 * Functions that can fail return 0 or an errno(2) value and leave a
 * message naming the call and the bad input in xcs_errstr().  Kernel
 * calls made wrongly panic instead, as a DIAGNOSTIC kernel would.
 */

#ifndef _XCALLSIM_H_
#define _XCALLSIM_H_

#include <stdint.h>
#include <stdio.h>

struct cpu_info;

/* How an idle CPU waits for work. */
enum xcs_idle {
	XCS_IDLE_HALT = 0,	/* sleeps; an IPI wakes it (default) */
	XCS_IDLE_POLL		/* spins on its doorbell; IPIs send no signal */
};

/* Which MD glue connects the xcall IPI to the MI code. */
enum xcs_glue {
	XCS_GLUE_AUTO = 0,	/* softintr if cpu_xcall_establish set one */
	XCS_GLUE_SOFTCLOCK,	/* IPI sets SIR_XCALL; dispatch at SOFTCLOCK */
	XCS_GLUE_SOFTINTR	/* IPI handler calls cpu_xcall_dispatch */
};

/* Where the soft interrupt sources sit in ci_ipending. */
enum xcs_sir_layout {
	XCS_SIR_COMMITTED = 0,	/* XCALL 61 CLOCK 60 NET 59 TTY 58 (default) */
	XCS_SIR_PROPOSAL	/* CLOCK 61 NET 60 TTY 59 XCALL 58 */
};

/*
 * The MD model: amd64 as the tech@ proposal meant it, or amd64 as
 * committed (intr.c 1.64: the xcall source shares the IPI source's
 * handler record, so the masks replay a held IPI only at IPL_NONE, and
 * Xxcallintr leaves ci_handled_intr_level alone).
 */
enum xcs_md {
	XCS_MD_AMD64 = 0,	/* "amd64" (default) */
	XCS_MD_AMD64_164	/* "amd64-1.64" */
};

struct xcs_config {
	unsigned int	xc_ncpus;	/* 1 to 256 (1 in the UP build) */
	enum xcs_idle	xc_idle;
	int		xc_signal;	/* IPI signal; 0 means SIGUSR1 */
	enum xcs_glue	xc_glue;
	enum xcs_sir_layout xc_sir_layout;
	unsigned int	xc_watchdog_ms;	/* stall timeout; 0 turns it off */
	int		xc_watchdog_panic; /* panic the stuck CPU, not report */
	int		xc_watchdog_resend; /* resend an IPI found dropped */
	const char	*xc_faults;	/* XCALLSIM_FAULTS, xcallsim(3) */
	unsigned int	xc_trace_events; /* per-CPU trace ring; 0 is off */
	const char	*xc_trace_file;	/* Chrome trace written at shutdown */
	int		xc_replay;	/* run under the seeded scheduler */
	uint64_t	xc_replay_seed;	/* ... with this seed */
	unsigned int	xc_replay_depth; /* PCT depth d: 1 to 16 (3) */
	unsigned int	xc_replay_steps; /* PCT k: change points (2000) */
	enum xcs_md	xc_md;		/* XCALLSIM_MD */
};

/* Per-CPU counters. */
struct xcs_stats {
	uint64_t	xs_posted;	/* xcalls this CPU put in a slot */
	uint64_t	xs_received;	/* xcalls put in this CPU's slots */
	uint64_t	xs_dispatched;	/* ... and taken out by dispatch */
	uint64_t	xs_dispatch_runs; /* cpu_xcall_dispatch calls here */
	uint64_t	xs_slot_full_spins; /* spins with all slots taken */
	uint64_t	xs_ipi_sent;	/* IPIs sent: a signal or a wake */
	uint64_t	xs_ipi_signals;	/*  ... of which were a host signal */
	uint64_t	xs_ipi_coalesced; /* target already had one pending */
	uint64_t	xs_ipi_skipped;	/* target was polling: bit only */
	uint64_t	xs_ipi_taken;	/* IPIs this CPU handled */
	uint64_t	xs_ipi_deferred; /* arrived at or above IPL_IPI */
	uint64_t	xs_soft_deferred; /* IPIs whose soft work waited */
	uint64_t	xs_ipi_dropped;	/* IPIs the drop fault swallowed */
	uint64_t	xs_faults;	/* faults injected on this CPU */
};

/*
 * Fill in the defaults: 2 CPUs, halt when idle, SIGUSR1, auto glue, a
 * 5 s watchdog that reports, no faults, a trace of 1024 events per CPU;
 * then the XCALLSIM_WATCHDOG, XCALLSIM_FAULTS, XCALLSIM_TRACE and
 * XCALLSIM_REPLAY variables of the environment, whose grammars are in
 * xcallsim(3), ENVIRONMENT.
 */
void	xcs_config_init(struct xcs_config *);

/*
 * Boot the machine.  The calling thread becomes cpu0, the primary CPU,
 * and runs in process context at IPL_NONE; the others start in their
 * idle loops.  Fails with EBUSY if a machine is already booted, EINVAL
 * for a bad CPU count, signal or option.
 */
int	xcs_boot(const struct xcs_config *);

/*
 * Stop every CPU and free the machine.  Must be called by the thread
 * that booted it.  CPUs still running a job are stopped at their next
 * spin or sleep; xcs_shutdown waits for them.
 */
int	xcs_shutdown(void);

/* Whether a machine is booted, and how many CPUs it has (0 if not). */
unsigned int xcs_ncpus(void);

/* CPU n's cpu_info, or NULL (with xcs_errstr set) if there is none. */
struct cpu_info *xcs_cpu(unsigned int);

/*
 * Run fn(arg) in process context on CPU n, like a kernel thread bound to
 * it: it may sleep, spin, raise its IPL and post xcalls.  xcs_cpu_start
 * returns at once (on cpu0 itself it runs fn before returning);
 * xcs_cpu_join waits for it, taking the caller's IPIs meanwhile.
 * xcs_cpu_run is both.  A CPU runs one job at a time: EBUSY otherwise.
 * xcs_cpu_join returns ECANCELED if the job panicked (see below).
 * xcs_cpu_join_timed gives up after timeout_ms with ETIMEDOUT, leaving
 * the job to be joined later; under replay, which has no time and finds
 * a deadlock exactly, it waits as xcs_cpu_join does.
 */
int	xcs_cpu_start(unsigned int, void (*)(void *), void *);
int	xcs_cpu_join(unsigned int);
int	xcs_cpu_join_timed(unsigned int, unsigned int);
int	xcs_cpu_run(unsigned int, void (*)(void *), void *);

/*
 * Wait until every CPU other than the caller is idle and every CPU,
 * the caller included, is at IPL_NONE with empty xcall slots and
 * nothing pending, taking the caller's IPIs meanwhile.  ETIMEDOUT after
 * timeout_ms, with xcs_errstr naming the first CPU that is not quiet
 * and its state; ECANCELED at once if the kernel has panicked, which
 * leaves the machine as it stopped.
 */
int	xcs_quiesce(unsigned int);

/*
 * The host thread id of CPU n's thread, or -1: benchmarks ask
 * xcs_host_thread_asleep() with it whether a halted CPU really sleeps.
 */
int	xcs_cpu_host_tid(unsigned int);

/*
 * What the host can tell about this process, each -1 where this host
 * cannot (xcs_host_name says which backend was built): whether host
 * thread tid is asleep in the host's kernel (1) or not (0), the
 * resident set in KiB, the number of threads and of open descriptors.
 * Leak checks that get -1 must say they did not check.
 */
extern const char xcs_host_name[];
int	xcs_host_tid(void);
int	xcs_host_thread_asleep(int);
long	xcs_host_rss_kib(void);
int	xcs_host_threads(void);
int	xcs_host_fds(void);

/*
 * The benchmark's floors: pin the calling thread to host CPU n (-1
 * frees it), register for and run an expedited membarrier(2), an IPI
 * to every core running a thread of this process.  Each returns 0, or
 * ENOTSUP where this host has no such thing, or the host's errno.
 */
int	xcs_host_pin(int);
int	xcs_host_membarrier_register(void);
int	xcs_host_membarrier(void);

/* CPU n's counters, or the sum over all CPUs. */
int	xcs_stats(unsigned int, struct xcs_stats *);
void	xcs_stats_total(struct xcs_stats *);

/*
 * Panic interception.  With a hook set, a panic prints its report, calls
 * hook(message, arg) on the panicking CPU, and then abandons what that
 * CPU was doing: its job ends with ECANCELED and the CPU stays stopped
 * until shutdown, as after a real panic.  The other CPUs stop too, at
 * their next CPU_BUSY_CYCLE or sleep, as a panicking kernel stops them.
 * Without a hook a panic aborts the program.  xcs_panic_message returns
 * the first panic's message, or NULL; it is cleared at boot.
 *
 * A CPU that has no job to abandon (cpu0 running kernel code itself, as
 * a test does) calls the stop hook instead, on its own thread, with the
 * first panic's message; the hook must not return (cmocka's fail_msg
 * does not).  Without one, such a CPU aborts the program.
 */
typedef void (*xcs_panic_hook)(const char *, void *);
void	xcs_panic_intercept(xcs_panic_hook, void *);
void	xcs_stop_intercept(xcs_panic_hook, void *);
const char *xcs_panic_message(void);

/*
 * The watchdog, a monitor thread that is not a CPU, as MP_LOCKDEBUG's
 * spin counters and Linux's CSD lock debugging are in a kernel.  It
 * reports a CPU that has spun in CPU_BUSY_CYCLE for xc_watchdog_ms
 * without getting anywhere (claiming a slot, sleeping, finishing its
 * job), naming what it waits for; a set of such CPUs that wait for each
 * other's slots as a deadlock cycle; and an xcall that has sat that long
 * in a slot, as "xcall pending in slot with no IPI pending" when nothing
 * would ever dispatch it.  A stall still there is reported again at
 * doubling intervals, and "got unstuck" when it ends; with
 * xc_watchdog_panic the stuck CPU panics instead.  Reports go to stderr
 * and to the hook, called on the monitor thread.
 */
enum xcs_stall_kind {
	XCS_STALL_SPIN,		/* st_cpu spins; st_target if known */
	XCS_STALL_CYCLE,	/* st_cycle[] wait for each other's slots */
	XCS_STALL_SLOT,		/* st_slot of st_cpu holds an old xcall */
	XCS_STALL_NOIPI,	/* ... and no IPI or SIR_XCALL is pending */
	XCS_STALL_UNSTUCK	/* an earlier stall of st_cpu ended */
};

#define XCS_STALL_MAXCYCLE	16

struct xcs_stall {
	enum xcs_stall_kind st_kind;
	unsigned int	st_cpu;		/* the CPU the report is about */
	int		st_ipl;		/* its IPL when reported */
	int		st_target;	/* the CPU it waits for, or -1 */
	int		st_target_ipl;
	int		st_slot;	/* SLOT and NOIPI: which slot */
	int		st_resent;	/* NOIPI: the watchdog resent it */
	int		st_unsent;	/* NOIPI: poster sent no IPI */
	unsigned int	st_ms;		/* how long it has been stuck */
	unsigned int	st_ncycle;	/* CYCLE: st_cycle[0] waits for */
	unsigned int	st_cycle[XCS_STALL_MAXCYCLE]; /* [1], ... for [0] */
	int		st_cycle_ipl[XCS_STALL_MAXCYCLE];
	const char	*st_text;	/* the report as printed */
};

typedef void (*xcs_watchdog_hook)(const struct xcs_stall *, void *);
void	xcs_watchdog_intercept(xcs_watchdog_hook, void *);

/*
 * Print every CPU's state to stderr, as ddb's "show all cpus" would: its
 * IPL, interrupt depth, pending sources and IPIs, what it is doing and
 * its xcall slots.  Any thread may call it; it reads with atomics only.
 */
void	xcs_dump_cpus(void);

/*
 * The trace: every CPU's xcall events (posts, full slots, IPIs sent,
 * coalesced, skipped or deferred, interrupt and dispatch passes, slots
 * taken, IPL changes, sleeps, wakeups, halts, jobs) in a ring per CPU.
 * xcs_trace_print prints the last events of all CPUs merged by time, as
 * a panic does; xcs_trace_export writes them as Chrome trace-event JSON,
 * for ui.perfetto.dev or chrome://tracing.  Any thread may call either
 * while the CPUs run.  They fail with ESRCH before boot and ENOENT when
 * the trace is off.
 */
int	xcs_trace_print(FILE *, unsigned int);
int	xcs_trace_export(const char *);

/*
 * Seeded replay.  With xc_replay set the CPUs run one at a time: at
 * every kernel-API point (an atomic(9) operation, an spl call,
 * CPU_BUSY_CYCLE, a sleep, a wakeup, an idle wait) a PCT scheduler
 * seeded with xc_replay_seed picks the CPU that runs next, and IPIs are
 * taken at the target's next point instead of by a signal.  The same
 * seed gives the same interleaving, counters and trace (timed in steps).
 * PCT gives every CPU a random priority and lowers the running one's at
 * xc_replay_depth - 1 random steps among the first xc_replay_steps; a
 * bug that needs d orderings shows in one run with probability at least
 * 1 / (n * k^(d-1)).  Deadlock detection is exact: when no CPU can run
 * and none can take an IPI, the machine panics with each CPU's wait,
 * the wait-for chain and the XCALLSIM_REPLAY value that replays it.
 * The watchdog is off; timed faults (delay, stall, sihold) are refused;
 * cpu0 must wait for other CPUs through kernel calls (CPU_BUSY_CYCLE
 * included), xcs_cpu_join or xcs_quiesce, never by a host sleep or a
 * loop with no kernel call in it.  A panic
 * stops the schedule: the other CPUs stay stopped until shutdown.
 * Weak memory and the host signal path are not modelled in this mode.
 * XCALLSIM_REPLAY="seed[:depth[:steps]]" turns it on from the
 * environment.  xcs_replay_steps returns the points scheduled so far.
 */
uint64_t xcs_replay_steps(void);

/* The message of the last failed xcs_* call on this thread. */
const char *xcs_errstr(void);

/* IPL names, for messages: "IPL_SOFTCLOCK". */
const char *xcs_ipl_name(int);

#endif /* _XCALLSIM_H_ */
