/*	xcallsim: sim/xcs_machine.h, the host side's state	*/

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
 * The host side's own state: what it keeps per CPU and for the machine,
 * and its parts' calls.  Kernel types appear only as pointers, so a
 * host-domain file that includes this header alone (not xcs.h) builds
 * without the kernel shim headers and without _KERNEL.
 */

#ifndef _XCS_MACHINE_H_
#define _XCS_MACHINE_H_

#include <sys/types.h>

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "host/host.h"
#include "xcallsim.h"
#include "xcshyper.h"

/* What a simulated CPU is doing, as far as a sender of an IPI cares. */
#define XCS_RUNNING	0	/* executing: an IPI needs a signal */
#define XCS_POLLING	1	/* spinning on its doorbell: set the bit */
#define XCS_BLOCKED	2	/* asleep on xc_blockseq: wake the futex */
#define XCS_STOPPED	3	/* panicked or shut down: takes nothing */

struct cpu_info;
struct proc;

/* nitems(), which host-domain files do not get from a kernel header. */
#define XCS_NITEMS(_a)	(sizeof(_a) / sizeof((_a)[0]))

/*
 * The host side's atomics, on words its own threads share: the
 * compiler's builtins, which the sanitizers see.  On amd64 each is the
 * instruction the kernel's machine/atomic.h gives (a plain load or
 * store, xchg, lock xadd), so a word may be shared with a host part that
 * still uses that header.  Loads acquire, stores release, and the
 * read-modify-writes are full barriers.
 */
#define xcs_hload(_p)		__atomic_load_n((_p), __ATOMIC_ACQUIRE)
#define xcs_hstore(_p, _v)	__atomic_store_n((_p), (_v), __ATOMIC_RELEASE)
#define xcs_hswap(_p, _v)	__atomic_exchange_n((_p), (_v), __ATOMIC_SEQ_CST)
#define xcs_hadd_nv(_p, _v)	__atomic_add_fetch((_p), (_v), __ATOMIC_SEQ_CST)

/* Whether replay's scheduler is installed: its hook is set. */
#define xcs_replay_hooked()	XCS_HOOKED(xh_point)

/* A job: process-context work handed to a CPU by xcs_cpu_start. */
struct xcs_job {
	void			(*xj_fn)(void *);
	void			*xj_arg;
	unsigned int		 xj_done;	/* [a] 0 running, 1 done */
	int			 xj_error;	/* 0 or ECANCELED */
	struct cpu_info		*xj_joiner;	/* [a] CPU waiting for it */
};

struct xcs_cpu {
	struct cpu_info		*xc_ci;
	pthread_t		 xc_thread;
	int			 xc_tid;	/* [a] host thread id */
	unsigned int		 xc_state;	/* [a] XCS_* */
	int32_t			 xc_blockseq;	/* [a] futex word */
	struct xcs_job		*xc_job;	/* [a] queued job */
	struct xcs_job		 xc_jobslot;	/* storage for the job */
	unsigned int		 xc_busy;	/* [a] a job is not joined */
	struct proc		*xc_proc;	/* the CPU's kernel thread */
	sigjmp_buf		 xc_top;	/* where a panic ends up */
	int			 xc_has_top;
	const char		*xc_doing;	/* [a] for the state dump */
	struct xcs_stats	 xc_stats;	/* [a] counters */

	/* For the watchdog: written by this CPU, read by the monitor. */
	uint64_t		 xc_spins;	/* [a] CPU_BUSY_CYCLEs */
	uint64_t		 xc_progress;	/* [a] claims, sleeps, jobs */
	int			 xc_spin_target; /* [a] full CPU, or -1 */
	void			*xc_last_func;	/* [a] last xcall taken */
	const char		*xc_spunout;	/* [a] set by the monitor */
	uint64_t		 xc_rng;	/* [o] fault generator */
	int			 xc_stalling;	/* [o] in a stall fault */
	struct xcs_trace_event	*xc_trace;	/* the ring, or NULL */
	uint64_t		 xc_trace_head;	/* [a] events recorded */

