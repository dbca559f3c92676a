/*	xcallsim: sim/door/xcshyper.h, where kernel and host meet	*/

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
 * The one door between the simulated kernel and its host, as rump's
 * rumpuser.h is.  The kernel domain (sim/kern/, the shim headers, the MI
 * code) includes only <sys/...>, <machine/...> and this header; the host
 * domain (threads, signals, futexes, observers, instruments) reaches the
 * kernel's state only through what is declared here.  Three kinds of
 * crossing:
 *
 *  - hypercalls, kernel to host: wait on and kick a CPU's futex, relax
 *    in a spin, the clock, what a CPU is doing;
 *  - upcalls, host to kernel: names of IPLs, whether the kernel has
 *    panicked;
 *  - hooks, for the instruments (replay, the slot observers, trace):
 *    a table of function pointers, each NULL while its instrument is
 *    off, so that an instrument that is off costs one predictable
 *    branch.  The machine calls hooks by name; it never calls an
 *    instrument's functions.
 *
 * This header includes nothing but <sys/types.h>, which both domains
 * have, and uses no type of either side but as an opaque pointer.
 */

#ifndef _XCSHYPER_H_
#define _XCSHYPER_H_

#include <sys/types.h>

/* Bumped whenever a declaration below changes. */
#define XCSHYPER_VERSION	3

struct cpu_info;

/*
 * Hypercalls, implemented by the host domain.
 */

/* What the calling thread's CPU is, or NULL on a host thread. */
extern __thread struct cpu_info *xcs_curcpu_tls
    __attribute__((__tls_model__("initial-exec")));
/* curcpu() on a thread that is no CPU: a panic naming what. */
__attribute__((__noreturn__, __cold__)) void xcs_not_a_cpu(const char *);

/* CPU_BUSY_CYCLE(): take pending IPIs, then let the host breathe. */
void	xcs_cpu_busy_cycle(void);
/*
 * Wait, taking IPIs, until done(arg) is true: spinning on the doorbell
 * if poll is set, asleep otherwise; with tick_ns not 0, done(arg) is
 * asked again at least that often.
 */
void	xcs_cpu_wait_ns(struct cpu_info *, int (*)(void *), void *, int,
	    u_int64_t);
/*
 * Ring ci's doorbell for an IPI that self has just made pending: a
 * signal for a running CPU, a futex wake for a halted one, nothing for
 * one that polls.  Returns how, an XCS_IPI_*.
 */
int	xcs_cpu_ring(struct cpu_info *, struct cpu_info *);
/* What ci is doing now, for the host's reports; returns what it was. */
const char *xcs_cpu_doing(struct cpu_info *, const char *);
/* Print every CPU's state (splassert_ctl 2 and 3, ddb). */
void	xcs_dump_cpus(void);
/* The console: the host's standard error. */
int	xcs_console_vprintf(const char *, __builtin_va_list);
/*
 * panic(9)'s host part, once its message is out: the state dump, the
 * other CPUs stopped, the test's intercept.  Then the panicking CPU
 * halts: back to its job if a test intercepts, else the process ends.
 */
void	xcs_panic_host(struct cpu_info *, const char *);
__attribute__((__noreturn__)) void xcs_panic_halt(struct cpu_info *);
/* Wake ci if it waits in xcs_cpu_wait_ns(). */
void	xcs_cpu_kick(struct cpu_info *);
/* Stop here if another CPU has panicked. */
void	xcs_cpu_check_panic(struct cpu_info *);
/* The host's monotonic clock, in nanoseconds. */
u_int64_t xcs_clock_ns(void);
/* Whether time stands still (replay): a timeout ends only in a deadlock. */
int	xcs_clock_stopped(void);
/*
 * Memory for malloc(9), zeroed if asked, from process context only; the
 * machine's shutdown frees what is left.
 */
void	*xcs_mem_alloc(size_t, int);
void	xcs_mem_free(void *);

/*
 * Upcalls, implemented by the kernel domain.  The host's boot refuses a
 * kernel domain built against another version of this header.
 */

/* "IPL_SOFTCLOCK" for IPL_SOFTCLOCK; "IPL_?" for what is no IPL. */
const char *xcs_ipl_name(int);

/*
 * The machine's interrupt model: which MD model, where the soft sources
 * sit (the committed layout, or dlg's proposal), whether the MI code is
 * of the earlier, softintr generation.
 */
#define XCSHYPER_MD_AMD64	0	/* amd64 as the proposal meant it */
#define XCSHYPER_MD_AMD64_164	1	/* amd64 intr.c 1.64, committed */
void	xcs_md_attach(int, int);
void	xcs_md_glue(int);
/*
 * The host's array of cpu_info, for cpu_info_list (NULL and 0 at
 * shutdown); a kernel call given a pointer that is no booted CPU's
 * cpu_info panics naming func.
 */
void	xcs_md_cpus(struct cpu_info *, u_int);
void	xcs_check_cpu(const struct cpu_info *, const char *);

/*
 * An IPI arrives at ci, from the host's signal or from ci noticing its
 * doorbell; xcs_doorbell takes one if xcs_doorbell_rings, which says
 * whether ci_ipis has any that the IPL allows and that are not already
 * taken and held for the spl code to replay.
 */
void	xcs_intr_ipi(struct cpu_info *);
void	xcs_doorbell(struct cpu_info *);
int	xcs_doorbell_rings(struct cpu_info *);

/*
 * The kernel's own start, with the CPUs attached: softintr_init(), then
 * cpu_xcall_establish() on each CPU.  Returns whether the MI code is of
 * the earlier generation (it established a softintr per CPU).
 */
int	xcs_kern_attach(void);

/* The XCSHYPER_VERSION the kernel domain was built with. */
int	xcs_kern_version(void);
/*
 * MAXCPUS: how many CPUs the kernel domain was built for, never more
 * than XCSHYPER_MAXCPUS, which the host sizes its fixed tables by.
 */
#define XCSHYPER_MAXCPUS	256
u_int	xcs_kern_maxcpus(void);

/*
 * What the host's observers (trace, reports) read of a running CPU: its
 * IPL and interrupt depth now, each one whole word, not one snapshot.
 */
struct xcs_cpu_view {
	int	cv_ilevel;
	int	cv_idepth;
};
void	xcs_md_cpu_view(struct cpu_info *, struct xcs_cpu_view *);
/*
 * What slot i of ci's xcall queue holds now, for the host's observers:
 * one whole pointer, ordered with nothing; NULL past the last slot and
 * in a uniprocessor kernel, which has none.
 */
void	*xcs_md_slot(struct cpu_info *, u_int);

/*
 * A trap on ci's CPU that the kernel does not handle (a page fault, a
 * bus error), described by the host: the kernel panics with it and
 * with where the CPU was.
 */
__attribute__((__noreturn__)) void xcs_kern_trap(struct cpu_info *,
	    const char *);

/* The kernel's panicstr; non-NULL once any CPU has panicked. */
extern const char *panicstr;
/* A new machine: nobody has panicked yet. */
void	xcs_panic_reset(void);

/*
 * Whether any CPU has panicked.  The acquire load pairs with panic()'s
 * store of panicstr, which another CPU may make at any moment.
 */
static inline int
xcs_panicked(void)
{
	return (__atomic_load_n(&panicstr, __ATOMIC_ACQUIRE) != 0);
}

/*
 * Hooks, set by the host domain at boot and cleared at shutdown with no
 * CPU running but the one that boots.
 */

/* Replay points: what an operation at a point does to memory. */
#define XCS_RP_READ	0
#define XCS_RP_WRITE	1

/* Trace event kinds.  Each end kind is its beginning's plus one. */
enum xcs_trace_kind {
	XCS_TR_POST = 1,	/* other: target, sub: slot, ptr(arg) */
	XCS_TR_FULL,		/* other: the target whose slots are full */
	XCS_TR_IPI,		/* other: target, sub: XCS_IPI_* */
	XCS_TR_DEFER,		/* an IPI arrived at or above IPL_IPI */
	XCS_TR_TAKE,		/* sub: slot, ptr(arg) taken by dispatch */
	XCS_TR_SPL,		/* sub: the old IPL; the event's is the new */
	XCS_TR_WAKEUP,		/* other: CPU woken, ptr: channel */
	XCS_TR_PANIC,
	XCS_TR_INTR_B,		/* ptr: the source's name */
	XCS_TR_INTR_E,
	XCS_TR_DISP_B,		/* cpu_xcall_dispatch */
	XCS_TR_DISP_E,
	XCS_TR_SLEEP_B,		/* ptr: channel, arg: wait message */
	XCS_TR_SLEEP_E,
	XCS_TR_HALT_B,		/* idle or asleep: on the futex */
	XCS_TR_HALT_E,
	XCS_TR_JOB_B,		/* ptr: the process-context function */
	XCS_TR_JOB_E
};

/* How an IPI send ended. */
enum xcs_ipi_outcome {
	XCS_IPI_SIGNAL,
	XCS_IPI_WAKE,
	XCS_IPI_POLLED,
	XCS_IPI_STOPPED,
	XCS_IPI_COALESCED,
	XCS_IPI_DROPPED,
	XCS_IPI_RESENT,
	XCS_IPI_NOUTCOMES
};

/* What the kernel domain counts, per CPU (struct xcs_stats). */
enum xcs_count {
	XCS_CNT_DISPATCH_RUNS,	/* cpu_xcall_dispatch calls */
	XCS_CNT_IPI_TAKEN,	/* IPIs handled */
	XCS_CNT_IPI_DEFERRED,	/* arrived at or above IPL_IPI */
	XCS_CNT_SOFT_DEFERRED	/* IPIs whose soft work waited */
};

struct xcs_hooks {
	/*
	 * Replay: each kernel atomic(9) operation is a point where the
	 * scheduler may switch CPUs; xh_wrote follows a compare-and-swap
	 * that changed memory.
	 */
	void	(*xh_point)(int);
	void	(*xh_wrote)(void);