	/*
	 * What other CPUs write when they post here: xs_received and what
	 * went into each slot.  On lines of their own they do not pull
	 * the lines this CPU writes away from it on every post.
	 */
	uint64_t		 xc_received __attribute__((__aligned__(64)));
	void			*xc_slot_func[4]; /* [a] what each slot got */
	void			*xc_slot_arg[4]; /* [a] ... as posted */
	int			 xc_slot_unsent[4]; /* [a] XCS_UNSENT() */
	uint64_t		 xc_slot_seq[4]; /* [a] claims of each slot */
	uint64_t		 xc_slot_runs[4]; /* [a] dispatch passes then */
} __attribute__((__aligned__(64)));

/*
 * A slot claimed by a CPU that has not sent the xcall IPI since: the
 * poster's cpuid + 1 and its interrupt depth at the claim, or 0.
 */
#define XCS_UNSENT(_cpu, _depth)	((int)(_cpu) + 1 + ((_depth) << 16))
#define XCS_UNSENT_CPU(_u)		(((_u) & 0xffff) - 1)
#define XCS_UNSENT_DEPTH(_u)		((_u) >> 16)

/*
 * One trace event.  Only its CPU writes it; readers copy it while the
 * CPU runs, so every field is an atomic word.
 */
struct xcs_trace_event {
	uint64_t		 te_seq;	/* [a] ring index + 1, or 0 */
	uint64_t		 te_ns;		/* [a] since boot */
	uint64_t		 te_info;	/* [a] kind, IPL, depth, ... */
	uint64_t		 te_ptr;	/* [a] function, channel... */
	uint64_t		 te_arg;	/* [a] argument, wait message */
};

struct xcs_machine {
	unsigned int		 xm_ncpus;
	struct cpu_info		*xm_cpus;	/* array of xm_ncpus */
	size_t			 xm_cpu_size;	/* sizeof(struct cpu_info) */
	struct xcs_cpu		*xm_xcs;
	struct xcs_config	 xm_config;
	enum xcs_glue		 xm_glue;	/* the glue in use */
	int			 xm_signal;
	unsigned int		 xm_halting;	/* [a] shutting down */
	int			 xm_oversubscribed; /* more CPUs than host's */
	struct xcs_watchdog	*xm_watchdog;
	unsigned int		 xm_trace_mask;	/* ring size - 1, 0 off */
	uint64_t		 xm_trace_t0;	/* boot, in ns */
};

extern struct xcs_machine xcs_machine;
extern char *xcs_cpus_lo, *xcs_cpus_hi;	/* the cpu_info array */
extern unsigned int xcs_booted;		/* [a] */

/*
 * Which CPU ci is, from where it lies in the host's cpu_info array, and
 * the host side's state of it: no cpu_info field is read.
 */
static inline unsigned int
xcs_cpu_index(const struct cpu_info *ci)
{
	return ((unsigned int)(((const char *)ci - xcs_cpus_lo) /
	    xcs_machine.xm_cpu_size));
}

static inline struct xcs_cpu *
xcs_cpu_of(const struct cpu_info *ci)
{
	return (&xcs_machine.xm_xcs[xcs_cpu_index(ci)]);
}

/*
 * splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): the next value of the sequence whose
 * state is *state.
 */
#define XCS_SPLITMIX_GAMMA	0x9e3779b97f4a7c15ULL