	/*
	 * The slot observers see every compare-and-swap and swap of a
	 * pointer in [xh_slots_lo, xh_slots_hi), the cpu_info array:
	 * in practice the MI code claiming an xcall slot (before and
	 * after) and dispatch taking one.
	 */
	char	*xh_slots_lo, *xh_slots_hi;
	void	(*xh_slot_check)(volatile void *, void *, void *);
	void	(*xh_slot_claimed)(volatile void *, void *, void *, void *);
	void	(*xh_slot_taken)(volatile void *, void *);

	/*
	 * A dispatch pass over the xcall slots of the CPU whose cpu_info
	 * holds the pointer begins, or ends (the widen fault's
	 * watchpoints); any other pointer is not watched.
	 */
	void	(*xh_dispatch_begin)(const void *);
	void	(*xh_dispatch_end)(void);

	/* softintr_schedule() holds softintr_lock (the sihold fault). */
	void	(*xh_softintr_locked)(struct cpu_info *);

	/*
	 * x86_send_ipi() from self to ci, at IPL_IPI: whether to drop it
	 * (the drop fault); sent, with how it went, an XCS_IPI_* (the
	 * observers, the dup and spurious faults); and back at the
	 * caller's IPL (the raise fault's end).  Each IPI a CPU takes
	 * first passes xh_ipi_arrives (the stall fault).
	 */
	int	(*xh_ipi_drop)(struct cpu_info *, struct cpu_info *);
	void	(*xh_ipi_sent)(struct cpu_info *, struct cpu_info *, int, int);
	void	(*xh_post_done)(struct cpu_info *);
	void	(*xh_ipi_arrives)(struct cpu_info *);

	/* Count an event of the kernel's on a CPU (XCS_CNT_*). */
	void	(*xh_count)(struct cpu_info *, int);

	/* The trace recorder: kind, sub, other CPU, pointer, argument. */
	void	(*xh_trace)(struct cpu_info *, int, int, int, const void *,
		    u_int64_t);
};
extern struct xcs_hooks xcs_hooks;

/*
 * A hook, read relaxed: it orders nothing, and changes only while no
 * other CPU runs.
 */
#define XCS_HOOK(_h)	__atomic_load_n(&xcs_hooks._h, __ATOMIC_RELAXED)
#define XCS_HOOKED(_h)	__builtin_expect(XCS_HOOK(_h) != 0, 0)

/* One trace helper per event the kernel domain records. */
static inline void
xcs_tr_event(struct cpu_info *ci, int kind, int sub, int other,
    const void *ptr, u_int64_t arg)
{
	if (XCS_HOOKED(xh_trace))
		XCS_HOOK(xh_trace)(ci, kind, sub, other, ptr, arg);
}

static inline void
xcs_count(struct cpu_info *ci, int what)
{
	if (XCS_HOOKED(xh_count))
		XCS_HOOK(xh_count)(ci, what);
}

/* A wait message packed into the event's argument, at most 8 bytes. */
static inline u_int64_t
xcs_tr_wmesg(const char *wmesg)
{
	u_int64_t packed = 0;
	size_t i;

	for (i = 0; wmesg != 0 && i < sizeof(packed) && wmesg[i] != '\0';
	    i++)
		((char *)&packed)[i] = wmesg[i];
	return (packed);
}

#define xcs_tr_spl(_ci, _old)						\
	xcs_tr_event((_ci), XCS_TR_SPL, (_old), -1, NULL, 0)
#define xcs_tr_defer(_ci)						\
	xcs_tr_event((_ci), XCS_TR_DEFER, 0, -1, NULL, 0)
#define xcs_tr_intr(_ci, _name)						\
	xcs_tr_event((_ci), XCS_TR_INTR_B, 0, -1, (_name), 0)
#define xcs_tr_intr_end(_ci, _name)					\
	xcs_tr_event((_ci), XCS_TR_INTR_E, 0, -1, (_name), 0)
#define xcs_tr_dispatch(_ci)						\
	xcs_tr_event((_ci), XCS_TR_DISP_B, 0, -1, NULL, 0)
#define xcs_tr_dispatch_end(_ci)					\
	xcs_tr_event((_ci), XCS_TR_DISP_E, 0, -1, NULL, 0)
#define xcs_tr_sleep(_ci, _chan, _wmesg)				\
	xcs_tr_event((_ci), XCS_TR_SLEEP_B, 0, -1, (_chan),		\
	    xcs_tr_wmesg(_wmesg))
#define xcs_tr_sleep_end(_ci)						\
	xcs_tr_event((_ci), XCS_TR_SLEEP_E, 0, -1, NULL, 0)
#define xcs_tr_wakeup(_ci, _target, _chan)				\
	xcs_tr_event((_ci), XCS_TR_WAKEUP, 0, (_target), (_chan), 0)

#endif /* _XCSHYPER_H_ */