static inline uint64_t
xcs_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += XCS_SPLITMIX_GAMMA);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* cpu.c */
void	xcs_cpu_kick(struct cpu_info *);
void	xcs_cpu_wait(struct cpu_info *, int (*)(void *), void *, int);
struct cpu_info *xcs_cpu_holding(const void *);
void	xcs_cpu_count(struct cpu_info *, int);
int	xcs_doing_xcalls(const char *);
__attribute__((__noreturn__)) void xcs_cpu_abandon(struct cpu_info *);
void	xcs_cpu_check_panic(struct cpu_info *);
void	xcs_cpu_reset_intr(struct cpu_info *);
void	xcs_cpu_run_job(struct cpu_info *, struct xcs_job *);
void	*xcs_cpu_main(void *);
uint64_t xcs_now_ms(void);
void	xcs_seterr(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));

/* config.c */
int	xcs_config_check(const struct xcs_config *);
int	xcs_config_under_valgrind(void);

/* ipi.c */
int	xcs_slot_spin_seen(void);
int	xcs_ipi_install(int);
void	xcs_ipi_uninstall(void);
void	xcs_ipi_mask(sigset_t *);
void	xcs_ipi_unmask(void);
void	xcs_ipi_tls_touch(void);

/*
 * Make this thread's copy of thread-local v exist.  With emulated TLS
 * (OpenBSD's clang) the first access to each allocates, which the IPI
 * handler must not do: every CPU thread touches all that the signal
 * path uses before it lets the signal in (xcs_cpu_tls_touch).
 */
#define XCS_TLS_TOUCH(v)	((void)*(volatile __typeof__(v) *)&(v))
void	xcs_cpu_tls_touch(void);


/*
 * Observers (the watchdog, the state dump, replay's report, the
 * counters) read CPUs' xcall slots while the CPUs run, as ddb on one
 * CPU reads another's memory.  Upstream's dispatch clears a slot with a
 * plain store, by design, so ThreadSanitizer would report each such
 * read as a race with it, and a suppression matches only when TSan can
 * still restore the store's stack.  Observers decide nothing the kernel
 * does, so their reads are kept out of TSan's sight altogether.
 */
#ifdef __SANITIZE_THREAD__
void	AnnotateIgnoreReadsBegin(const char *, int);
void	AnnotateIgnoreReadsEnd(const char *, int);
#define xcs_observe_begin()	AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define xcs_observe_end()	AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#else
#define xcs_observe_begin()	do { } while (0)
#define xcs_observe_end()	do { } while (0)
#endif

/* What slot i of CPU ci holds, read as an observer, through the door. */
struct xcall;

static inline struct xcall *
xcs_slot_peek(struct cpu_info *ci, size_t i)
{
	struct xcall *xc;

	xcs_observe_begin();
	xc = xcs_md_slot(ci, (u_int)i);
	xcs_observe_end();
	return (xc);
}

/* trap.c */
int	xcs_trap_install(void);
void	xcs_trap_uninstall(void);
int	xcs_trap_stack_attach(void);
void	xcs_trap_tls_touch(void);
void	xcs_trap_stack_detach(void);

/* panic.c */
__attribute__((__noreturn__)) void xcs_panic_stop(struct cpu_info *);
void	xcs_dump_cpu(FILE *, struct cpu_info *);
const char *xcs_fn_name(void *, char *, size_t);
void	xcs_print_fn(FILE *, void *);

/* watchdog.c */
int	xcs_watchdog_check(const struct xcs_config *);
int	xcs_watchdog_start(void);
void	xcs_watchdog_stop(void);
void	xcs_progress(struct xcs_cpu *);

/* ipi.c */
void	xcs_ipi_resend(struct cpu_info *);
void	xcs_slot_check(volatile void *, void *, void *);
void	xcs_slot_claimed(volatile void *, void *, void *, void *);
void	xcs_slot_taken(volatile void *, void *);
int	xcs_slot_unsent(struct cpu_info *, size_t, int *);
int	xcs_slot_never_sent(struct cpu_info *, size_t);
void	xcs_print_unsent(FILE *, struct cpu_info *, size_t);

/* kmem.c */
void	xcs_mem_free_all(void);

/* fault.c: thresholds on 32 random bits; 0 means never. */
struct xcs_faults {
	int		f_on;
	uint64_t	f_seed;
	uint32_t	f_drop, f_delay, f_dup, f_early, f_spurious, f_stall;
	uint32_t	f_sihold, f_raise, f_widen;
	unsigned int	f_delay_us;
	int		f_stall_ipl;
	unsigned int	f_stall_us;
	unsigned int	f_sihold_us;
	int		f_raise_ipl;
	unsigned int	f_widen_us;
};
extern struct xcs_faults xcs_faults;

int	xcs_faults_init(const struct xcs_config *);
void	xcs_faults_fini(void);
void	xcs_faults_seed(struct xcs_cpu *, unsigned int);
int	xcs_fault(struct cpu_info *, uint32_t);
struct cpu_info *xcs_fault_other_cpu(struct cpu_info *);
void	xcs_fault_delay(struct cpu_info *, unsigned int);
void	xcs_fault_stall(struct cpu_info *);
void	xcs_fault_spin(unsigned int);
void	xcs_fault_raise(struct cpu_info *);
void	xcs_fault_tls_touch(void);
void	xcs_fault_lower(struct cpu_info *);
uint32_t xcs_fault_random(struct cpu_info *);

/* watch.c */
int	xcs_watch_init(void);
void	xcs_watch_fini(void);
void	xcs_watch_close(void);
void	xcs_watch_tls_touch(void);
void	xcs_watch_begin(const void *);
void	xcs_watch_end(void);

/* replay.c */
int	xcs_replay_check(const struct xcs_config *);
int	xcs_replay_init(const struct xcs_config *);
void	xcs_replay_start(void);
void	xcs_replay_open(void);
void	xcs_replay_fini(void);
void	xcs_replay_freeze(struct cpu_info *);
int	xcs_replay_active(void);
int	xcs_replay_frozen(void);
int	xcs_replay_waits(struct cpu_info *);
uint64_t xcs_replay_clock(void);
void	xcs_replay_point(int);
void	xcs_replay_wrote(void);
void	xcs_replay_signal(struct cpu_info *);
void	xcs_replay_spin(struct cpu_info *);
int	xcs_replay_wait(struct cpu_info *, int (*)(void *), void *, int);
void	xcs_replay_resume(struct cpu_info *);
__attribute__((__noreturn__)) void xcs_replay_deadlock(struct cpu_info *);

/* waitfor.c: an edge gives the CPU that CPU n waits for, or -1. */
typedef int (*xcs_wf_edge)(unsigned int, void *, const char **);
unsigned int xcs_wf_path(unsigned int, xcs_wf_edge, void *, unsigned int *,
	    unsigned int, int *);
int	xcs_wf_waits_for(struct cpu_info *, int, const char **);
void	xcs_wf_describe(FILE *, struct cpu_info *, int);
int	xcs_wf_chain(FILE *, xcs_wf_edge, void *);
void	xcs_wf_print_cause(FILE *);

/* trace.c */
#define XCS_TRACE_MAX		(1U << 20)	/* events per CPU */
#define XCS_TRACE_FILE_EVENTS	65536	/* per CPU, exporting */
void	xcs_trace_record(struct cpu_info *, int, int, int, const void *,
	    uint64_t);
void	xcs_trace_panic(void);
void	xcs_trace_final(void);
int	xcs_trace_check(const struct xcs_config *);
int	xcs_trace_alloc(void);
void	xcs_trace_free(void);

/*
 * Record an event if the trace is on; see trace.c.  Every CPU has a ring
 * or none has, so cpu0's says, and with the trace off that load is all
 * an event costs.
 */
static inline void
xcs_trace(struct cpu_info *ci, int kind, int sub, int other, const void *ptr,
    uint64_t arg)
{
	if (ci != NULL && xcs_machine.xm_xcs[0].xc_trace != NULL)
		xcs_trace_record(ci, kind, sub, other, ptr, arg);
}

#endif /* _XCS_MACHINE_H_ */
